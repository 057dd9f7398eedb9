#!/usr/bin/env bash
# The dashboard's toolchain: Node.js and npm from Debian when the machine has none, then the
# packages web/package-lock.json pins (TypeScript, Preact, esbuild, playwright-core for the
# browser tests), installed with `npm ci` only when the lockfile changed since the last install.
# Chromium and its driver come from Debian (install-deps.sh); no browser is downloaded.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
web="${root}/web"
[[ -f "${web}/package-lock.json" ]] || exit 0

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  bash "${root}/scripts/apt-install-missing.sh" nodejs npm
fi

stamp="${web}/node_modules/.latchkey-lock-sha256"
want="$(sha256sum "${web}/package-lock.json" | cut -d' ' -f1)"
if [[ -f "${stamp}" && "$(cat "${stamp}")" == "${want}" ]]; then
  exit 0
fi
# --no-fund/--no-audit: npm talks to the registry for the packages only.
(cd "${web}" && npm ci --no-fund --no-audit --loglevel=error >&2)
echo "${want}" >"${stamp}"
