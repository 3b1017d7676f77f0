#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# run_examples.sh BUILD_DIR TAPISRV PROVIDER_DIR PHONECTL [SANITIZE] — the programs of examples/
# build from the *installed* tree (meson install into a private DESTDIR) with
# `pkg-config --cflags --libs opentapi` and nothing else, as a developer who copies one builds
# it, and do what their comments say against a private tapisrv with the built-in default phone;
# phonectl plays the other application (it presses buttons, lifts the hook switch, reads the data
# back). SANITIZE is the build's b_sanitize (the programs link that build's library). TAP.
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

echo "1..$n"
[ "$failed" -eq 0 ]
