#!/usr/bin/env bash
# Installs the Debian packages Latchkey builds and tests with. Idempotent and quick when they
# are already present: apt runs only for what is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config python3
  libssl-dev libcurl4-openssl-dev libsqlite3-dev nlohmann-json3-dev libcli11-dev
  libyaml-cpp-dev libfmt-dev libspdlog-dev libexpected-dev libgtest-dev libgmock-dev
  libbenchmark-dev libpugixml-dev libpq-dev libboost-dev libargon2-dev
  # real peers and clients for the integration tests
  docker-registry apache2-utils skopeo openssl curl python3-cryptography
  hyperfine postgresql wrk nginx-light
  # the shell completion tests run the zsh script (bash is always there)
  zsh
  # libFuzzer: clang++ and its fuzzer/sanitizer runtimes (make fuzz, tests/fuzz)
  clang libclang-rt-dev
  # the dashboard's browser tests drive Debian's Chromium (tests/browser/)
  chromium chromium-driver fonts-noto-color-emoji
)

bash "$(dirname "$0")/apt-install-missing.sh" "${packages[@]}"

# The AWS-side peers (single-node Ceph RGW with STS; moto) for the AWS integration tests.
bash "$(dirname "$0")/install-aws-peers.sh"
bash "$(dirname "$0")/install-azure-peers.sh"  # Azurite (npm) for the Azure tests
bash "$(dirname "$0")/install-web-deps.sh"    # the dashboard's npm toolchain (web/)
