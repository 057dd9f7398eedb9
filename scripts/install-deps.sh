#!/usr/bin/env bash
# Installs the Debian packages Latchkey builds and tests with. Idempotent and quick when they
# are already present: apt runs only for what is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config python3
  libssl-dev libcurl4-openssl-dev libsqlite3-dev nlohmann-json3-dev libcli11-dev
  libyaml-cpp-dev libfmt-dev libspdlog-dev libexpected-dev libgtest-dev libgmock-dev
  libbenchmark-dev libpugixml-dev
  # real peers and clients for the integration tests
  docker-registry apache2-utils skopeo openssl curl python3-cryptography
  hyperfine
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -ne 0 ]; then
  echo "Installing: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The AWS-side peers (single-node Ceph RGW with STS; moto) for the AWS integration tests.
bash "$(dirname "$0")/install-aws-peers.sh"
