#!/usr/bin/env bash
# demo.sh [BUILD_DIR] — a short phonectl session on the built-in simulated phone.
#
# Runs in embedded mode (no server) with a temporary state directory, so it touches nothing of
# the user's. Each command is echoed after a "$ " prompt, as a user would type it.
set -u

BUILD=$(cd "${1:-build}" 2>/dev/null && pwd) || { echo "demo.sh: no build directory '${1:-build}'" >&2; exit 1; }
PHONECTL="$BUILD/tools/phonectl/phonectl"
if [ ! -x "$PHONECTL" ]; then
	echo "demo.sh: $PHONECTL not found; build first (ninja -C $BUILD)" >&2
	exit 1
fi

demo=$(mktemp -d "${TMPDIR:-/tmp}/opentapi-demo.XXXXXX") || exit 1
trap 'rm -rf "$demo"' EXIT
mkdir -p "$demo/state" "$demo/config"
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
exit 0
