#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# run_corpus.sh BUILD_DIR TAPISRV PROVIDER_DIR [SANITIZE] — Windows TAPI sources build and run
# unchanged. SANITIZE is the build's b_sanitize (the programs link the library of that build).
#
# The programs beside this script are written as Windows TAPI phone code is (each names the
# idiom's source in Microsoft's documentation): <windows.h>, <tapi.h>, TCHAR, TEXT(), NULL,
# WaitForSingleObject on hEvent, PHONEERR_ tables and switches. Each is compiled
#  - with mingw-w64 against its own windows.h and tapi.h and linked with -ltapi32: the Windows
#    reference, proving the program is real Windows code;
#  - on Linux against the *installed* tree (meson install into a private DESTDIR), with
#    `pkg-config --cflags --libs opentapi-win32` and nothing else;
# each as C11, C++17 and C++98, ANSI and UNICODE (C++98 UNICODE with -fshort-wchar on Linux, the
# only UTF-16 literals C++98 has: docs/porting.md). Then the Linux programs (C ANSI, C UNICODE,
# C++98 ANSI) run against a private tapisrv with the built-in default phone; each exits 0 when
# everything it checked held. Prints TAP; exit status 1 if anything failed.
set -u
BUILD=$1
TAPISRV=$2
PROVIDERS=$3
SANITIZE=${4:-none}
san=
[ "$SANITIZE" != none ] && san="-fsanitize=$SANITIZE"
SRC=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/opentapi-corpus.XXXXXX") || exit 1
srv_pid=
cleanup() {
	[ -n "$srv_pid" ] && kill "$srv_pid" 2>/dev/null && wait "$srv_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1)) failed=$((failed + 1))
	echo "not ok $n - $1"
	[ -f "$work/out" ] && sed 's/^/# /' "$work/out" | head -n 20
}

for tool in x86_64-w64-mingw32-gcc x86_64-w64-mingw32-g++ pkg-config g++; do
	command -v "$tool" >/dev/null || {
		echo "Bail out! $tool is missing: make check installs gcc-mingw-w64-x86-64,"\
		     "g++-mingw-w64-x86-64, g++ and pkg-config (Makefile DEPS)"
		exit 1
	}
done

# The installed tree, as a user of the packages would have it.
# shellcheck source=../installed_tree.sh
. "$(dirname "$0")/../installed_tree.sh"
if ! install_tree "$BUILD" "$work/inst" "$work/out"; then
	not_ok "meson install into a private DESTDIR"
	echo "1..$n"
	exit 1
fi
cflags=$(pkg-config --cflags opentapi-win32) libs=$(pkg-config --libs opentapi-win32) || exit 1
ok "installed; pkg-config opentapi-win32: $cflags $libs"

# Every constant of the installed tapi.h, value and type, against mingw-w64's tapi.h: a program
# built here writes one _Static_assert per constant, which mingw-w64 must then compile.
names=$(sed -n 's/^#define \(PHONE[A-Z0-9_]*\|STRINGFORMAT_[A-Z]*\|TAPI_CURRENT_VERSION\) [(0-9].*/\1/p' \
	"$(pkg-config --variable=includedir opentapi)/opentapi/tapi.h") # the sysroot is in the variable
{
	echo '#include <stdio.h>'
	echo '#include <tapi.h>'
	echo '#define TYPE(x) _Generic((x), int: "int", unsigned int: "unsigned int", long: "long", \'
	echo '	unsigned long: "unsigned long", default: "?")'
	echo '#define K(x) printf("_Static_assert((%s) == %#llxULL && _Generic((%s), %s: 1, default: 0), \"%s\");\n", \'
	echo '	#x, (unsigned long long)(x), #x, TYPE(x), #x)'
	echo 'int main(void) {'
	echo '	puts("#include <windows.h>\n#include <tapi.h>");'
	for c in $names; do echo "	K($c);"; done
	echo '	return 0; }'
} >"$work/constants_gen.c"
if [ "$(echo "$names" | wc -w)" -gt 150 ] && gcc -std=c11 $cflags "$work/constants_gen.c" -o "$work/constants_gen" >"$work/out" 2>&1 &&
	LD_LIBRARY_PATH= "$work/constants_gen" >"$work/constants_check.c" 2>"$work/out" &&
	x86_64-w64-mingw32-gcc -std=c11 -c "$work/constants_check.c" -o "$work/constants_check.o" \
		>"$work/out" 2>&1; then
	ok "$(echo "$names" | wc -w) constants: the same value and type as in mingw-w64's tapi.h"
else
	not_ok "constants: the same value and type as in mingw-w64's tapi.h"
fi

# lang: c11 | c++17 | c++98; charset: ansi | unicode
variant_flags() {
	local lang=$1 charset=$2 f=""
	case $lang in
	c11) f="-x c -std=c11" ;;
	*) f="-x c++ -std=$lang" ;;
	esac
	[ "$charset" = unicode ] && f="$f -DUNICODE -D_UNICODE"
	echo "$f"
}

for src in "$SRC"/*.c; do
	name=$(basename "$src" .c)
	for lang in c11 c++17 c++98; do
		for charset in ansi unicode; do
			flags=$(variant_flags $lang $charset)
			win=x86_64-w64-mingw32-gcc lin=gcc
			case $lang in c++*) win=x86_64-w64-mingw32-g++ lin=g++ ;; esac
			# shellcheck disable=SC2086
			if $win $flags -Wall -Wno-sign-compare "$src" -o "$work/$name.exe" -ltapi32 \
				>"$work/out" 2>&1; then
				ok "$name ($lang, $charset): mingw-w64, the Windows reference"
			else
				not_ok "$name ($lang, $charset): mingw-w64, the Windows reference"
			fi
			extra=
			[ $lang = c++98 ] && [ $charset = unicode ] && extra=-fshort-wchar
			# shellcheck disable=SC2086
			if $lin $flags $extra $san -Wall -Wno-sign-compare $cflags "$src" \
				-o "$work/$name.$lang.$charset" $libs >"$work/out" 2>&1; then
				ok "$name ($lang, $charset): Linux, installed tree"
			else
				not_ok "$name ($lang, $charset): Linux, installed tree"
			fi
		done
	done
done

# A private tapisrv with the built-in default phone.
mkdir -p "$work/config" "$work/state"
sock="$work/tapisrv.sock"
XDG_CONFIG_HOME="$work/config" OPENTAPI_PROVIDER_PATH="$PROVIDERS" \
	"$TAPISRV" --socket "$sock" --state-dir "$work/state" -q 2>"$work/tapisrv.log" &
srv_pid=$!
for _ in $(seq 1 500); do [ -S "$sock" ] && break; sleep 0.01; done
if [ ! -S "$sock" ]; then
	cp "$work/tapisrv.log" "$work/out"
	not_ok "a private tapisrv starts"
	echo "1..$n"
	exit 1
fi

export OPENTAPI_SERVER="$sock" LD_LIBRARY_PATH="${pkgconfigdir%/pkgconfig}"
for src in "$SRC"/*.c; do
	name=$(basename "$src" .c)
	for v in c11.ansi c11.unicode c++98.ansi; do
		bin="$work/$name.$v"
		[ -x "$bin" ] || continue
		if timeout 60 "$bin" >"$work/out" 2>&1; then
			ok "$name ($v) runs against tapisrv: $(head -n 1 "$work/out")"
		else
			not_ok "$name ($v) runs against tapisrv (exit $?)"
		fi
	done
done

echo "1..$n"
[ $failed -eq 0 ]
