#!/bin/sh
# make test-pg: the store unit suites against a throwaway PostgreSQL cluster
# (scripts/pg-test-cluster.sh, in build/pg-test/), then the tests of tests/pg/ (the
# command line and servers on PostgreSQL; SAFEHARBOR_BIN names the binary); the cluster
# is stopped afterwards whatever the outcome. The arguments are the suites' binaries.
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
[ "$rc" -eq 0 ] && echo "test-pg: passed (logs: build/pg-test/unit.log, node.log)" ||
	echo "test-pg: FAILED (logs: build/pg-test/unit.log, node.log)" >&2
exit "$rc"
