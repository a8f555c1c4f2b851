#!/bin/sh
# Browser tests: tests/web/*.test.mjs drive Debian's chromium (headless, through
# playwright-core from npm; no browser is ever downloaded) against `safeharbor serve`
# (the ASan build) on a temporary database. Screenshots go to tests/artifacts/web/.
set -eu
cd "$(dirname "$0")/.."
: "${SAFEHARBOR_BIN:?set SAFEHARBOR_BIN to the safeharbor binary}"
export SAFEHARBOR_BIN
SAFEHARBOR_EXTRA_PACKAGES="${SAFEHARBOR_EXTRA_PACKAGES:-} chromium" scripts/setup.sh test
scripts/npm-deps.sh
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
exec node --test --test-reporter=spec --test-concurrency=2 tests/web/
