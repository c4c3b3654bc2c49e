# yutang — the two commands: `make run` and `make test`.
BUILD      ?= build
ASAN_BUILD ?= build-asan
CMAKE_FLAGS ?= -DCMAKE_BUILD_TYPE=RelWithDebInfo

.PHONY: all deps build build-c console run test test-fast bench fuzz clean

all: build

deps:
	bash scripts/deps.sh

build-c:
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS) >/dev/null
	cmake --build $(BUILD)

console:
	bash scripts/console.sh

build: deps build-c console

run: build
	bash scripts/run.sh

test: build
	bash scripts/test.sh

bench: build
	bash bench/run.sh

# libFuzzer harnesses (fuzz/), each run for FUZZ_SECONDS (default 120) in build-fuzz
fuzz: deps
	bash fuzz/run.sh

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) web/console/dist
