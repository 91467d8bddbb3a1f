# Herald: `make run` serves the demo site, `make test` runs every test. Both install what is
# missing first (scripts/setup.sh: Debian packages, npm ci).
BUILD ?= build
ASAN_BUILD ?= build-asan
DATA ?= var
LISTEN ?= 127.0.0.1:8080
JOBS ?= $(shell nproc)

.PHONY: cluster all setup build run test test-asan ci bench clean format bench-newsroom bench-live bench-discussion bench-cluster fuzz

all: build

setup:
	@bash scripts/setup.sh

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release

build: setup $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

run: build
	./$(BUILD)/herald serve --data $(DATA) --listen $(LISTEN)

# Three nodes on PostgreSQL and NATS behind haproxy, on this machine (scripts/cluster.sh).
cluster: build
	LISTEN=$(LISTEN) bash scripts/cluster.sh

# Unit, HTTP integration and browser tests against the Release build, beside the servers they
# use (scripts/services.sh: PostgreSQL on 127.0.0.1, stopped afterwards).
test: build
	bash scripts/services.sh ctest --test-dir $(BUILD) --output-on-failure --timeout 600 -j 2

# Unit and integration tests again under AddressSanitizer + UndefinedBehaviorSanitizer.
test-asan: setup
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHERALD_SANITIZE=ON
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  bash scripts/services.sh ctest --test-dir $(ASAN_BUILD) --output-on-failure --timeout 900 -j 2 -LE browser

# libFuzzer targets for our own parsers (tests/fuzz/), each for FUZZ_SECONDS (CI: 20).
FUZZ_SECONDS ?= 60
fuzz: setup
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash scripts/fuzz.sh

ci: test test-asan
	$(MAKE) fuzz FUZZ_SECONDS=20

bench: build
	WORKERS=1 bash bench/run.sh
	WORKERS=2 bash bench/run.sh
	/usr/bin/python3 bench/newsroom.py
	/usr/bin/python3 bench/live.py

bench-newsroom: build
	/usr/bin/python3 bench/newsroom.py

bench-live: build
	/usr/bin/python3 bench/live.py

bench-discussion: build
	/usr/bin/python3 bench/discussion.py

# Several nodes on PostgreSQL and NATS (started by scripts/services.sh): publish-to-page on
# another node, and live fan-out with 50,000 readers over three nodes (NODES, CONNECTIONS),
# then the kernel's floor for the same fan-out on this machine (bench/fanout_floor.cpp).
bench-cluster: build
	bash scripts/services.sh /usr/bin/python3 bench/cluster.py
	bash scripts/services.sh /usr/bin/python3 bench/cluster_live.py
	./$(BUILD)/herald_fanout_floor --connections 50001 --senders 3

format:
	clang-format -i $$(git ls-files 'src/*.cpp' 'src/*.hpp')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-fuzz
