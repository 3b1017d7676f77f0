#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# check_skips.sh TESTLOG — fails when a test run skipped anything it should have tested.
#
# A test may skip only for a reason outside the project (a privilege the run lacks, a kernel
# feature the machine does not have), and says so with test_skip_outside() (tests/integration/
# tapisrv.h), which prints "# skipped, outside the project: WHY" before cmocka's skip(); a TAP
# test writes "ok N - WHAT # SKIP outside the project: WHY". Every other skip — a cmocka skip()
# without that line, a meson test that exited 77, any other TAP "# SKIP" — counts as a failure
# here, so a test that quietly stops testing cannot pass as green.
# TESTLOG is meson's meson-logs/testlog.txt of the run. Prints what it found; exit 0 or 1.
set -u
log=${1:?usage: check_skips.sh TESTLOG}
[ -r "$log" ] || { echo "check_skips: cannot read $log (did the tests run?)" >&2; exit 1; }

# cmocka prints " N SKIPPED TEST(S)" once per executable that skipped any.
skipped=$(sed -n 's/^ *\([0-9][0-9]*\) SKIPPED TEST(S).*/\1/p' "$log" | awk '{ n += $1 } END { print n + 0 }')
outside=$(grep -c '^# skipped, outside the project: ' "$log")
tap_skips=$(grep -E '^(not )?ok [0-9]+.*# *SKIP' "$log" | grep -vc '# *SKIP outside the project: ')
meson_skips=$(grep -cE '^ *[0-9]+/[0-9]+ .* SKIP ' "$log")

if [ "$outside" -gt 0 ] || grep -q '# *SKIP outside the project: ' "$log"; then
	echo "check_skips: skipped for a reason outside the project:"
	{ sed -n 's/^# skipped, outside the project: /  /p' "$log"
	  sed -n 's/.*# *SKIP outside the project: /  /p' "$log"; } | sort | uniq -c
fi
unexpected=$((skipped - outside + tap_skips + meson_skips))
if [ "$unexpected" -gt 0 ]; then
	echo "check_skips: $unexpected skip(s) that no reason outside the project explains — a failure:"
	grep -E '^\[  SKIPPED \] [A-Za-z_]' "$log" | sort -u | sed 's/^/  /'
	grep -E '^(not )?ok [0-9]+.*# *SKIP|^ *[0-9]+/[0-9]+ .* SKIP ' "$log" |
		grep -v '# *SKIP outside the project: ' | sed 's/^/  /'
	exit 1
fi
exit 0
