# The two commands a newcomer needs: `make run` and `make test`. Both install what is missing first.
BUILD_DIR ?= build
ASAN_DIR ?= build-asan
# The libFuzzer build (clang, tests/fuzz): only the library and the fuzz targets.
FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 3
JOBS ?= $(shell nproc)
CMAKE_GEN := $(shell command -v ninja >/dev/null 2>&1 && echo "-G Ninja")

.PHONY: deps build run test test-unit test-asan fuzz-build fuzz fuzz-smoke bench crash soak format clean

deps:
	@bash scripts/install-deps.sh

$(BUILD_DIR)/build.ninja $(BUILD_DIR)/Makefile:
	cmake -S . -B $(BUILD_DIR) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: deps
	@test -f $(BUILD_DIR)/CMakeCache.txt || cmake -S . -B $(BUILD_DIR) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(BUILD_DIR) -j $(JOBS)

# The main job: the Latchkey server on the embedded SQLite store under $$LATCHKEY_HOME (default
# ~/.latchkey). It prints its URL and how to log in; Ctrl-C stops it gracefully.
run: build
	$(BUILD_DIR)/latchkey server

# CI's command (.ci/run). The full sanitizer run is `make test-asan` (about 17 minutes more on two
# cores): run it before resolving anything that touches memory, threads or parsing.
# Every fuzz corpus replays in ctest (fuzz.replay.*). `make fuzz-smoke` (a clang build, a few
# seconds of fuzzing per target) passes but is not part of it yet: its clang build (3-4 minutes
# on two cores, uncached in CI) would take CI from about 13 to about 18 of its 20 minutes.
test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j 2

test-unit: build
	cd $(BUILD_DIR) && ctest --output-on-failure -L unit

# The whole suite again under AddressSanitizer + UndefinedBehaviorSanitizer (GCC, -O0).
test-asan: deps
	@test -f $(ASAN_DIR)/CMakeCache.txt || cmake -S . -B $(ASAN_DIR) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Debug -DLATCHKEY_SANITIZE=ON
	cmake --build $(ASAN_DIR) -j $(JOBS)
	# The peers' own self-tests (moto, Ceph, docker-registry, the GCP fake) run no Latchkey code, and the
	# browser tests spend their time in Chromium (the server code they reach, the static files and the
	# session cookie, runs under the sanitizers in test_server_api): skipped here.
	cd $(ASAN_DIR) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j 2 -E 'integration\.test_(peers|aws_peers|gcp_fake|dashboard)$$'

# libFuzzer targets (tests/fuzz, DEVELOPERS.md): `make fuzz` runs each for FUZZ_SECONDS,
# `make fuzz-smoke` for FUZZ_SMOKE_SECONDS. A crash fails the target and
# keeps its input under $(FUZZ_DIR)/fuzz-work/<target>/crashes/.
fuzz-build: deps
	@test -f $(FUZZ_DIR)/CMakeCache.txt || cmake -S . -B $(FUZZ_DIR) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=clang++ -DLATCHKEY_FUZZ=ON
	cmake --build $(FUZZ_DIR) -j $(JOBS) --target latchkey_fuzzers

fuzz: fuzz-build
	FUZZ_BUILD_DIR=$(CURDIR)/$(FUZZ_DIR) bash scripts/run-fuzzers.sh $(FUZZ_SECONDS)

fuzz-smoke: fuzz-build
	FUZZ_BUILD_DIR=$(CURDIR)/$(FUZZ_DIR) bash scripts/run-fuzzers.sh $(FUZZ_SMOKE_SECONDS)

# Each bench prints its own report and records its rows; the last step prints them as one table.
bench: export LATCHKEY_BENCH_TABLE = $(CURDIR)/$(BUILD_DIR)/bench-table.jsonl
bench: build
	rm -f $(LATCHKEY_BENCH_TABLE)
	python3 bench/list_connectors.py $(BUILD_DIR)/latchkey
	python3 bench/sigv4_vs_botocore.py $(BUILD_DIR)/bench/sigv4_throughput
	python3 bench/client_latency_vs_awscli.py $(BUILD_DIR)/latchkey
	python3 bench/server_vs_nginx.py $(BUILD_DIR)/latchkey
	python3 bench/credential_process_vs_awscli.py $(BUILD_DIR)/latchkey
	python3 bench/artifact_store_vs_aws_s3_cp.py $(BUILD_DIR)/latchkey
	python3 bench/gcp_tokens_vs_openssl.py $(BUILD_DIR)/bench/gcp_token_throughput
	python3 bench/list_resources_vs_verify.py $(BUILD_DIR)/latchkey
	python3 bench/scale.py $(BUILD_DIR)/latchkey --count $${BENCH_SCALE_COUNT:-100000}
	python3 bench/login_flood.py $(BUILD_DIR)/latchkey
	python3 bench/dashboard_load.py $(BUILD_DIR)/latchkey
	python3 bench/bench_table.py $(LATCHKEY_BENCH_TABLE)

# Crash safety at scale (tests/crash/crash_safety.py): 20 rounds of kill -9 of the server during
# 1,000 acknowledged writes on SQLite and on PostgreSQL, then 20 key rotations killed at random
# points. `make test` runs a short version (integration.test_crash_safety).
crash: build
	python3 tests/crash/crash_safety.py $(BUILD_DIR)/latchkey

# The server under mixed load for SOAK_SECONDS (default 600) with RSS and open descriptors
# sampled; fails if either grows (bench/soak.py). Not part of `make test`.
soak: build
	SOAK_SECONDS=$${SOAK_SECONDS:-600} python3 bench/soak.py $(BUILD_DIR)/latchkey

format:
	find src tests bench -name '*.cc' -o -name '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR) $(FUZZ_DIR)
