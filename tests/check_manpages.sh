#!/bin/sh
# SPDX-License-Identifier: MIT
# check_manpages.sh LIBOPENTAPI LIBOTSP MANDIR... — every phone* function that libopentapi
# exports, and every otsp_* function of the provider kit's libotsp.a, has a section 3 page, and
# every generated page renders with `man --warnings` without a warning. TAP.
set -u
lib=$1 kit=$2
shift 2
n=0 failed=0
# has_pages WHAT FUNCTION...: one test, that each FUNCTION has a page in one of the MANDIRs.
has_pages() {
	what=$1
	shift
	missing=
	for f in "$@"; do
		found=
		for d in $mandirs; do [ -f "$d/$f.3" ] && found=1; done
		[ -n "$found" ] || missing="$missing $f"
	done
	n=$((n + 1))
	if [ $# = 0 ]; then
		echo "not ok $n - no $what found"
		failed=1
	elif [ -z "$missing" ]; then
		echo "ok $n - every $what has a section 3 page ($# functions)"
	else
		echo "not ok $n - functions without a page:$missing"
		failed=1
	fi
}
mandirs="$*"
# shellcheck disable=SC2046
has_pages "exported phone* function" \
	$(nm -D --defined-only "$lib" | awk '$3 ~ /^phone/ { sub(/@.*/, "", $3); print $3 }')
# The kit's public functions: its global text symbols named otsp_ (the rest are kit_ or TSPI_).
# shellcheck disable=SC2046
has_pages "otsp_* function of libotsp.a" \
	$(nm --defined-only "$kit" 2>/dev/null | awk '$2 == "T" && $3 ~ /^otsp_/ { print $3 }' | sort -u)
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
