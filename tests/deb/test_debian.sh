#!/bin/bash
# SPDX-License-Identifier: MIT
# test_debian.sh SRCDIR — the Debian packages, built and used as a system would (TAP output).
#
# Builds them with dpkg-buildpackage from a copy of the source tree, checks them with lintian
# (no error), installs them on this machine, starts tapisrv the way tapisrv.socket and
# tapisrv.service do (there is no systemd as PID 1 here: the socket is made by
# systemd-socket-activate, root:opentapi 0660, and handed to tapisrv running as user opentapi
# with the state directory of the unit), then runs /usr/bin/phonectl as a member of group
# opentapi (which may use the phones) and as a user outside it (who must be told "permission
# denied"). Everything it changed on the machine is undone at the end: packages purged, the
# users and the group removed, the server stopped, its socket and state gone.
#
# It changes the whole machine, so it needs root and runs alone (meson: is_parallel false).
set -u
src=${1:?usage: test_debian.sh SRCDIR}
src=$(cd "$src" && pwd)
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
	shift
	for l in "$@"; do echo "# $l"; done
}
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }

if [ "$(id -u)" -ne 0 ]; then
	echo "1..1"
	echo "ok 1 - the Debian packages # SKIP outside the project: installing packages and" \
		"adding users needs root (make check as root, as CI does)"
	exit 0
fi

packages="libopentapi0 libopentapi-dev opentapi-server opentapi-tools opentapi-providers"
work=$(mktemp -d /var/tmp/opentapi-deb.XXXXXX)
sock=/run/opentapi/tapisrv.sock
server_pid=
made_run_dir=
[ -d /run/opentapi ] || made_run_dir=1

# The plan goes last (TAP allows it), so that it always matches what ran.
cleanup() {
	echo "1..$n"
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
	rm -f "$sock" /run/opentapi/tapisrv.lock
	[ -n "$made_run_dir" ] && rmdir /run/opentapi 2>/dev/null
	dpkg --purge $packages >/dev/null 2>&1
	for u in otdeb-member otdeb-other opentapi; do userdel "$u" >/dev/null 2>&1; done
	groupdel opentapi >/dev/null 2>&1
	rm -rf "$work" /var/lib/opentapi
}
trap cleanup EXIT


# ---- build and lint ------------------------------------------------------------------------
mkdir -p "$work/src"
tar -C "$src" --exclude='./build*' --exclude='./obj-*' --exclude=./.git \
	--exclude=./bench/results.json -cf - . | tar -C "$work/src" -xf -
if (cd "$work/src" && dpkg-buildpackage -us -uc -b >"$work/build.log" 2>&1); then
	ok "dpkg-buildpackage -us -uc -b builds the packages"
else
	not_ok "dpkg-buildpackage -us -uc -b builds the packages" "$(tail -20 "$work/build.log")"
	exit 1
fi
debs=$(ls "$work"/*.deb 2>/dev/null | grep -v dbgsym)
count=$(echo "$debs" | wc -w)
check "the five packages are built ($count .deb)" [ "$count" -eq 5 ]
lint=$(lintian --fail-on error "$work"/*.changes 2>&1)
if [ $? -eq 0 ]; then
	ok "lintian reports no error"
else
	not_ok "lintian reports no error" $(echo "$lint" | grep '^E:')
fi

# ---- install ---------------------------------------------------------------------------------
if out=$(dpkg -i $debs 2>&1); then
	ok "dpkg -i installs them"
else
	not_ok "dpkg -i installs them" "$out"
	exit 1
fi
check "the package made the system user and group opentapi" \
	sh -c 'getent passwd opentapi >/dev/null && getent group opentapi >/dev/null'
check "the manual pages are installed (phonectl(1), tapisrv(8), phoneSetData(3), otsp(7))" \
	sh -c '{ man -w phonectl && man -w 8 tapisrv && man -w 3 phoneSetData && man -w 7 otsp; } \
	>/dev/null'

# ---- the server, started the way its units do ------------------------------------------------
install -d -m 0755 /run/opentapi
install -d -m 0700 -o opentapi -g opentapi /var/lib/opentapi
# The service's environment: the user's home, nothing of ours (systemd-socket-activate execs
# tapisrv at the first connection, with LISTEN_FDS).
env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/var/lib/opentapi LANG=C.UTF-8 \
	systemd-socket-activate -l "$sock" -- \
	setpriv --reuid=opentapi --regid=opentapi --init-groups -- \
	sh -c 'umask 0077; exec /usr/sbin/tapisrv --state-dir /var/lib/opentapi' \
	>"$work/tapisrv.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.1; done
# What tapisrv.socket says: SocketUser=root, SocketGroup=opentapi, SocketMode=0660.
chown root:opentapi "$sock" && chmod 0660 "$sock"
check "the socket $sock is there, root:opentapi 0660" \
	sh -c "[ \"\$(stat -c %U:%G:%a $sock)\" = root:opentapi:660 ]"

useradd -M -N -s /usr/sbin/nologin -G opentapi otdeb-member
useradd -M -N -s /usr/sbin/nologin otdeb-other
# A user's own session: nothing of this test's environment (no OPENTAPI_*, no XDG_RUNTIME_DIR).
as() { local who=$1; shift; runuser -u "$who" -- env -i PATH=/usr/bin:/bin LANG=C.UTF-8 "$@"; }

out=$(as otdeb-member /usr/bin/phonectl list 2>&1)
if [ $? -eq 0 ] && echo "$out" | grep -q "OpenTAPI Simulated Phone"; then
	ok "a member of group opentapi lists the system server's phones"
else
	not_ok "a member of group opentapi lists the system server's phones" "$out" \
		"$(cat "$work/tapisrv.log")"
fi
out=$(printf hello | as otdeb-member /usr/bin/phonectl set-data 0 0 - 2>&1)
check "a member writes a data area (the server keeps it in /var/lib/opentapi)" [ $? -eq 0 ]
out=$(as otdeb-member /usr/bin/phonectl get-data 0 0 --size 5 --raw 2>/dev/null)
if echo "$out" | grep -q hello; then
	ok "a member reads the data back"
else
	not_ok "a member reads the data back" "$out"
fi
state_owner=$(find /var/lib/opentapi -type f -printf '%u\n' | sort -u | tr '\n' ' ')
check "the server's state belongs to opentapi ($state_owner)" [ "$state_owner" = "opentapi " ]
server_user=$(ps -o user= -p "$server_pid" | tr -d ' ')
check "tapisrv runs as user opentapi ($server_user)" [ "$server_user" = opentapi ]
out=$(as otdeb-other /usr/bin/phonectl list 2>&1)
status=$?
if [ $status -ne 0 ] && echo "$out" | grep -q "permission denied"; then
	ok "a user outside group opentapi is told: permission denied (exit $status)"
else
	not_ok "a user outside group opentapi is told: permission denied (exit $status)" "$out"
fi

[ "$failed" -eq 0 ]
