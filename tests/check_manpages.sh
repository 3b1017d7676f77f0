#!/bin/sh
# SPDX-License-Identifier: MIT
# check_manpages.sh LIBOPENTAPI MANDIR... — every phone* function that libopentapi exports has a
# section 3 page, and every generated page renders with `man --warnings` without a warning.
# TAP.
set -u
lib=$1
shift
n=0 failed=0
missing=
for f in $(nm -D --defined-only "$lib" | awk '$3 ~ /^phone/ { sub(/@.*/, "", $3); print $3 }'); do
	found=
	for d in "$@"; do [ -f "$d/$f.3" ] && found=1; done
	[ -n "$found" ] || missing="$missing $f"
done
n=$((n + 1))
if [ -z "$missing" ]; then
	echo "ok $n - every exported phone* function has a section 3 page"
else
	echo "not ok $n - functions without a page:$missing"
	failed=1
fi
for d in "$@"; do
	for page in "$d"/*.[1-8]; do
		n=$((n + 1))
		warnings=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
		if [ -z "$warnings" ] && [ -s "$page" ]; then
			echo "ok $n - $(basename "$page") renders without a warning"
		else
			echo "not ok $n - $(basename "$page"): $warnings"
			failed=1
		fi
	done
done
echo "1..$n"
exit $failed
