#!/bin/sh
# Browser tests: tests/web/*.test.mjs drive Debian's chromium (headless, through
# playwright-core from npm; no browser is ever downloaded) against `safeharbor serve`
# (the ASan build) on a temporary database. Screenshots go to tests/artifacts/web/.
set -eu
cd "$(dirname "$0")/.."
: "${SAFEHARBOR_BIN:?set SAFEHARBOR_BIN to the safeharbor binary}"
export SAFEHARBOR_BIN
extra="chromium"
command -v npm >/dev/null 2>&1 || extra="$extra npm"
SAFEHARBOR_EXTRA_PACKAGES="${SAFEHARBOR_EXTRA_PACKAGES:-} $extra" scripts/setup.sh test
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
if [ ! -d node_modules/playwright-core ]; then
	if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
fi
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
exec node --test --test-reporter=spec --test-concurrency=2 tests/web/
