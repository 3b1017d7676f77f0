#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_phonectl.sh PHONECTL IPPHONE_EMU PROVIDER_DIR
#
# A user pushes a file to an emulated Polycom phone with phonectl (embedded mode), as shown in
# docs/providers/ipphone.md: the right password gets a successful reply and the phone shows the
# document; a wrong one gets PHONEERR_OPERATIONFAILED. Prints TAP and stops at the first failure.
set -u

if [ $# -ne 3 ]; then
	echo "usage: $0 PHONECTL IPPHONE_EMU PROVIDER_DIR" >&2
	exit 2
fi
PHONECTL=$1
EMU=$2
PROVIDER_DIR=$3

umask 077
work=$(mktemp -d "${TMPDIR:-/tmp}/test_ipphone_phonectl.XXXXXX") || exit 1
emu_pid=
cleanup() {
	[ -n "$emu_pid" ] && kill "$emu_pid" 2>/dev/null && wait "$emu_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/state" "$work/config" "$work/xdg-state"
mkdir -m 700 "$work/run"

export OPENTAPI_SERVER=embedded
export OPENTAPI_STATE_DIR="$work/state"
export OPENTAPI_PROVIDER_PATH="$PROVIDER_DIR"
export OPENTAPI_CONFIG="$work/opentapi.conf"
export XDG_CONFIG_HOME="$work/config"
export XDG_STATE_HOME="$work/xdg-state"
export XDG_RUNTIME_DIR="$work/run"

TIMEOUT=()
if command -v timeout >/dev/null 2>&1; then
	TIMEOUT=(timeout 60)
fi

n=0
ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}
fail() {
	n=$((n + 1))
	echo "not ok $n - $1"
	echo "# exit status: ${rc:-}"
	sed 's/^/# stdout: /' "$work/out" 2>/dev/null | head -n 20
	sed 's/^/# stderr: /' "$work/err" 2>/dev/null | head -n 20
	sed 's/^/# phone: /' "$work/emu.out" 2>/dev/null | head -n 20
	exit 1
}

"$EMU" --vendor polycom --user Push --password s3cret >"$work/emu.out" 2>&1 &
emu_pid=$!
for _ in $(seq 1 100); do
	grep -q '^listening on' "$work/emu.out" 2>/dev/null && break
	sleep 0.05
done
port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$work/emu.out")
[ -n "$port" ] || fail "the emulated phone starts"
ok "the emulated phone listens on port $port"

write_config() {
	cat >"$OPENTAPI_CONFIG" <<EOF
[phone "Front desk"]
provider = ipphone
vendor = polycom
address = 127.0.0.1:$port
user = Push
password = $1
timeout_ms = 2000
EOF
}

printf '<h1>Fire drill at 2 pm</h1>Please leave by the east stairs.' >"$work/notice.xhtml"

write_config s3cret
"${TIMEOUT[@]}" "$PHONECTL" set-data 0 0 "$work/notice.xhtml" >"$work/out" 2>"$work/err"
rc=$?
[ $rc -eq 0 ] || fail "set-data to the phone succeeds"
grep -q '^request [0-9]' "$work/out" || fail "set-data prints the request ID"
ok "phonectl set-data 0 0 notice.xhtml: exit 0"

for _ in $(seq 1 50); do
	grep -q 'Fire drill' "$work/emu.out" && break
	sleep 0.05
done
grep -q '^POST /push  Content-Type: application/xhtml+xml  user: Push' "$work/emu.out" ||
	fail "the phone got POST /push as xhtml+xml from user Push"
grep -qF '<PolycomIPPhone><Data priority="Normal"><h1>Fire drill at 2 pm</h1>Please leave by the east stairs.</Data></PolycomIPPhone>' "$work/emu.out" ||
	fail "the phone got the file inside <PolycomIPPhone><Data>"
grep -q '^refused' "$work/emu.out" && fail "the phone found nothing to refuse"
ok "the phone received the file as a Polycom data push"

write_config wrong
"${TIMEOUT[@]}" "$PHONECTL" set-data 0 0 "$work/notice.xhtml" >"$work/out" 2>"$work/err"
rc=$?
[ $rc -eq 1 ] || fail "set-data with a wrong password exits 1"
grep -q 'PHONEERR_OPERATIONFAILED' "$work/err" || fail "and reports PHONEERR_OPERATIONFAILED"
grep -q "phone 'Front desk' (polycom at 127.0.0.1:$port): data area 0: HTTP 401" "$work/err" ||
	fail "and the log names the phone and the cause"
grep -q 'wrong' "$work/err" && fail "the password never appears in the log"
ok "a wrong password: PHONEERR_OPERATIONFAILED, one log line naming phone and cause"

chmod 0644 "$OPENTAPI_CONFIG"
"${TIMEOUT[@]}" "$PHONECTL" set-data 0 0 "$work/notice.xhtml" >"$work/out" 2>"$work/err"
rc=$?
[ $rc -ne 0 ] || fail "a world-readable configuration with passwords is refused"
grep -q "every user may read it" "$work/err" || fail "with a message saying why"
ok "a world-readable configuration with passwords is refused"

echo "1..$n"
