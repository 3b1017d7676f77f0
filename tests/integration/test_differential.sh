#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# test_differential.sh DIFFTEST TAPISRV [--long | --calls N] [--seed N]
#
# The promise of "one engine, two hosts", checked: the same seeded stream of phone* calls
# (difftest.c) runs once with the engine in-process (OPENTAPI_SERVER=embedded) and once through a
# private tapisrv with the same configuration, each from a fresh state directory; the two
# transcripts — return values, filled structures, messages — must be equal. On a difference the
# first differing lines are shown with the calls before them.
#
# make check runs 3000 calls with seed 1; --long runs 100000 (docs/reliability.md).
# OPENTAPI_PROVIDER_PATH must reach partsprov and testprov (meson's test environment does).
set -u

if [ $# -lt 2 ]; then
	echo "usage: $0 DIFFTEST TAPISRV [--long | --calls N] [--seed N]" >&2
	exit 2
fi
DIFFTEST=$1
TAPISRV=$2
shift 2
calls=3000
seed=1
while [ $# -gt 0 ]; do
	case $1 in
	--long) calls=100000 ;;
	--calls) calls=$2; shift ;;
	--seed) seed=$2; shift ;;
	*) echo "unknown argument '$1'" >&2; exit 2 ;;
	esac
	shift
done

work=$(mktemp -d "${TMPDIR:-/tmp}/test_differential.XXXXXX") || exit 1
srv_pid=
cleanup() {
	[ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null && wait "$srv_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

# Phones of every shape the engine must judge the same way in both hosts: parts phones with a
# data area that "grow" doubles (PHONE_STATE CAPSCHANGE), one without, one speaking TSPI 1.4, and
# a provider without TSPI_phoneSetData.
cat >"$work/opentapi.conf" <<'CONF'
[phone "Parts A"]
provider = partsprov
data_area = 16
[phone "Parts B"]
provider = partsprov
data_area = 64
tspi = 0x00010004
[phone "Parts C"]
provider = partsprov
[phone "No set"]
provider = testprov
data_areas = 32
CONF
mkdir -p "$work/embedded" "$work/server/state" "$work/xdg"
chmod 700 "$work/server"
export XDG_CONFIG_HOME="$work/xdg" XDG_RUNTIME_DIR="$work/server"
unset OPENTAPI_CONFIG

# run_difftest N NAME WHERE: test N runs difftest with OPENTAPI_SERVER=WHERE into $work/NAME.txt.
run_difftest() {
	OPENTAPI_SERVER=$3 "$DIFFTEST" --seed "$seed" --calls "$calls" >"$work/$2.txt" 2>"$work/$2.err"
	local rc=$?
	if [ $rc -ne 0 ]; then
		echo "not ok $1 - difftest ($2) exits 0 (status $rc)"
		sed 's/^/# /' "$work/$2.err" | tail -n 20
		exit 1
	fi
	echo "ok $1 - $calls calls, $2 (seed $seed)"
}

echo "1..3"
OPENTAPI_CONFIG="$work/opentapi.conf" OPENTAPI_STATE_DIR="$work/embedded" \
	run_difftest 1 embedded embedded

"$TAPISRV" --config "$work/opentapi.conf" --socket "$work/server/tapisrv.sock" \
	--state-dir "$work/server/state" 2>"$work/server.log" &
srv_pid=$!
for _ in $(seq 600); do
	grep -q ' ready' "$work/server.log" 2>/dev/null && break
	sleep 0.1
done
if ! grep -q ' ready' "$work/server.log"; then
	echo "not ok 2 - tapisrv starts"
	sed 's/^/# tapisrv: /' "$work/server.log"
	exit 1
fi
run_difftest 2 server "$work/server/tapisrv.sock"

if cmp -s "$work/embedded.txt" "$work/server.txt"; then
	echo "ok 3 - the same answers embedded and through tapisrv ($(wc -l <"$work/embedded.txt") lines)"
	exit 0
fi
echo "not ok 3 - the same answers embedded and through tapisrv"
line=$(cmp "$work/embedded.txt" "$work/server.txt" | sed -n 's/.* line \([0-9]*\).*/\1/p')
from=$((line > 12 ? line - 12 : 1))
echo "# first difference at line $line (embedded '<', tapisrv '>'):"
diff <(sed -n "${from},$((line + 6))p" "$work/embedded.txt") \
	<(sed -n "${from},$((line + 6))p" "$work/server.txt") | sed 's/^/# /'
echo "# the calls before it:"
sed -n "${from},$((line - 1))p" "$work/embedded.txt" | sed 's/^/#   /'
exit 1
