#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# demo.sh [BUILD_DIR] — a short phonectl session on the built-in simulated phone.
#
# First in embedded mode (no server), then with nothing configured, where the first program
# starts a tapisrv for the user and other processes share the phone through it. A temporary
# state directory and runtime directory: it touches nothing of the user's. Each command is
# echoed after a "$ " prompt, as a user would type it.
set -u

BUILD=$(cd "${1:-build}" 2>/dev/null && pwd) || { echo "demo.sh: no build directory '${1:-build}'" >&2; exit 1; }
PHONECTL="$BUILD/tools/phonectl/phonectl"
if [ ! -x "$PHONECTL" ]; then
	echo "demo.sh: $PHONECTL not found; build first (ninja -C $BUILD)" >&2
	exit 1
fi

demo=$(mktemp -d "${TMPDIR:-/tmp}/opentapi-demo.XXXXXX") || exit 1
srv_pid=
# shellcheck disable=SC2317
cleanup() {
	[ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null
	rm -rf "$demo"
}
trap cleanup EXIT
mkdir -p "$demo/state" "$demo/config" "$demo/run"
cd "$demo" || exit 1

unset OPENTAPI_CONFIG
export OPENTAPI_SERVER=embedded
export OPENTAPI_STATE_DIR="$demo/state"
export OPENTAPI_PROVIDER_PATH="$BUILD/providers/sim"
export XDG_CONFIG_HOME="$demo/config"   # no user configuration: the default phone

phonectl() { "$PHONECTL" "$@"; }

# run 'COMMAND LINE': shows it after a prompt, then runs it (stderr interleaved with stdout).
run() {
	printf '$ %s\n' "$1"
	eval "$1" 2>&1
}

echo "# OpenTAPI demo: embedded mode, built-in simulated phone, state in $OPENTAPI_STATE_DIR"
run "phonectl list"
run "phonectl caps 0 | grep '  area'"
run "echo 'Hello from OpenTAPI' | phonectl set-data 0 0 -"
run "printf 'ring=4\\nvolume=12\\n' > settings.txt"
run "phonectl set-data 0 1 settings.txt"
run "head -c 257 /dev/zero | phonectl set-data 0 0 -      # too large for the 256-byte area"
run "phonectl --privilege monitor set-data 0 1 settings.txt"
run "phonectl get-data 0 0 --size 32 --hex     # a new process reads what the first wrote"
run "phonectl display 0 'Hello from OpenTAPI' && phonectl display 0     # the 2x40 display"

echo
echo "# The same phone shared between processes. Nothing is configured: the first program starts"
echo "# a tapisrv for this user (it leaves when idle), and every later one shares its phones."
unset OPENTAPI_SERVER
export XDG_RUNTIME_DIR="$demo/run" OPENTAPI_TAPISRV="$BUILD/src/server/tapisrv"
run "phonectl status | head -n 1"
srv_pid=$("$PHONECTL" status 2>/dev/null | sed -n 's/^mode: server .*, pid \([0-9]*\)$/\1/p')
run "phonectl monitor 0 --only button --count 2 > presses.txt &     # another process watches"
sleep 0.5
run "phonectl press 0 5     # a third one plays the user pressing key 5"
wait
run "cat presses.txt"
run "phonectl --privilege owner monitor 0 --timeout 1500 > /dev/null &     # one more owns it a while"
sleep 0.5
run "phonectl set-data 0 0 settings.txt     # so this one may not: TAPI's rules, across processes"
run "phonectl status | grep -E 'owners|monitors'"
wait

echo
echo "# Next: $PHONECTL --help lists every command (docs/phonectl.md);"
echo "# tapisrv is $BUILD/src/server/tapisrv (docs/server.md); an application: README.md,"
echo "# 'Using it'; Windows TAPI sources: docs/porting.md; make check runs every test."
exit 0
