#!/usr/bin/env bash
# Installs the Azure-side real test peer: Azurite, the Azure Storage emulator, from npm
# (tests/peers/azurite.py). Idempotent and instant when the pinned version is present: npm runs
# only when the cached install is missing or of another version.
#
# It goes into a cache directory owned by the project (LATCHKEY_AZURE_PEERS_DIR, default
# ~/.cache/latchkey/azure-peers), never globally, so it cannot disturb other node installs.
# The launcher finds it there; nothing is added to PATH.
set -euo pipefail

version=3.37.0
dir="${LATCHKEY_AZURE_PEERS_DIR:-${HOME}/.cache/latchkey/azure-peers}"
bin="${dir}/node_modules/.bin/azurite-blob"
stamp="${dir}/.azurite-version"

if [[ -x "${bin}" && -f "${stamp}" && "$(cat "${stamp}")" == "${version}" ]]; then
  exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
  bash "$(dirname "$0")/apt-install-missing.sh" nodejs npm
fi

mkdir -p "${dir}"
# --no-fund/--no-audit keep npm from calling home for anything but the packages themselves.
npm install --prefix "${dir}" --no-fund --no-audit --loglevel=error "azurite@${version}" >&2
echo "${version}" >"${stamp}"
