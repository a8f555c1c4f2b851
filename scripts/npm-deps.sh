#!/bin/sh
# The test suites' npm packages (package.json: playwright-core, axe-core, oidc-provider),
# installed from package-lock.json when node_modules is missing or older than the lock
# file. npm itself comes from Debian (scripts/setup.sh); no browser is ever downloaded.
set -eu
cd "$(dirname "$0")/.."
command -v npm >/dev/null 2>&1 || SAFEHARBOR_EXTRA_PACKAGES="${SAFEHARBOR_EXTRA_PACKAGES:-} npm" scripts/setup.sh test
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
	npm ci --no-audit --no-fund
fi
