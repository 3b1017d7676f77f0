#!/bin/sh
# SPDX-License-Identifier: MIT
# check_spdx.sh SRCDIR — every source file of the project names its licence
# (SPDX-License-Identifier: MIT, the licence of LICENSE and meson.build). Prints the files that
# do not and fails; prints the count that do and passes.
set -u
cd "${1:?usage: check_spdx.sh SRCDIR}" || exit 2
missing=$(find . \( -path ./build -o -path './build-*' -o -path './obj-*' -o -path ./.git -o -name corpus \) \
	-prune -o \
	-type f \( -name '*.c' -o -name '*.h' -o -name '*.cpp' -o -name '*.sh' -o -name '*.py' \
	-o -name '*.in' -o -name '*.socket' -o -name '*.map' -o -name '*.supp' -o -name meson.build \
	-o -name Makefile \) -print | sort | while read -r f; do
	grep -q 'SPDX-License-Identifier: MIT' "$f" || echo "$f"
done)
if [ -n "$missing" ]; then
	echo "files without 'SPDX-License-Identifier: MIT':"
	echo "$missing"
	exit 1
fi
echo "every source file names its licence"
