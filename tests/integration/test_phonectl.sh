#!/usr/bin/env bash
# test_phonectl.sh PHONECTL PROVIDER_DIR
#
# Runs the built phonectl against the built-in default phone ("OpenTAPI Simulated Phone", data
# areas of 256 B, 4 KiB, 64 KiB and 16 MiB) in embedded mode, with a private state directory and
# no user or server configuration. Prints TAP ("ok N - ...", plan at the end) and stops with
# exit status 1 at the first failure.
set -u

if [ $# -ne 2 ]; then
	echo "usage: $0 PHONECTL PROVIDER_DIR" >&2
	exit 2
fi
PHONECTL=$1
PROVIDER_DIR=$2

work=$(mktemp -d "${TMPDIR:-/tmp}/test_phonectl.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
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
ok "set-data of 257 bytes to the 256-byte area 0 fails with PHONEERR_INVALPARAM"

pc get-data 0 0 -o "$f/a0.after"
[ $rc -eq 0 ] && cmp -s "$f/a0" "$f/a0.after" || fail "a refused set-data writes nothing"
ok "the refused set-data left area 0 unchanged"

pc set-data 0 4 "$f/a0"
[ $rc -eq 1 ] && any_has 'PHONEERR_INVALDATAID' || fail "set-data to area 4 fails with PHONEERR_INVALDATAID"
ok "set-data to area 4 fails with PHONEERR_INVALDATAID"

pc get-data 0 4
[ $rc -eq 1 ] && any_has 'PHONEERR_INVALDATAID' || fail "get-data of area 4 fails with PHONEERR_INVALDATAID"
ok "get-data of area 4 fails with PHONEERR_INVALDATAID"

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

echo "1..$n"
exit 0
