# SPDX-License-Identifier: MIT
# OpenTAPI — the two commands of the README, and their helpers.
#   make demo        set up, build, and run a short session on the default simulated phone
#   make check       set up, build, and run every test: the normal build, then the same tests under
#                    AddressSanitizer + UndefinedBehaviorSanitizer (the fuzz corpora are part of both)
#   make check-plain / make check-asan   one of the two halves

BUILD      ?= build
ASAN_BUILD ?= build-asan
MESON_OPTS ?= -Dwerror=true
DEPS       := gcc g++ pkg-config meson ninja-build libinih-dev libcmocka-dev libsystemd-dev libcurl4-openssl-dev libmicrohttpd-dev \
              gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64 man-db groff-base \
              debhelper lintian

.PHONY: all deps build demo check check-plain check-asan install uninstall clean

all: build

# $(call install_packages,WHAT,PACKAGES): installs those of PACKAGES that are missing when run as
# root; otherwise prints the one line to run, and fails.
define install_packages
	@missing=$$(for p in $(2); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installing:" $$missing; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else \
			echo "Missing $(1). Run:"; \
			echo "  sudo apt-get install -y" $$missing; \
			exit 1; \
		fi; \
	fi
endef

deps:
	$(call install_packages,build dependencies,$(DEPS))

$(BUILD)/build.ninja:
	meson setup $(BUILD) $(MESON_OPTS)

build: deps
	@$(MAKE) --no-print-directory $(BUILD)/build.ninja
	ninja -C $(BUILD)

demo: build
	@scripts/demo.sh $(BUILD)

# Both halves run even when the first fails, so one run reports every failure; make check fails
# if either did.
check: build
	@status=0; \
	$(MAKE) --no-print-directory check-plain || status=1; \
	$(MAKE) --no-print-directory check-asan || status=1; \
	exit $$status

# A skip counts as a failure unless the test named a reason outside the project
# (tests/check_skips.sh).
check-plain: build
	meson test -C $(BUILD) --print-errorlogs
	@tests/check_skips.sh $(BUILD)/meson-logs/testlog.txt

check-asan: deps
	@test -f $(ASAN_BUILD)/build.ninja || \
		meson setup $(ASAN_BUILD) -Db_sanitize=address,undefined -Db_lundef=false $(MESON_OPTS)
	ninja -C $(ASAN_BUILD)
	meson test -C $(ASAN_BUILD) --print-errorlogs
	@tests/check_skips.sh $(ASAN_BUILD)/meson-logs/testlog.txt

# make install [DESTDIR=DIR]: see docs/building.md (the prefix is meson's). A system install
# refreshes the dynamic linker's cache, so that phonectl finds libopentapi at once.
install: build
	meson install -C $(BUILD) $(if $(DESTDIR),--destdir "$(DESTDIR)")
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ]; then ldconfig; fi

uninstall:
	ninja -C $(BUILD) uninstall
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ]; then ldconfig; fi

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)

# make deb: the Debian packages (debian/; docs/building.md) into the directory above the tree.
# make check builds, lints, installs and uses them too (tests/deb/test_debian.sh).
.PHONY: deb
deb: deps
	dpkg-buildpackage -us -uc -b

# make fuzz: every libFuzzer target (clang, ASan+UBSan; docs/reliability.md) for FUZZ_SECONDS
# seconds each, on a copy of its corpus tests/fuzz/corpus/NAME; fails if any of them crashes.
FUZZ_SECONDS ?= 60

.PHONY: fuzz
fuzz:
	@command -v clang >/dev/null || { echo "make fuzz needs clang (libFuzzer)"; exit 1; }
	@test -f build-fuzz/build.ninja || \
		CC=clang meson setup build-fuzz -Db_sanitize=address,undefined -Db_lundef=false
	ninja -C build-fuzz $$(for d in tests/fuzz/corpus/*/; do \
		echo tests/fuzz/fuzz_$$(basename $$d); done)
	@failed=; for d in tests/fuzz/corpus/*/; do \
		t=$$(basename $$d); out=build-fuzz/fuzz-out/$$t; \
		rm -rf $$out && mkdir -p $$out/corpus && cp $$d* $$out/corpus/; \
		printf 'fuzz_%s, %s s: ' $$t $(FUZZ_SECONDS); \
		if build-fuzz/tests/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			-artifact_prefix=$$out/ $$out/corpus >$$out/log 2>&1; then \
			sed -n 's/^stat::number_of_executed_units: *//p' $$out/log | tr -d '\n'; \
			echo " runs, no crash"; \
		else \
			failed="$$failed $$t"; echo "CRASH (input: $$(ls $$out/crash-* $$out/leak-* $$out/timeout-* $$out/oom-* 2>/dev/null | head -1); log: $$out/log)"; \
		fi; \
	done; \
	test -z "$$failed" || { echo "crashed:$$failed"; exit 1; }

# make bench: the benchmarks (docs/performance.md): the table, and bench/results.json.
# make bench-report: their PNGs into docs/performance/ and the table into docs/performance.md.
# Only these two need BENCH_DEPS: gnuplot for the pictures, dbus-daemon for dbus-peer.
BENCH_DEPS := gnuplot-nox dbus-daemon

.PHONY: bench bench-report bench-deps

bench-deps:
	$(call install_packages,benchmark dependencies,$(BENCH_DEPS))

bench: build bench-deps
	python3 bench/run.py --build $(BUILD)

bench-report: bench-deps
	@test -f bench/results.json || $(MAKE) --no-print-directory bench
	python3 bench/run.py report

# make check-valgrind: the integration suites (integration, integration-server) under valgrind
# memcheck, every process they start included: tapisrv, phonectl, forked clients
# (docs/reliability.md, "Valgrind"). Only this target needs VALGRIND_DEPS. A definite or
# indirect leak, or any memcheck error, fails the test (exit status 99). System programs the
# tests run (sh, rm) are not traced. OPENTAPI_TEST_SCALE divides the long loops of the tests
# that read it; VALGRIND_TESTS, when set, names the tests to run instead of both suites.
VALGRIND_DEPS := valgrind
VALGRIND_SCALE ?= 10
VALGRIND_TESTS ?=
VALGRIND := valgrind --tool=memcheck --trace-children=yes --vgdb=no \
	--trace-children-skip='/bin/*,/usr/bin/*,/usr/sbin/*,/sbin/*' \
	--leak-check=full --errors-for-leak-kinds=definite,indirect \
	--show-leak-kinds=definite,indirect --error-exitcode=99 \
	--suppressions=$(CURDIR)/tests/valgrind.supp --quiet

.PHONY: check-valgrind valgrind-deps

valgrind-deps:
	$(call install_packages,valgrind,$(VALGRIND_DEPS))

check-valgrind: build valgrind-deps
	OPENTAPI_TEST_SCALE=$(VALGRIND_SCALE) meson test -C $(BUILD) --print-errorlogs \
		--timeout-multiplier 20 --wrapper "$(VALGRIND)" \
		$(if $(VALGRIND_TESTS),$(VALGRIND_TESTS),--suite integration --suite integration-server)
