#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# run_examples.sh BUILD_DIR TAPISRV PROVIDER_DIR PHONECTL [SANITIZE] — the programs of examples/
# build from the *installed* tree (meson install into a private DESTDIR) with
# `pkg-config --cflags --libs opentapi` and nothing else, as a developer who copies one builds
# it, and do what their comments say against a private tapisrv with the built-in default phone;
# phonectl plays the other application (it presses buttons, lifts the hook switch, reads the data
# back). Then the example provider (examples/provider/filephone.c) builds from the same tree with
# `pkg-config --cflags --libs otsp`, a second private tapisrv loads it from OPENTAPI_PROVIDER_PATH,
# and phonectl checks what it writes to its files, its data area, its lamps, its buttons and its
# configuration messages. SANITIZE is the build's b_sanitize (the programs link that build's
# library). TAP.
set -u
BUILD=$1
TAPISRV=$2
PROVIDERS=$3
PHONECTL=$4
SANITIZE=${5:-none}
san=
[ "$SANITIZE" != none ] && san="-fsanitize=$SANITIZE"
EXAMPLES=$(cd "$(dirname "$0")/../../examples" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/opentapi-examples.XXXXXX") || exit 1
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	rm -rf "$work"
}
trap cleanup EXIT

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1)) failed=$((failed + 1))
	echo "not ok $n - $1"
	for f in "$@"; do [ -f "$f" ] && sed "s|^|# $(basename "$f"): |" "$f" | head -n 20; done
}
# A hang guard, never a measure: a lost message fails the test instead of hanging it.
TIMEOUT=(timeout 120)
# wait_for FILE PATTERN: until PATTERN is in FILE (at most 60 s).
wait_for() {
	for _ in $(seq 600); do
		grep -qE -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# shellcheck source=../installed_tree.sh
. "$(dirname "$0")/../installed_tree.sh"
if ! install_tree "$BUILD" "$work/inst" "$work/install.log"; then
	not_ok "meson install into a private DESTDIR" "$work/install.log"
	echo "1..$n"
	exit 1
fi
cflags=$(pkg-config --cflags opentapi) libs=$(pkg-config --libs opentapi) || exit 1
for src in "$EXAMPLES"/*.c; do
	name=$(basename "$src" .c)
	# shellcheck disable=SC2086
	if cc -std=c11 -Wall -Wextra -Werror $san $cflags "$src" -o "$work/$name" $libs \
		>"$work/$name.build" 2>&1; then
		ok "$name builds from the installed tree: cc $cflags $name.c $libs"
	else
		not_ok "$name builds from the installed tree" "$work/$name.build"
	fi
done

mkdir -p "$work/config" "$work/state"
sock="$work/tapisrv.sock"
XDG_CONFIG_HOME="$work/config" OPENTAPI_PROVIDER_PATH="$PROVIDERS" \
	"$TAPISRV" --socket "$sock" --state-dir "$work/state" 2>"$work/tapisrv.log" &
pids+=($!)
if ! wait_for "$work/tapisrv.log" ' ready'; then
	not_ok "a private tapisrv starts" "$work/tapisrv.log"
	echo "1..$n"
	exit 1
fi
export OPENTAPI_SERVER="$sock" LD_LIBRARY_PATH="${pkgconfigdir%/pkgconfig}"
pc() { "${TIMEOUT[@]}" "$PHONECTL" "$@" >>"$work/phonectl.log" 2>&1; }

"${TIMEOUT[@]}" "$work/wide" >"$work/wide.out" 2>&1 &&
	grep -qx '0  OpenTAPI Simulated Phone' "$work/wide.out" &&
	ok "wide: phoneInitializeExW and phoneGetDevCapsW name the phone in UTF-16" ||
	not_ok "wide names the phone" "$work/wide.out"

"${TIMEOUT[@]}" "$work/setdata" 0 0 hello >"$work/setdata.out" 2>&1 &&
	grep -qE '^PHONE_REPLY request [0-9]+: OK$' "$work/setdata.out" &&
	[ "$("${TIMEOUT[@]}" "$PHONECTL" get-data 0 0 --size 5 --raw 2>/dev/null)" = hello ] &&
	ok "setdata: the PHONE_REPLY says OK, and another process reads 'hello' back" ||
	not_ok "setdata downloads 'hello'" "$work/setdata.out"

# monitor: a button pressed and released, then the handset lifted.
"${TIMEOUT[@]}" "$work/monitor" 0 3 >"$work/monitor.out" 2>&1 &
mon=$!
pids+=($mon)
wait_for "$work/monitor.out" '^monitoring phone 0' && pc press 0 5 && pc sim 0 hook handset micspeaker
wait "$mon"
printf 'button 5 down\nbutton 5 up\nhandset: off hook\n' >"$work/monitor.want"
tail -n 3 "$work/monitor.out" | cmp -s - "$work/monitor.want" &&
	ok "monitor: button 5 down, up, and the handset off hook, from another process" ||
	not_ok "monitor sees the button and the hook switch" "$work/monitor.out" "$work/phonectl.log"

# poll_loop: the event descriptor in the program's own poll() set, with its stdin kept open.
mkfifo "$work/stdin"
exec 3<>"$work/stdin"
"${TIMEOUT[@]}" "$work/poll_loop" 0 2 <"$work/stdin" >"$work/poll_loop.out" 2>&1 &
loop=$!
pids+=($loop)
wait_for "$work/poll_loop.out" '^ready' && pc press 0 7
wait "$loop"
exec 3>&-
# PHONE_BUTTON is message 14.
[ "$(grep -c '^message 14 param1=7 ' "$work/poll_loop.out")" -eq 2 ] &&
	ok "poll_loop: both PHONE_BUTTON messages of button 7 through the event descriptor" ||
	not_ok "poll_loop sees button 7" "$work/poll_loop.out" "$work/phonectl.log"

# callback: the same press, on the library's thread.
"${TIMEOUT[@]}" "$work/callback" 0 2 >"$work/callback.out" 2>&1 &
cb=$!
pids+=($cb)
wait_for "$work/callback.out" '^ready' && pc press 0 3
wait "$cb"
[ "$(grep -c '^button 3 mode ' "$work/callback.out")" -eq 2 ] &&
	ok "callback: both PHONE_BUTTON messages of button 3 on the library's thread" ||
	not_ok "callback sees button 3" "$work/callback.out" "$work/phonectl.log"

# ---- the example provider: examples/provider/filephone.c on the provider kit ----------------

# Built as its README says, from the installed tree only. Without a sanitizer, -z defs also
# proves that `pkg-config --libs otsp` names everything the kit needs (threads, src/common).
defs=
[ "$SANITIZE" = none ] && defs=-Wl,-z,defs
mkdir -p "$work/providers"
otsp_cflags=$(pkg-config --cflags otsp) otsp_libs=$(pkg-config --libs otsp) || exit 1
# shellcheck disable=SC2086
if cc -std=c11 -Wall -Wextra -Werror $san -shared -fPIC $defs $otsp_cflags \
	"$EXAMPLES/provider/filephone.c" -o "$work/providers/filephone.so" $otsp_libs \
	>"$work/filephone.build" 2>&1; then
	built="cc -shared -fPIC filephone.c $otsp_cflags $otsp_libs"
	ok "filephone builds from the installed tree: $built"
else
	not_ok "filephone builds from the installed tree" "$work/filephone.build"
fi

# tapisrv on a configuration of filephone phones: fp_conf NAME TEXT writes $work/fp-NAME.conf;
# fp_run NAME [PREFIX...] runs PREFIX tapisrv on it, its log in $work/fp-NAME.log ("fp_run NAME
# exec &": in the background as $!, with no shell between, so that cleanup stops tapisrv itself).
fp_conf() { printf '%b' "$2" >"$work/fp-$1.conf"; }
fp_run() {
	local name=$1
	shift
	OPENTAPI_PROVIDER_PATH="$work/providers" "$@" "$TAPISRV" --config "$work/fp-$name.conf" \
		--socket "$work/fp-$name.sock" --state-dir "$work/state" 2>"$work/fp-$name.log"
}
# A configuration that the provider refuses stops tapisrv with the provider's message.
fp_refused() { # NAME CONFIG-TEXT MESSAGE
	fp_conf "$1" "$2"
	fp_run "$1" timeout 30
	case $? in
	0 | 124) not_ok "tapisrv refuses $1: it ran" "$work/fp-$1.log" ;;
	*)
		if grep -qF -- "fp-$1.conf: provider 'filephone': $3" "$work/fp-$1.log"; then
			ok "a bad configuration ($1): tapisrv stops with \"provider 'filephone': $3\""
		else
			not_ok "tapisrv's message for $1 is \"$3\"" "$work/fp-$1.log"
		fi
		;;
	esac
}
fp_refused unknown-key '[phone "Desk"]\nprovider = filephone\nfiel = /tmp/x\n' \
	"line 3: key 'fiel': unknown key (a filephone phone takes 'file = PATH')"
fp_refused relative '[phone "Desk"]\nprovider = filephone\n\nfile = desk.display\n' \
	"line 4: key 'file': an absolute path is needed"
fp_refused no-directory "[phone \"Desk\"]\nprovider = filephone\nfile = $work/nowhere/desk\n" \
	"line 3: key 'file': cannot write $work/nowhere/desk: No such file or directory"
fp_refused missing '[phone "Desk"]\nprovider = filephone\n' "phone 'Desk': key 'file' is missing"

fp_conf desk "[phone \"Desk\"]\nprovider = filephone\nfile = $work/desk.display\n"
fp_run desk exec &
pids+=($!)
if ! wait_for "$work/fp-desk.log" ' ready'; then
	not_ok "tapisrv loads filephone.so from OPENTAPI_PROVIDER_PATH" "$work/fp-desk.log"
	echo "1..$n"
	exit 1
fi
fpc() { OPENTAPI_SERVER="$work/fp-desk.sock" "${TIMEOUT[@]}" "$PHONECTL" "$@"; }
fpc list >"$work/fp-list.out" 2>&1 &&
	grep -qx '0  Desk  (set areas: 1, get areas: 1)' "$work/fp-list.out" &&
	ok "tapisrv loads filephone.so from OPENTAPI_PROVIDER_PATH: phone Desk, one data area" ||
	not_ok "tapisrv serves the filephone phone" "$work/fp-list.out" "$work/fp-desk.log"

# The display file: two lines of 20 characters, blank from the start; then text in UTF-8.
blank='                    '
printf '%s\n%s\n' "$blank" "$blank" >"$work/desk.want"
cmp -s "$work/desk.display" "$work/desk.want" &&
	ok "filephone: a blank 2 x 20 display in the file from the start" ||
	not_ok "filephone writes the blank display" "$work/desk.display"
# One set-display: a new file (another inode: both exist until the rename), no FILE.tmp left.
inode=$(stat -c %i "$work/desk.display")
fpc -q display Desk 'Grüße, ☎ 1' >"$work/fp-display.out" 2>&1
printf '%s\n%s\n' 'Grüße, ☎ 1          ' "$blank" >"$work/desk.want"
cmp -s "$work/desk.display" "$work/desk.want" &&
	[ "$(stat -c %i "$work/desk.display")" != "$inode" ] && [ ! -e "$work/desk.display.tmp" ] &&
	ok "filephone: set-display writes the file in UTF-8, through a new file renamed over it" ||
	not_ok "filephone: the display file after set-display" "$work/fp-display.out" \
		"$work/desk.display" "$work/fp-desk.log"
fpc -q display Desk 'row two' --row 1 --col 4 >"$work/fp-display.out" 2>&1
printf '%s\n%s\n' 'Grüße, ☎ 1          ' '    row two         ' >"$work/desk.want"
cmp -s "$work/desk.display" "$work/desk.want" &&
	ok "filephone: set-display at row 1, column 4 keeps row 0" ||
	not_ok "filephone: the display file after set-display at row 1" "$work/fp-display.out" \
		"$work/desk.display"
fpc display Desk >"$work/fp-getdisplay.out" 2>&1 &&
	cmp -s "$work/fp-getdisplay.out" "$work/desk.want" &&
	ok "filephone: get-display reads the same display back" ||
	not_ok "filephone: get-display" "$work/fp-getdisplay.out"

# The data area: what set-data wrote comes back with get-data, and is in FILE.data.
printf 'hello\000world' >"$work/fp-data.in"
fpc -q set-data Desk 0 "$work/fp-data.in" >"$work/fp-data.out" 2>&1 &&
	fpc get-data Desk 0 --size 11 -o "$work/fp-data.back" >>"$work/fp-data.out" 2>&1 &&
	cmp -s "$work/fp-data.in" "$work/fp-data.back" &&
	[ "$(stat -c %s "$work/desk.display.data")" = 256 ] &&
	head -c 11 "$work/desk.display.data" | cmp -s - "$work/fp-data.in" &&
	ok "filephone: set-data, get-data: the 11 bytes come back; FILE.data holds the 256-byte area" ||
	not_ok "filephone: the data area round trip" "$work/fp-data.out" "$work/fp-desk.log"
head -c 257 /dev/zero | fpc set-data Desk 0 - >"$work/fp-big.out" 2>&1
[ $? = 1 ] && grep -q 'PHONEERR_INVALPARAM' "$work/fp-big.out" &&
	ok "filephone: 257 bytes for the 256-byte area: PHONEERR_INVALPARAM (the kit's check)" ||
	not_ok "filephone refuses a write larger than its area" "$work/fp-big.out"

# A lamp: its PHONE_STATE comes before the reply, and phoneGetLamp reads it back.
fpc -v lamp Desk 1 flash >"$work/fp-lamp.out" 2>/dev/null &&
	sed -n '/^message: PHONE_STATE .*param1=0x00000040 param2=0x00000001 .*(LAMP)$/,$p' \
		"$work/fp-lamp.out" | grep -q '^PHONE_REPLY request 1: OK' &&
	[ "$(fpc lamp Desk 1 2>&1)" = "lamp 1: FLASH" ] &&
	ok "filephone: lamp 1 flash sends PHONE_STATE(LAMP, 1) and reads back as FLASH" ||
	not_ok "filephone: lamp 1" "$work/fp-lamp.out"

# A button: another process monitors the phone while phonectl press sends "press 1", "release 1".
OPENTAPI_SERVER="$work/fp-desk.sock" "${TIMEOUT[@]}" "$PHONECTL" monitor Desk --only button \
	--count 2 --timeout 60000 >"$work/fp-monitor.out" 2>&1 &
mon=$!
pids+=("$mon")
wait_for "$work/fp-monitor.out" 'monitoring phone' && fpc press Desk 1 >"$work/fp-press.out" 2>&1
wait "$mon"
[ "$(grep -c 'PHONE_BUTTON id=1 mode=FEATURE state=DOWN$' "$work/fp-monitor.out")" = 1 ] &&
	grep -A1 'state=DOWN$' "$work/fp-monitor.out" |
	grep -q 'PHONE_BUTTON id=1 mode=FEATURE state=UP$' &&
	ok "filephone: phonectl press 1: a monitor sees PHONE_BUTTON 1 DOWN, then UP" ||
	not_ok "filephone: button 1 events" "$work/fp-monitor.out" "$work/fp-press.out"
fpc sim Desk press 7 >"$work/fp-badcmd.out" 2>&1
[ $? = 1 ] && grep -q '^phoneDevSpecific: PHONEERR_INVALPARAM' "$work/fp-badcmd.out" &&
	ok "filephone: 'press 7' (no such button) is refused at once: PHONEERR_INVALPARAM" ||
	not_ok "filephone refuses a command for button 7" "$work/fp-badcmd.out"

echo "1..$n"
[ "$failed" -eq 0 ]
