#!/usr/bin/env bash
# Installs the Azure-side real test peers from npm: Azurite, the Azure Storage emulator
# (tests/peers/azurite.py), and @azure/storage-blob, Microsoft's JavaScript SDK, used only as a
# real client of the SAS Latchkey issues (tests/integration/azure_blob_client.js). Latchkey
# itself uses no Azure SDK. Idempotent and instant when the pinned versions are present: npm
# runs only when the cached install is missing or of other versions.
#
# They go into a cache directory owned by the project (LATCHKEY_AZURE_PEERS_DIR, default
# ~/.cache/latchkey/azure-peers), never globally, so they cannot disturb other node installs.
# The launchers find them there (NODE_PATH for the SDK); nothing is added to PATH.
set -euo pipefail

azurite_version=3.37.0
sdk_version=12.34.0
dir="${LATCHKEY_AZURE_PEERS_DIR:-${HOME}/.cache/latchkey/azure-peers}"
bin="${dir}/node_modules/.bin/azurite-blob"
sdk="${dir}/node_modules/@azure/storage-blob/package.json"
stamp="${dir}/.azurite-version"
want="azurite@${azurite_version} @azure/storage-blob@${sdk_version}"

if [[ -x "${bin}" && -f "${sdk}" && -f "${stamp}" && "$(cat "${stamp}")" == "${want}" ]]; then
  exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
  bash "$(dirname "$0")/apt-install-missing.sh" nodejs npm
fi

mkdir -p "${dir}"
# --no-fund/--no-audit keep npm from calling home for anything but the packages themselves.
# Both in one command, so the second never prunes the first from the shared package.json.
npm install --prefix "${dir}" --no-fund --no-audit --loglevel=error \
  "azurite@${azurite_version}" "@azure/storage-blob@${sdk_version}" >&2
echo "${want}" >"${stamp}"
