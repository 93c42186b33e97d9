# The two commands of the quick start, and their helpers. Every target runs the bootstrap first,
# so a fresh Debian 12 machine needs nothing installed by hand.
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
DATA_ROOT ?= ./var
JOBS ?= $(shell nproc)

.PHONY: all bootstrap configure build run test bench bench-smoke clean format

all: build

bootstrap:
	@scripts/bootstrap

configure: bootstrap
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	@scripts/run-vsmd $(BUILD_DIR) $(DATA_ROOT)

test: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 600

bench: bootstrap
	@scripts/bench

bench-smoke: build
	@VSM_BENCH_SMOKE=1 scripts/bench

clean:
	rm -rf $(BUILD_DIR)

format:
	@find src tests -name '*.h' -o -name '*.cc' | xargs clang-format -i
