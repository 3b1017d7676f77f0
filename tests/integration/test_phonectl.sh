#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_phonectl.sh PHONECTL PROVIDER_DIR [TAPISRV]
#
# Runs the built phonectl against the built-in default phone ("OpenTAPI Simulated Phone", data
# areas of 256 B, 4 KiB, 64 KiB and 16 MiB, a 2x40 display, 12 keypad buttons and feature
# buttons with lamps, handset/speaker/headset) in embedded mode, with a private state directory
# and no user or server configuration. With TAPISRV (the path of a built tapisrv), it then starts
# a private tapisrv on a socket in a temporary directory and checks what needs several processes
# sharing one phone: status in server mode, monitor seeing another process's press, a suspended
# phone refusing set-data. Prints TAP ("ok N - ...", plan at the end) and stops with exit status
# 1 at the first failure.
set -u

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
	echo "usage: $0 PHONECTL PROVIDER_DIR [TAPISRV]" >&2
	exit 2
fi
PHONECTL=$1
PROVIDER_DIR=$2
TAPISRV=${3:-}

work=$(mktemp -d "${TMPDIR:-/tmp}/test_phonectl.XXXXXX") || exit 1
# Background processes of this script (tapisrv, monitors): each is stopped by its own PID.
bg_pids=()
cleanup() {
	for p in "${bg_pids[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${bg_pids[@]}"; do
		wait "$p" 2>/dev/null
	done
	rm -rf "$work"
}
trap cleanup EXIT
# reap PID: waits for a background process of ours and forgets it; sets reaped_rc.
reap() {
	local keep=() p
	wait "$1"
	reaped_rc=$?
	for p in "${bg_pids[@]}"; do
		[ "$p" = "$1" ] || keep+=("$p")
	done
	bg_pids=("${keep[@]}")
}
mkdir -p "$work/state" "$work/config" "$work/xdg-state" "$work/files"
mkdir -m 700 "$work/run"

# Embedded engine, private durable state, the default phone: no OPENTAPI_CONFIG, and an empty
# XDG_CONFIG_HOME so that no ~/.config/opentapi/opentapi.conf is picked up. XDG_RUNTIME_DIR is
# private too, so no running per-user server can be found.
unset OPENTAPI_CONFIG
export OPENTAPI_SERVER=embedded
export OPENTAPI_STATE_DIR="$work/state"
export OPENTAPI_PROVIDER_PATH="$PROVIDER_DIR"
export XDG_CONFIG_HOME="$work/config"
export XDG_STATE_HOME="$work/xdg-state"
export XDG_RUNTIME_DIR="$work/run"
if [ -e /etc/opentapi/opentapi.conf ]; then
	echo "# note: /etc/opentapi/opentapi.conf exists; the default phone is expected anyway"
fi

# Bound every run, so a lost PHONE_REPLY fails the test instead of hanging it.
TIMEOUT=()
if command -v timeout >/dev/null 2>&1; then
	TIMEOUT=(timeout 120)
fi

n=0
ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}
fail() {
	n=$((n + 1))
	echo "not ok $n - $1"
	echo "# command: phonectl ${last_cmd:-}"
	echo "# exit status: ${rc:-}"
	sed 's/^/# stdout: /' "$work/out" 2>/dev/null | head -n 20
	sed 's/^/# stderr: /' "$work/err" 2>/dev/null | head -n 20
	exit 1
}

# pc ARGS... [< input]: runs phonectl; sets rc, leaves stdout in $work/out, stderr in $work/err.
pc() {
	last_cmd="$*"
	"${TIMEOUT[@]}" "$PHONECTL" "$@" >"$work/out" 2>"$work/err"
	rc=$?
}
out_has() { grep -qE -- "$1" "$work/out"; }
err_has() { grep -qE -- "$1" "$work/err"; }
any_has() { cat "$work/out" "$work/err" | grep -qE -- "$1"; }

f="$work/files"

# --- basics ---

pc --version
[ $rc -eq 0 ] && out_has '^phonectl \(OpenTAPI\) ' || fail "--version"
ok "--version prints the version"

pc list
[ $rc -eq 0 ] || fail "list exits 0"
out_has '^0  OpenTAPI Simulated Phone  \(set areas: 4, get areas: 4\)$' ||
	fail "list shows 'OpenTAPI Simulated Phone' with 4 set and 4 get areas"
ok "list shows OpenTAPI Simulated Phone with 4 set and 4 get areas"

pc caps 0
[ $rc -eq 0 ] || fail "caps 0 exits 0"
out_has '^Phone 0: +OpenTAPI Simulated Phone$' || fail "caps 0 names the phone"
out_has '^Data areas: +4 for phoneSetData, 4 for phoneGetData$' || fail "caps 0 shows 4 data areas"
id=0
for size in 256 4096 65536 16777216; do
	out_has "^  area $id +set $size bytes, get $size bytes" ||
		fail "caps 0 shows area $id with $size bytes for set and get"
	id=$((id + 1))
done
out_has ' PHONEFEATURE_SETDATA( |$)' || fail "caps 0 lists PHONEFEATURE_SETDATA"
ok "caps 0 shows 4 data areas of 256 4096 65536 16777216 bytes"

# --- set-data / get-data round trips ---

head -c 4096 /dev/urandom >"$f/a1"
pc set-data 0 1 "$f/a1"
[ $rc -eq 0 ] || fail "set-data 0 1 (4096 bytes) exits 0"
out_has '^request [1-9][0-9]*$' || fail "set-data prints 'request N'"
req=$(sed -n 's/^request \([0-9]*\)$/\1/p' "$work/out")
out_has "^PHONE_REPLY request $req: OK \\(4096 bytes written to area 1\\)$" ||
	fail "set-data prints the PHONE_REPLY of request $req"
ok "set-data of a 4096-byte file to area 1 succeeds (request $req)"

pc get-data 0 1 -o "$f/a1.read"
[ $rc -eq 0 ] && out_has '^read 4096 bytes from area 1$' || fail "get-data 0 1 -o FILE"
cmp -s "$f/a1" "$f/a1.read" || fail "get-data returns the bytes set-data wrote (cmp)"
ok "get-data -o returns the same 4096 bytes (cmp)"

pc get-data 0 1
cmp -s "$f/a1" "$work/out" && [ $rc -eq 0 ] || fail "get-data to a non-terminal stdout writes raw bytes"
err_has '^read 4096 bytes from area 1$' || fail "get-data reports the byte count on stderr"
ok "get-data to a pipe writes the raw bytes, count on stderr"

head -c 1000 /dev/urandom >"$f/a1.short"
{ cat "$f/a1.short"; tail -c +1001 "$f/a1"; } >"$f/a1.mix"
pc set-data 0 1 "$f/a1.short"
[ $rc -eq 0 ] && out_has 'OK \(1000 bytes written to area 1\)' || fail "shorter set-data succeeds"
pc get-data 0 1 -o "$f/a1.mix.read"
[ $rc -eq 0 ] && cmp -s "$f/a1.mix" "$f/a1.mix.read" ||
	fail "a shorter set-data leaves the tail of the area (cmp of the expected mix)"
ok "a shorter second set-data keeps the old tail (cmp of the mix)"

head -c 256 /dev/urandom >"$f/a0"
pc set-data 0 0 - <"$f/a0"
[ $rc -eq 0 ] && out_has 'OK \(256 bytes written to area 0\)' || fail "set-data from stdin"
pc get-data 0 0 -o "$f/a0.read"
[ $rc -eq 0 ] && cmp -s "$f/a0" "$f/a0.read" || fail "set-data from stdin round trip (cmp)"
ok "set-data from standard input fills area 0 exactly (256 bytes, cmp)"

# --- refused requests ---

head -c 257 /dev/urandom >"$f/big0"
pc set-data 0 0 "$f/big0"
[ $rc -eq 1 ] || fail "set-data of 257 bytes to area 0 exits 1"
any_has 'PHONEERR_INVALPARAM' || fail "set-data of 257 bytes to area 0 reports PHONEERR_INVALPARAM"
any_has 'area 0 of phone 0 holds 256 bytes; 257 were given' ||
	fail "set-data of 257 bytes to area 0 says how much the area holds"
ok "set-data of 257 bytes to the 256-byte area 0 fails with PHONEERR_INVALPARAM, and says why"

pc get-data 0 0 -o "$f/a0.after"
[ $rc -eq 0 ] && cmp -s "$f/a0" "$f/a0.after" || fail "a refused set-data writes nothing"
ok "the refused set-data left area 0 unchanged"

pc set-data 0 4 "$f/a0"
[ $rc -eq 1 ] && any_has 'PHONEERR_INVALDATAID' || fail "set-data to area 4 fails with PHONEERR_INVALDATAID"
any_has 'phone 0 has 4 data areas \(0: 256 bytes, 1: 4096 bytes, 2: 65536 bytes, 3: 16777216 bytes\)' ||
	fail "set-data to area 4 lists the areas there are"
pc caps 7
[ $rc -eq 1 ] && any_has 'phone 7: PHONEERR_BADDEVICEID: the only phone is 0; phonectl list shows it' ||
	fail "caps 7 says which phones there are"
ok "set-data to area 4 fails with PHONEERR_INVALDATAID and lists the areas; caps 7 the phones"

pc get-data 0 4
[ $rc -eq 1 ] && any_has 'PHONEERR_INVALDATAID' &&
	err_has '^phone 0 has 4 data areas \(0: 256 bytes, 1: 4096 bytes, 2: 65536 bytes, 3: 16777216 bytes\)$' ||
	fail "get-data of area 4 fails with PHONEERR_INVALDATAID and lists the areas"
ok "get-data of area 4 fails with PHONEERR_INVALDATAID and lists the areas"

pc --privilege monitor set-data 0 0 "$f/a0"
[ $rc -eq 1 ] && err_has '^phoneSetData: PHONEERR_NOTOWNER$' ||
	fail "--privilege monitor set-data fails with PHONEERR_NOTOWNER"
ok "--privilege monitor set-data fails with phoneSetData: PHONEERR_NOTOWNER"

pc get-data 0 0 --size 3 -o "$f/three"
[ $rc -eq 0 ] && [ "$(wc -c <"$f/three")" -eq 3 ] && out_has '^read 3 bytes from area 0$' ||
	fail "get-data --size 3 returns 3 bytes"
head -c 3 "$f/a0" >"$f/three.expected"
cmp -s "$f/three" "$f/three.expected" || fail "get-data --size 3 returns the first 3 bytes of the area"
ok "get-data --size 3 returns the first 3 bytes"

# --- usage errors ---

pc set-data 0 0
[ $rc -eq 2 ] || fail "set-data with a missing argument exits 2"
pc frobnicate
[ $rc -eq 2 ] || fail "an unknown command exits 2"
pc --privilege king list
[ $rc -eq 2 ] || fail "a bad --privilege exits 2"
pc set-data 0 0 "$f/does-not-exist"
[ $rc -eq 2 ] || fail "set-data of a missing file exits 2"
ok "usage errors exit 2"

# --- 16 MiB round trip on area 3 ---

dd if=/dev/urandom of="$f/a3" bs=1M count=16 status=none 2>/dev/null ||
	head -c 16777216 /dev/urandom >"$f/a3"
pc set-data 0 3 "$f/a3" --timeout 60000
[ $rc -eq 0 ] && out_has 'OK \(16777216 bytes written to area 3\)' || fail "set-data of 16 MiB to area 3"
pc get-data 0 3 -o "$f/a3.read"
[ $rc -eq 0 ] && out_has '^read 16777216 bytes from area 3$' || fail "get-data of 16 MiB from area 3"
cmp -s "$f/a3" "$f/a3.read" || fail "16 MiB round trip on area 3 (cmp)"
ok "16 MiB round trip on area 3 (cmp)"

# --- status (embedded) ---

pc status
[ $rc -eq 0 ] || fail "status exits 0 in embedded mode"
out_has '^mode: embedded \(OPENTAPI_SERVER=embedded\)' || fail "status says embedded mode"
out_has '^phones: 1$' && out_has '^phone 0: OpenTAPI Simulated Phone$' ||
	fail "status lists the default phone"
out_has '^  state: +connected$' && out_has '^  owners: +0$' && out_has '^  monitors: +0$' ||
	fail "status shows the phone connected, without owners or other monitors"
ok "status in embedded mode: mode, the phone, connected, no owners, no monitors"

OPENTAPI_SERVER="$work/run/nobody.sock" pc status
[ $rc -eq 1 ] && out_has "^mode: server \\($work/run/nobody.sock\\): nobody listens there" &&
	err_has 'PHONEERR_SERVICE_NOT_RUNNING' || fail "status with OPENTAPI_SERVER naming a dead socket"
ok "status with OPENTAPI_SERVER naming a socket nobody listens on: exit 1, SERVICE_NOT_RUNNING"

# --- sim and monitor (embedded: one process at a time) ---
#
# In embedded mode every phonectl is its own TAPI and the sim phone resets its simulated
# state (suspended, disconnected) when it is opened, so what needs one process to act while
# another has the phone open (suspend, then set-data; press seen by a monitor) is checked in
# server mode below.

pc sim 0 suspend
[ $rc -eq 0 ] && out_has '^request [1-9][0-9]*$' && out_has '^PHONE_REPLY request [0-9]+: OK \(suspend\)$' ||
	fail "sim 0 suspend gets an OK PHONE_REPLY"
pc sim 0 resume
[ $rc -eq 0 ] && out_has 'OK \(resume\)$' || fail "sim 0 resume gets an OK PHONE_REPLY"
ok "sim sends suspend and resume and waits for their PHONE_REPLY"

pc sim 0 frobnicate the phone
[ $rc -eq 1 ] && any_has 'PHONEERR_INVALPARAM' && any_has "'frobnicate the phone' is not a command of the phone's provider; the sim provider's: suspend," ||
	fail "sim with an unknown command fails with PHONEERR_INVALPARAM and lists the commands"
ok "sim with an unknown command fails with PHONEERR_INVALPARAM"

pc monitor 0 --json --timeout 200
[ $rc -eq 0 ] && [ ! -s "$work/out" ] && err_has '^phonectl: monitoring phone 0' ||
	fail "monitor --timeout 200 on a quiet phone ends with status 0 and prints nothing"
pc monitor 0 --count 1 --timeout 200
[ $rc -eq 1 ] && err_has '0 of 1 messages within 200 ms' ||
	fail "monitor --count 1 --timeout 200 on a quiet phone exits 1"
ok "monitor ends at --timeout (exit 0), or exit 1 when --count was not reached"

pc monitor 0 --count 0
[ $rc -eq 2 ] || fail "monitor --count 0 is a usage error"
pc monitor 0 --only buttons,states
[ $rc -eq 2 ] || fail "monitor --only with unknown kinds is a usage error"
pc sim 0
[ $rc -eq 2 ] || fail "sim without a command is a usage error"
pc status --count 1
[ $rc -eq 2 ] || fail "status --count is a usage error"
ok "usage errors of monitor, sim and status exit 2"

# --json: one document per command, that a JSON parser reads; names as in the text output.
json_check() { python3 -c "import json,sys; d=json.load(open('$work/out')); sys.exit(0 if ($1) else 1)"; }
pc list --json
[ $rc -eq 0 ] && json_check 'd == [{"id":0,"name":"OpenTAPI Simulated Phone","set_areas":4,"get_areas":4}]' ||
	fail "list --json"
pc caps 0 --json
[ $rc -eq 0 ] && json_check 'd["name"] == "OpenTAPI Simulated Phone" and d["display"] == {"rows":2,"columns":40} and [a.get("set_size") for a in d["data_areas"]] == [256,4096,65536,16777216] and "SETDATA" in d["features"] and d["hookswitch"]["HANDSET"]["volume"] is True and d["buttons"][0]["mode"] == "KEYPAD"' ||
	fail "caps 0 --json"
pc status --json
[ $rc -eq 0 ] && json_check 'd["mode"] == "embedded" and d["phones"] == [{"id":0,"name":"OpenTAPI Simulated Phone","connected":True,"suspended":False,"owners":0,"monitors":0}]' ||
	fail "status --json"
ok "list, caps and status --json print JSON with the same facts"

# A phone by its name wherever DEV is asked for.
pc caps 'OpenTAPI Simulated Phone'
[ $rc -eq 0 ] && out_has '^Phone 0: +OpenTAPI Simulated Phone$' || fail "caps by name"
pc lamp 'OpenTAPI Simulated Phone' 0
[ $rc -eq 0 ] || fail "lamp by name"
pc caps 'No Such Phone'
[ $rc -eq 1 ] && err_has "no phone is named 'No Such Phone'; 'phonectl list' shows the phones' IDs and names" ||
	fail "an unknown name says so and where to look"
ok "a phone by its name: found, or an error naming it and 'phonectl list'"

# --- the phone's parts (embedded) ---

pc buttons 0
[ $rc -eq 0 ] || fail "buttons 0 exits 0"
out_has '^ID +MODE +FUNCTION +TEXT +STATE +LAMP$' || fail "buttons prints its header"
keypad=$(grep -cE '^[0-9]+ +KEYPAD ' "$work/out")
[ "$keypad" -eq 12 ] || fail "buttons lists 12 KEYPAD buttons (found $keypad)"
for id in 0 1 2 3 4 5 6 7 8 9 10 11; do
	out_has "^$id +KEYPAD " || fail "button $id is a KEYPAD button"
done
# The first button with a lamp (LAMP is not '-').
lamp_id=$(awk 'NR > 1 && $NF != "-" { print $1; exit }' "$work/out")
[ -n "$lamp_id" ] || fail "buttons lists at least one lamp"
ok "buttons lists 12 KEYPAD buttons (IDs 0-11) and a lamp at ID $lamp_id"

pc lamp 0 "$lamp_id" flash
[ $rc -eq 0 ] && out_has "^PHONE_REPLY request [0-9]+: OK \\(lamp $lamp_id set to FLASH\\)$" ||
	fail "lamp 0 $lamp_id flash"
pc lamp 0 "$lamp_id"
[ $rc -eq 0 ] && out_has "^lamp $lamp_id: FLASH$" || fail "lamp 0 $lamp_id reads FLASH back"
pc lamp 0 "$lamp_id" off
pc lamp 0 "$lamp_id"
[ $rc -eq 0 ] && out_has "^lamp $lamp_id: OFF$" || fail "lamp 0 $lamp_id reads OFF back"
ok "lamp $lamp_id: set FLASH, read FLASH, set OFF, read OFF"

pc lamp 0 "$lamp_id" blinky
[ $rc -eq 2 ] || fail "lamp with an unknown mode is a usage error"
pc --privilege monitor lamp 0 "$lamp_id" steady
[ $rc -eq 1 ] && err_has '^phoneSetLamp: PHONEERR_NOTOWNER$' ||
	fail "lamp set by a monitor fails with PHONEERR_NOTOWNER"
ok "lamp: a bad mode exits 2, a monitor gets PHONEERR_NOTOWNER"

pc lamp 0 0 flash
[ $rc -eq 1 ] && any_has 'PHONEERR_INVALLAMPMODE' && any_has 'position 0 has no lamp' ||
	fail "lamp on a position without a lamp says so"
pc lamp 0 99 flash
[ $rc -eq 1 ] && any_has 'PHONEERR_INVALBUTTONLAMPID' &&
	any_has 'phone 0 has 22 button/lamp positions \(IDs 0-21\)' ||
	fail "lamp 99 says how many positions there are"
ok "lamp errors say what the phone has: no lamp at 0, positions 0-21"

pc display 0 "Hello, OpenTAPI"
[ $rc -eq 0 ] && out_has '^PHONE_REPLY request [0-9]+: OK \(15 bytes at row 0, column 0\)$' ||
	fail "display 0 TEXT writes the display"
pc display 0 "second row" --row 1 --col 4
[ $rc -eq 0 ] || fail "display 0 TEXT --row 1 --col 4"
pc display 0
[ $rc -eq 0 ] || fail "display 0 reads the display"
[ "$(wc -l <"$work/out")" -eq 2 ] || fail "display 0 prints 2 rows"
[ "$(sed -n 1p "$work/out" | cut -c1-15)" = "Hello, OpenTAPI" ] ||
	fail "row 0 of the display starts with what was written"
[ "$(sed -n 2p "$work/out" | cut -c1-14)" = "    second row" ] ||
	fail "row 1 of the display has the text at column 4"
ok "display round trip: row 0 and row 1 at column 4 read back"

pc display 0 --row 1
[ $rc -eq 2 ] || fail "display --row without TEXT is a usage error"
ok "display --row without TEXT exits 2"

pc display 0 --row 5 hello
[ $rc -eq 1 ] && any_has 'PHONEERR_INVALPARAM' &&
	any_has 'the display of phone 0 has 2 rows of 40 columns \(rows 0-1, columns 0-39\)' ||
	fail "display at row 5 of 2 says the display's size"
ok "display at row 5 of a 2-row display: PHONEERR_INVALPARAM and the display's size"

pc ring 0 2 50%
[ $rc -eq 0 ] && out_has '^ring mode 2, volume 32768 \(50%\)$' || fail "ring 0 2 50%"
pc ring 0
[ $rc -eq 0 ] && out_has '^ring mode 2, volume 32768 \(50%\)$' || fail "ring 0 reads mode 2 at 50% back"
pc ring 0 0
pc ring 0
[ $rc -eq 0 ] && out_has '^ring mode 0 \(silent\), volume 32768 \(50%\)$' ||
	fail "ring 0 0 silences the phone and keeps the volume"
pc ring 0 99
[ $rc -eq 1 ] && any_has 'PHONEERR_INVALRINGMODE' && err_has '^phone 0 has ring modes 1-4, and 0 for silence$' ||
	fail "ring mode 99 fails with PHONEERR_INVALRINGMODE and says which modes there are"
ok "ring: set mode 2 at 50%, read it back, silence keeps the volume, mode 99 is refused"

pc hook 0 speaker micspeaker
[ $rc -eq 0 ] && out_has 'OK \(SPEAKER set to MICSPEAKER\)$' || fail "hook 0 speaker micspeaker"
pc hook 0
[ $rc -eq 0 ] || fail "hook 0 exits 0"
out_has '^SPEAKER +off-hook +MICSPEAKER$' || fail "hook 0 shows the speaker off-hook in MICSPEAKER"
out_has '^HANDSET +on-hook +ONHOOK$' || fail "hook 0 shows the handset on-hook"
pc hook 0 speaker onhook
pc hook 0
out_has '^SPEAKER +on-hook +ONHOOK$' || fail "hook 0 speaker onhook puts the speaker back"
pc hook 0 speaker
[ $rc -eq 2 ] || fail "hook with a device but no mode is a usage error"
ok "hook: speaker off-hook in MICSPEAKER and back on-hook"

pc volume 0 handset 70000
[ $rc -eq 0 ] && out_has '^HANDSET volume 65535 \(100%\)$' ||
	fail "volume 0 handset 70000 is clamped to 65535"
pc volume 0 handset
[ $rc -eq 0 ] && out_has '^HANDSET volume 65535 \(100%\)$' || fail "volume 0 handset reads 65535"
pc volume 0 handset 25%
[ $rc -eq 0 ] && out_has '^HANDSET volume 16384 \(25%\)$' || fail "volume 0 handset 25%"
pc gain 0 headset 1000
[ $rc -eq 0 ] && out_has '^HEADSET gain 1000 \(2%\)$' || fail "gain 0 headset 1000"
pc gain 0 headset 4294967295
[ $rc -eq 0 ] && out_has '^HEADSET gain 65535 \(100%\)$' || fail "gain 0 headset 4294967295 is clamped"
pc volume 0 elbow 5
[ $rc -eq 2 ] || fail "volume with an unknown device is a usage error"
ok "volume and gain: set, clamped to 65535, percentages, read back"

pc press 0 5
[ $rc -eq 0 ] && out_has 'OK \(press 5\)$' && out_has 'OK \(release 5\)$' ||
	fail "press 0 5 sends press and release"
ok "press 0 5: both PHONE_REPLYs OK"
pc press 0 99
[ $rc -eq 1 ] && any_has 'PHONEERR_INVALBUTTONLAMPID' &&
	err_has '^phone 0 has 22 button/lamp positions \(IDs 0-21\); phonectl buttons 0 lists them$' ||
	fail "press 0 99 fails with PHONEERR_INVALBUTTONLAMPID and says how many buttons there are"
ok "press 0 99: PHONEERR_INVALBUTTONLAMPID and the phone's button IDs"

# --- server mode: a private tapisrv ---

# wait_for FILE PATTERN: up to 10 s for PATTERN to appear in FILE.
wait_for() {
	for _ in $(seq 100); do
		grep -qE -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

if [ -n "$TAPISRV" ]; then
	srv="$work/srv"
	mkdir -p "$srv/state" && chmod 700 "$srv"
	sock="$srv/tapisrv.sock"
	"$TAPISRV" --socket "$sock" --state-dir "$srv/state" 2>"$srv/log" &
	srv_pid=$!
	bg_pids+=("$srv_pid")
	wait_for "$srv/log" ' ready' || { cat "$srv/log" | sed 's/^/# tapisrv: /'; fail "tapisrv starts"; }
	export OPENTAPI_SERVER="$sock"

	pc status
	[ $rc -eq 0 ] || fail "status exits 0 in server mode"
	out_has "^mode: server \\($sock\\), tapisrv [0-9]+\\.[0-9]+\\.[0-9]+, protocol [1-9][0-9]*, pid $srv_pid\$" ||
		fail "status names the server's socket, version, protocol and pid"
	out_has '^phone 0: OpenTAPI Simulated Phone$' && out_has '^  owners: +0$' ||
		fail "status in server mode lists the phone without owners"
	ok "status in server mode: socket, tapisrv version, protocol version, pid"

	# A user the server's socket does not let in is told so, with the fix (root only: it needs
	# another user).
	if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
		last_cmd="status (as nobody)"
		setpriv --reuid=nobody --regid=nogroup --clear-groups "${TIMEOUT[@]}" "$PHONECTL" status \
			>"$work/out" 2>"$work/err"
		rc=$?
		[ $rc -eq 1 ] && out_has 'permission denied: this user may not connect' &&
			err_has "permission denied: the telephony server at $sock does not let user" ||
			fail "status as a user the socket refuses: permission denied, with the fix"
		ok "status as a user the socket refuses: permission denied and what to do"
	else
		n=$((n + 1))
		echo "ok $n - status as a refused user # SKIP outside the project: needs root and setpriv"
	fi

	# An owner and a monitor in other processes: status sees both, with the owner's name.
	"$PHONECTL" --privilege owner monitor 0 --only close >"$srv/owner.out" 2>"$srv/owner.err" &
	owner_pid=$!
	bg_pids+=("$owner_pid")
	"$PHONECTL" monitor 0 --json >"$srv/mon.out" 2>"$srv/mon.err" &
	mon_pid=$!
	bg_pids+=("$mon_pid")
	wait_for "$srv/owner.err" '^phonectl: monitoring phone 0' &&
		wait_for "$srv/mon.err" '^phonectl: monitoring phone 0' || fail "background monitors start"
	pc status
	[ $rc -eq 0 ] && out_has '^  owners: +1 \(phonectl\)$' && out_has '^  monitors: +1$' ||
		fail "status shows 1 owner (phonectl) and 1 monitor"
	ok "status shows another process as owner (phonectl) and one as monitor"

	pc set-data 0 0 "$f/a0"
	[ $rc -eq 1 ] && err_has 'phoneOpen: PHONEERR_INUSE' &&
		err_has "phone 0 is owned by 'phonectl'; only one application may own a phone" ||
		fail "set-data while another process owns the phone says who owns it"
	ok "set-data while another process owns the phone: PHONEERR_INUSE, who owns it, what to do"

	# While another process owns the phone, nobody else may suspend it: refused to a monitor,
	# and the phone cannot be had as owner.
	pc sim 0 suspend
	[ $rc -eq 1 ] && any_has "'suspend' needs owner privilege" ||
		fail "sim 0 suspend while another process owns the phone is refused"
	pc --privilege monitor sim 0 suspend
	[ $rc -eq 1 ] && any_has 'PHONEERR_NOTOWNER' ||
		fail "sim 0 suspend as monitor fails with PHONEERR_NOTOWNER"
	pc --privilege monitor status
	out_has '^  state: +connected$' || fail "status shows the phone not suspended"
	ok "sim 0 suspend is refused while another process owns the phone (PHONEERR_NOTOWNER)"

	# Once the owner has gone, suspend takes the phone as owner; while monitors keep it open
	# the phone refuses set-data.
	kill -TERM "$owner_pid"
	reap "$owner_pid"
	[ $reaped_rc -eq 0 ] || fail "monitor ends with status 0 on SIGTERM"
	pc sim 0 suspend
	[ $rc -eq 0 ] || fail "sim 0 suspend in server mode"
	pc --privilege monitor status
	out_has '^  state: +connected, suspended$' || fail "status shows the phone suspended"
	pc set-data 0 0 "$f/a0"
	[ $rc -eq 1 ] && any_has 'PHONEERR_INVALPHONESTATE' ||
		fail "set-data on a suspended phone fails with PHONEERR_INVALPHONESTATE"
	pc sim 0 resume
	[ $rc -eq 0 ] || fail "sim 0 resume in server mode"
	pc set-data 0 0 "$f/a0"
	[ $rc -eq 0 ] || fail "set-data works again after resume"
	ok "sim suspend: set-data fails with PHONEERR_INVALPHONESTATE; after resume it works"

	kill -INT "$mon_pid"
	reap "$mon_pid"
	[ $reaped_rc -eq 0 ] || fail "monitor ends with status 0 on SIGINT"
	grep -q '"message":"PHONE_STATE","device":0,"states":\["SUSPEND"\]' "$srv/mon.out" &&
		grep -q '"states":\["RESUME"\]' "$srv/mon.out" ||
		{ sed 's/^/# monitor: /' "$srv/mon.out"; fail "monitor --json saw SUSPEND and RESUME"; }
	grep -q '"states":\["OWNER"\],"param2":0,"owners":0' "$srv/mon.out" ||
		{ sed 's/^/# monitor: /' "$srv/mon.out"; fail "monitor --json saw the owner leave"; }
	ok "monitor --json saw PHONE_STATE SUSPEND, RESUME and OWNER from other processes"

	"$PHONECTL" monitor 0 --json --only button --count 2 --timeout 20000 \
		>"$srv/btn.out" 2>"$srv/btn.err" &
	btn_pid=$!
	bg_pids+=("$btn_pid")
	wait_for "$srv/btn.err" '^phonectl: monitoring phone 0' || fail "button monitor starts"
	pc press 0 5
	[ $rc -eq 0 ] || fail "press 0 5 in server mode"
	reap "$btn_pid"
	[ $reaped_rc -eq 0 ] && [ "$(wc -l <"$srv/btn.out")" -eq 2 ] ||
		{ sed 's/^/# monitor: /' "$srv/btn.out" "$srv/btn.err"; fail "monitor --count 2 got 2 messages"; }
	sed -n 1p "$srv/btn.out" | grep -q '"message":"PHONE_BUTTON","device":0,"id":5,"mode":"KEYPAD","state":"DOWN"' &&
		sed -n 2p "$srv/btn.out" | grep -q '"message":"PHONE_BUTTON","device":0,"id":5,"mode":"KEYPAD","state":"UP"' ||
		{ sed 's/^/# monitor: /' "$srv/btn.out"; fail "press 0 5 gives PHONE_BUTTON DOWN, then UP"; }
	ok "press 0 5 in one process: monitor --json in another sees PHONE_BUTTON 5 DOWN, then UP"

	# The monitor shows what a part changed to, not only that it changed. Six messages: each of
	# the two commands owns the phone (OWNER), changes a part, and lets go (OWNER).
	"$PHONECTL" monitor 0 --json --only state --count 6 --timeout 20000 \
		>"$srv/state.out" 2>"$srv/state.err" &
	state_pid=$!
	bg_pids+=("$state_pid")
	wait_for "$srv/state.err" '^phonectl: monitoring phone 0' || fail "state monitor starts"
	pc display 0 'Say "hi"'
	[ $rc -eq 0 ] || fail "display in server mode"
	pc lamp 0 12 flash
	[ $rc -eq 0 ] || fail "lamp in server mode"
	reap "$state_pid"
	grep -q '"states":\["DISPLAY"\],"param2":0,"text":"Say \\"hi\\"|"' "$srv/state.out" &&
		grep -q '"states":\["LAMP"\],"param2":12,"id":12,"lamp":"FLASH"' "$srv/state.out" ||
		{ sed 's/^/# monitor: /' "$srv/state.out" "$srv/state.err"; fail "monitor shows the new text and lamp mode"; }
	ok "monitor shows the display's new text and the lamp's new mode"

	# Volume, gain and ring: the monitor shows the value in effect. Each command owns the
	# phone (OWNER), changes one thing, and lets go (OWNER).
	"$PHONECTL" monitor 0 --json --only state --count 9 --timeout 20000 \
		>"$srv/level.out" 2>"$srv/level.err" &
	level_pid=$!
	bg_pids+=("$level_pid")
	wait_for "$srv/level.err" '^phonectl: monitoring phone 0' || fail "level monitor starts"
	pc volume 0 speaker 1234
	[ $rc -eq 0 ] || fail "volume in server mode"
	pc gain 0 headset 4321
	[ $rc -eq 0 ] || fail "gain in server mode"
	pc ring 0 2 777
	[ $rc -eq 0 ] || fail "ring in server mode"
	reap "$level_pid"
	grep -q '"states":\["SPEAKERVOLUME"\],"param2":0,"volume":1234' "$srv/level.out" &&
		grep -q '"states":\["HEADSETGAIN"\],"param2":0,"gain":4321' "$srv/level.out" &&
		grep -q '"RINGVOLUME".*"volume":777' "$srv/level.out" ||
		{ sed 's/^/# monitor: /' "$srv/level.out" "$srv/level.err"; fail "monitor shows the new volume, gain and ring volume"; }
	ok "monitor shows the new speaker volume, headset gain and ring volume"

	# How tapisrv itself stops is the server tests' business; here it is only reported.
	kill -TERM "$srv_pid"
	reap "$srv_pid"
	if [ $reaped_rc -ne 0 ]; then
		echo "# note: tapisrv exited with status $reaped_rc on SIGTERM"
		grep -v '^$' "$srv/log" | tail -n 15 | sed 's/^/# tapisrv: /'
	fi

	# A reload: one phone dropped, one changed. The removed IDs stay taken and show as removed
	# (not an error); the changed phone is found by its name under its new ID; the log says
	# what happened to each and counts the phones that are there.
	rl="$work/reload"
	mkdir -p "$rl/state" && chmod 700 "$rl"
	printf '[phone "Desk"]\nprovider = sim\ndata_areas = 64\ndurable = no\n[phone "Lobby"]\nprovider = sim\ndata_areas = 64\ndurable = no\n' >"$rl/conf"
	"$TAPISRV" --socket "$rl/sock" --state-dir "$rl/state" --config "$rl/conf" 2>"$rl/log" &
	rl_pid=$!
	bg_pids+=("$rl_pid")
	wait_for "$rl/log" ' ready' || { sed 's/^/# tapisrv: /' "$rl/log"; fail "tapisrv with two phones starts"; }
	export OPENTAPI_SERVER="$rl/sock"
	printf '[phone "Desk"]\nprovider = sim\ndata_areas = 128\ndurable = no\n' >"$rl/conf"
	kill -HUP "$rl_pid"
	wait_for "$rl/log" 'reloaded' || { sed 's/^/# tapisrv: /' "$rl/log"; fail "tapisrv reloads"; }
	grep -q "reloaded $rl/conf: 1 phone (0 added, 1 removed, 1 changed)" "$rl/log" &&
		grep -q "phone 1 'Lobby': removed (no longer configured)" "$rl/log" &&
		grep -q "phone 0 'Desk': changed; it is now phone 2" "$rl/log" ||
		{ sed 's/^/# tapisrv: /' "$rl/log"; fail "the reload's log names each change and counts 1 phone"; }
	ok "reload log: what happened to each phone, and the phones there are"
	pc list
	[ $rc -eq 0 ] && out_has '^0  \(removed\)$' && out_has '^1  \(removed\)$' &&
		out_has '^2  Desk  \(set areas: 1, get areas: 1\)$' ||
		fail "list after a reload: removed IDs as removed, exit 0"
	pc list --json
	[ $rc -eq 0 ] && out_has '^\[\{"id":0,"removed":true\},\{"id":1,"removed":true\},\{"id":2,"name":"Desk","set_areas":1,"get_areas":1\}\]$' ||
		fail "list --json after a reload"
	pc status
	[ $rc -eq 0 ] && out_has '^phone 0: \(removed\)$' && out_has '^phone 2: Desk$' ||
		fail "status after a reload: removed phones, exit 0"
	ok "list and status after a reload show removed IDs as removed and exit 0"
	pc caps Desk
	[ $rc -eq 0 ] && out_has '^Phone 2: +Desk$' && out_has '^  area 0 +set 128 bytes' ||
		fail "caps Desk finds the changed phone under its new ID"
	pc set-data Lobby 0 "$f/a0"
	[ $rc -eq 1 ] && err_has "no phone is named 'Lobby'; 'phonectl list' shows" ||
		fail "a removed phone's name is not found"
	pc caps 0
	[ $rc -eq 1 ] && err_has 'phone 0: PHONEERR_NODEVICE: it was removed' ||
		fail "caps of a removed ID says it was removed"
	ok "a phone by name: found under its new ID after a change; a removed one is not"
	kill -TERM "$rl_pid"
	reap "$rl_pid"
	export OPENTAPI_SERVER=embedded
else
	fail "server-mode checks: no TAPISRV given (meson passes the built one)"
fi

echo "1..$n"
exit 0
