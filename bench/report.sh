#!/bin/sh
# bench/report.sh DB [FROM TO]: times the Board report on a (state-sized) database beside
# the floor, plain SQL aggregates over the same rows with the sqlite3 shell: recoveries
# by area, and on-time steps by step, over the report period and the previous one.
# Make the database with `make bench-data` (bench/gen-state). Results: bench/RESULTS.md.
# Prints wall time and CPU time (user + system): on a shared machine the CPU time is
# the steadier of the two.
set -eu
cd "$(dirname "$0")/.."
DB=${1:?usage: bench/report.sh DB [FROM TO]}
FROM=${2:-2025-01-01}
TO=${3:-2025-12-31}
BIN=${SAFEHARBOR_BIN:-build/release/safeharbor}
OUT=${TMPDIR:-/tmp}/safeharbor-bench-report.$$
trap 'rm -f "$OUT".*' EXIT

from_s=$(date -u -d "$FROM" +%s)
to_s=$(( $(date -u -d "$TO" +%s) + 86400 ))
prev_s=$(( from_s - (to_s - from_s) ))

echo "machine: $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "database: $DB, $(du -h "$DB" | cut -f1)"
sqlite3 "$DB" "SELECT 'rows: ' || (SELECT count(*) FROM cases) || ' recoveries, ' ||
	(SELECT count(*) FROM events) || ' events, ' || (SELECT count(*) FROM case_steps) ||
	' step rows; in the two periods: ' || (SELECT count(*) FROM cases WHERE identified_at >= $prev_s
	AND identified_at < $to_s) || ' recoveries'"
echo "period: $FROM to $TO, beside the previous period of equal length"

# bring the schema up to date first (a new migration's index builds are not report time)
"$BIN" init --db "$DB" >/dev/null 2>&1
# warm the page cache once, as a server that has been running would have it
cat "$DB" >/dev/null

cat >"$OUT.sql" <<SQL
SELECT area, count(*) FROM cases WHERE identified_at >= $prev_s AND identified_at < $to_s
 GROUP BY area;
SELECT s.step, sum(s.state = 'done' AND s.done_at <= s.due_at), count(*)
 FROM cases c JOIN case_steps s ON s.case_id = c.id
 WHERE c.identified_at >= $prev_s AND c.identified_at < $to_s AND s.state IN ('done', 'pending')
 GROUP BY s.step;
SQL

# runs a shell command; prints "W s wall, C s CPU"
timed() {
	/usr/bin/time -f "%e %U %S" -o "$OUT.t" sh -c "$1"
	awk '{ printf "%.2f s wall, %.2f s CPU", $1, $2 + $3 }' "$OUT.t"
}

report="\"$BIN\" report board --db \"$DB\" --from $FROM --to $TO"
for run in 1 2 3; do
	f=$(timed "sqlite3 \"$DB\" <\"$OUT.sql\" >/dev/null")
	j=$(timed "$report >\"$OUT.json\"")
	h=$(timed "$report --format html --public >\"$OUT.html\"")
	c=$(timed "$report --format csv >\"$OUT.csv\"")
	echo "run $run: floor (sqlite3: recoveries by area, on-time steps by step): $f"
	echo "       report json: $j, $(wc -c <"$OUT.json") bytes"
	echo "       report html --public: $h, $(wc -c <"$OUT.html") bytes"
	echo "       report csv: $c, $(wc -c <"$OUT.csv") bytes"
done
