# OpenTAPI — the two commands of the README, and their helpers.
#   make demo        set up, build, and run a short session on the default simulated phone
#   make check       set up, build, and run every test
#   make check-asan  every test again under AddressSanitizer + UndefinedBehaviorSanitizer

BUILD      ?= build
ASAN_BUILD ?= build-asan
MESON_OPTS ?= -Dwerror=true
DEPS       := gcc pkg-config meson ninja-build libinih-dev libcmocka-dev libsystemd-dev

.PHONY: all deps build demo check check-asan install clean

all: build

# Installs what is missing when run as root; otherwise prints the one line to run.
deps:
	@missing=$$(for p in $(DEPS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installing:" $$missing; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else \
			echo "Missing build dependencies. Run:"; \
			echo "  sudo apt-get install -y" $$missing; \
			exit 1; \
		fi; \
	fi

$(BUILD)/build.ninja:
	meson setup $(BUILD) $(MESON_OPTS)

build: deps
	@$(MAKE) --no-print-directory $(BUILD)/build.ninja
	ninja -C $(BUILD)

demo: build
	@scripts/demo.sh $(BUILD)

check: build
	meson test -C $(BUILD) --print-errorlogs

check-asan: deps
	@test -f $(ASAN_BUILD)/build.ninja || \
		meson setup $(ASAN_BUILD) -Db_sanitize=address,undefined -Db_lundef=false $(MESON_OPTS)
	ninja -C $(ASAN_BUILD)
	meson test -C $(ASAN_BUILD) --print-errorlogs

install: build
	meson install -C $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
