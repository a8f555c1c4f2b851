#!/bin/sh
# make test-pg: the store unit suites against a throwaway PostgreSQL cluster
# (scripts/pg-test-cluster.sh, in build/pg-test/), then the tests of tests/pg/ (the
# command line and servers on PostgreSQL; SAFEHARBOR_BIN names the binary), then the whole
# API suite (tests/api/, scripts/test-api.sh) with every county on a fresh database of the
# cluster; the cluster is stopped afterwards whatever the outcome. The arguments are the
# suites' binaries.
set -u
cd "$(dirname "$0")/.."
scripts/pg-test-cluster.sh start || exit 1
trap 'scripts/pg-test-cluster.sh stop' EXIT INT TERM
SAFEHARBOR_PG_URL="$(scripts/pg-test-cluster.sh url)"
export SAFEHARBOR_PG_URL
scripts/test-unit.sh "$@" >build/pg-test/unit.log 2>&1
rc=$?
grep -E '^\[  (PASSED|FAILED)|^\[  FAILED|^unit:|skipped' build/pg-test/unit.log
node --test --test-reporter=spec tests/pg/ >build/pg-test/node.log 2>&1 || rc=1
grep -E '^. (tests|pass|fail) ' build/pg-test/node.log
# the API suite with PG_API_BIN when given (make test: the release build, since the
# sanitizers already ran this suite on SQLite and the store suites on PostgreSQL)
SAFEHARBOR_BIN="${PG_API_BIN:-$SAFEHARBOR_BIN}" scripts/test-api.sh >build/pg-test/api.log 2>&1 || rc=1
grep -E '^. (tests|pass|fail|skipped|todo) ' build/pg-test/api.log | sed 's/^/api: /'
# the names of failed tests and the first line of each reason, so that a CI log says what failed
for log in build/pg-test/node.log build/pg-test/api.log; do
	sed -n '/failing tests:/,$p' "$log" | grep -E '^✖|^  [A-Za-z]*Error' | head -20
done
logs="logs: build/pg-test/unit.log, node.log, api.log"
[ "$rc" -eq 0 ] && echo "test-pg: passed ($logs)" || echo "test-pg: FAILED ($logs)" >&2
exit "$rc"
