# SPDX-License-Identifier: MIT
# installed_tree.sh — sourced by the tests that build programs against the *installed* OpenTAPI,
# as a user of the packages would (tests/windows/run_corpus.sh, tests/examples/run_examples.sh).
#
# install_tree BUILD_DIR DESTDIR LOG: `meson install` of BUILD_DIR into DESTDIR (its output in
# LOG), then pkg-config pointed at it: PKG_CONFIG_SYSROOT_DIR and PKG_CONFIG_PATH exported, and
# pkgconfigdir set to the directory of the installed .pc files. Returns 1 when the install
# failed.
install_tree() {
	meson install -C "$1" --destdir "$2" --no-rebuild --quiet >"$3" 2>&1 || return 1
	pkgconfigdir=$(dirname "$(find "$2" -name opentapi.pc | head -n 1)")
	export PKG_CONFIG_SYSROOT_DIR="$2" PKG_CONFIG_PATH="$pkgconfigdir"
}
