#!/bin/sh
# Black-box tests: each tests/api/*.test.mjs starts `safeharbor serve` (the ASan build)
# on a free port with a temporary database and drives it over HTTP.
set -eu
cd "$(dirname "$0")/.."
: "${SAFEHARBOR_BIN:?set SAFEHARBOR_BIN to the safeharbor binary}"
export SAFEHARBOR_BIN
scripts/npm-deps.sh # the npm packages some tests use (an OpenID Connect provider, an iCalendar parser)
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
exec node --test --test-reporter=spec --test-concurrency=2 tests/api/
