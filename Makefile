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

# The benchmark suite: builds Release in build-bench/, prints the table (docs/performance.md).
bench: bootstrap
	@scripts/bench

# The same on tiny inputs (under a minute); `make test` runs it as the ctest test bench_smoke.
bench-smoke: build
	@VSM_BENCH_SMOKE=1 VSM_BUILD_DIR=$(BUILD_DIR) scripts/bench

clean:
	rm -rf $(BUILD_DIR)

format:
	@find src tests -name '*.h' -o -name '*.cc' | xargs clang-format -i
