#!/bin/sh
# make test-pg: the store unit suites against a throwaway PostgreSQL cluster
# (scripts/pg-test-cluster.sh, in build/pg-test/), which is stopped afterwards whatever
# the outcome. The arguments are the suites' binaries.
set -u
cd "$(dirname "$0")/.."
scripts/pg-test-cluster.sh start || exit 1
trap 'scripts/pg-test-cluster.sh stop' EXIT INT TERM
SAFEHARBOR_PG_URL="$(scripts/pg-test-cluster.sh url)"
export SAFEHARBOR_PG_URL
scripts/test-unit.sh "$@" >build/pg-test/unit.log 2>&1
rc=$?
grep -E '^\[  (PASSED|FAILED)|^\[  FAILED|^unit:|skipped' build/pg-test/unit.log
[ "$rc" -eq 0 ] && echo "test-pg: passed (log: build/pg-test/unit.log)" ||
	echo "test-pg: FAILED (log: build/pg-test/unit.log)" >&2
exit "$rc"
