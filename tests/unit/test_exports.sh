#!/bin/sh
# SPDX-License-Identifier: MIT
# libopentapi exports exactly the 47 phone* names of Tapi32.dll (reference section 1) and
# nothing else that is code: compares `nm -D --defined-only` of the library with the list.
# Usage: test_exports.sh LIBRARY
set -eu
lib=$1
expected="phoneClose phoneConfigDialog phoneConfigDialogA phoneConfigDialogW phoneDevSpecific
phoneGetButtonInfo phoneGetButtonInfoA phoneGetButtonInfoW phoneGetData phoneGetDevCaps
phoneGetDevCapsA phoneGetDevCapsW phoneGetDisplay phoneGetGain phoneGetHookSwitch phoneGetID
phoneGetIDA phoneGetIDW phoneGetIcon phoneGetIconA phoneGetIconW phoneGetLamp phoneGetMessage
phoneGetRing phoneGetStatus phoneGetStatusA phoneGetStatusMessages phoneGetStatusW
phoneGetVolume phoneInitialize phoneInitializeExA phoneInitializeExW phoneNegotiateAPIVersion
phoneNegotiateExtVersion phoneOpen phoneSetButtonInfo phoneSetButtonInfoA phoneSetButtonInfoW
phoneSetData phoneSetDisplay phoneSetGain phoneSetHookSwitch phoneSetLamp phoneSetRing
phoneSetStatusMessages phoneSetVolume phoneShutdown"
want=$(echo "$expected" | tr ' ' '\n' | sed '/^$/d' | LC_ALL=C sort)
# Every defined dynamic symbol except the version node (type A).
have=$(nm -D --defined-only "$lib" | awk '$2 != "A" { print $3 }' | sed 's/@.*//' | LC_ALL=C sort)
count=$(echo "$want" | wc -l)
if [ "$count" -ne 47 ]; then
	echo "the expected list has $count names, not 47"
	exit 1
fi
if [ "$want" != "$have" ]; then
	echo "exports differ from the 47 phone* names of Tapi32.dll (< missing, > extra):"
	tmp=${TMPDIR:-/tmp}/exports.$$
	echo "$want" > "$tmp.want"
	echo "$have" > "$tmp.have"
	diff "$tmp.want" "$tmp.have" || true
	rm -f "$tmp.want" "$tmp.have"
	exit 1
fi
echo "47 phone* exports, nothing else"
