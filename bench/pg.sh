#!/bin/sh
# bench/pg.sh: identifications per second and p99 on PostgreSQL, with one server and with
# two servers on one database, beside SQLite's single server, all in this one run (issue
# 20, item 6). `make bench` runs it after its own table (bench/run.sh); alone:
#
#   BENCH_RUNS=1 BENCH_SECONDS=5 bench/pg.sh
#
# Each configuration gets a fresh county (bench/seed.sh) and the same load: POST
# /api/v1/cases with a new Idempotency-Key per request (bench/write.lua), wrk -t1 at 8 and
# 32 connections in all. Two servers: two wrk processes at once, one per server, each with
# half the connections; their rates are summed and the p99 shown is the worse of the two.
# PostgreSQL is the throwaway cluster of scripts/pg-test-cluster.sh in its own folder
# (build/bench/pg), started here and stopped at the end. Servers, PostgreSQL and wrk share
# this machine's cores. Prints its rows and keeps them in build/bench/pg-results.txt.
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)

RUNS=${BENCH_RUNS:-3}
SECS=${BENCH_SECONDS:-10}
BIN=${BENCH_BIN:-$ROOT/build/release/safeharbor}
OUT=$ROOT/build/bench
WORK=$OUT/pg-work
RES=$WORK/results
export PG_TEST_DIR=$OUT/pg
[ -x "$BIN" ] || { echo "bench: $BIN is missing; run: make build/release/safeharbor" >&2; exit 1; }
command -v wrk >/dev/null || { echo "bench: wrk is missing (scripts/setup.sh installs it with make bench)" >&2; exit 1; }

log() { echo "bench: $*" >&2; }
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null || true; done
	for p in $PIDS; do wait "$p" 2>/dev/null || true; done
	scripts/pg-test-cluster.sh stop >/dev/null 2>&1 || true
}
trap cleanup EXIT INT TERM

field() { tr ' ' '\n' | sed -n "s/^$1=//p" | head -n 1; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
med() { grep '^RESULT' "$1" | while read -r line; do echo "$line" | field "$2"; done | median; }

# serve DB KEY NAME: a server on DB (its key file KEY) on a free port; prints its URL
serve() {
	"$BIN" serve --db "$1" --key-file "$2" --listen 127.0.0.1:0 >"$WORK/$3.out" 2>"$WORK/$3.log" &
	echo $! >"$WORK/$3.pid"
	i=0
	until grep -q 'listening on' "$WORK/$3.out" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 600 ] || ! kill -0 "$(cat "$WORK/$3.pid")" 2>/dev/null; then
			cat "$WORK/$3.log" >&2
			echo "bench: the server $3 did not start" >&2
			exit 1
		fi
		sleep 0.1
	done
	grep -o 'http://[^ ]*' "$WORK/$3.out" | sed 's,/$,,'
}
stop() {
	kill -TERM "$(cat "$WORK/$1.pid")" 2>/dev/null || true
	while kill -0 "$(cat "$WORK/$1.pid")" 2>/dev/null; do sleep 0.1; done
}

# county DB KEY: a fresh seeded county; prints a bearer token of its law-enforcement member
county() {
	SAFEHARBOR_KEY_FILE=$2 bench/seed.sh "$BIN" "$1"
	"$BIN" token create --db "$1" --key-file "$2" --username le
}

# load NAME CONNS SECONDS URL...: wrk on each URL at once, CONNS in all split between them;
# one RESULT line (rates summed, the worse p99) appended to $RES/NAME-CONNS
load() {
	name=$1 c=$2 s=$3
	shift 3
	per=$((c / $#)) i=0
	for u in "$@"; do
		i=$((i + 1))
		BENCH_RUN="$$-$name-$c-$i-$(date +%s%N)" wrk -t1 -c"$per" -d"$s"s -s bench/write.lua \
			-H "Authorization: Bearer $TOKEN" "$u" >"$WORK/wrk-$i.out" 2>&1 &
		echo $! >"$WORK/wrk-$i.pid"
	done
	for j in $(seq "$i"); do wait "$(cat "$WORK/wrk-$j.pid")" || true; done
	cat "$WORK"/wrk-*.out | grep '^RESULT' | awk '
		{ for (k = 2; k <= NF; k++) { split($k, kv, "="); v[kv[1]] = kv[2] }
		  rps += v["rps"]; if (v["p99_ms"] > p99) p99 = v["p99_ms"]
		  err += v["non2xx"] + v["socket_errors"] + v["timeouts"] }
		END { printf "RESULT rps=%.1f p99_ms=%.3f errors=%d\n", rps, p99, err }' >>"$RES/$name-$c"
	rm -f "$WORK"/wrk-*.out "$WORK"/wrk-*.pid
}

rm -rf "$WORK" && mkdir -p "$RES"
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- SQLite, one server (the group-commit writer) ----
log "SQLite: one server, wrk -t1, $RUNS x ${SECS}s at 8 and 32 connections"
TOKEN=$(county "$WORK/sqlite.db" "$WORK/sqlite.key")
U=$(serve "$WORK/sqlite.db" "$WORK/sqlite.key" sqlite)
load warm 32 3 "$U" && rm -f "$RES"/warm-*
for r in $(seq "$RUNS"); do for c in 8 32; do load sqlite "$c" "$SECS" "$U"; done; done
stop sqlite

# ---- PostgreSQL, one server, then two servers on one database ----
scripts/pg-test-cluster.sh start
CLUSTER=$(scripts/pg-test-cluster.sh url)
PGVERSION=$(psql "$CLUSTER" -tAc 'SHOW server_version' | cut -d' ' -f1)
# bench/pg.sh NAME: a fresh database on the cluster; prints its address
database() {
	psql "$CLUSTER" -qc "DROP DATABASE IF EXISTS bench_$1 WITH (FORCE)" -c "CREATE DATABASE bench_$1" >/dev/null
	echo "$CLUSTER" | sed "s,^postgresql:///[^?]*,postgresql:///bench_$1,"
}

log "PostgreSQL $PGVERSION: one server"
DB1=$(database one)
TOKEN=$(county "$DB1" "$WORK/one.key")
U=$(serve "$DB1" "$WORK/one.key" pg1)
load warm 32 3 "$U" && rm -f "$RES"/warm-*
for r in $(seq "$RUNS"); do for c in 8 32; do load pg1 "$c" "$SECS" "$U"; done; done
stop pg1

log "PostgreSQL $PGVERSION: two servers on one database"
DB2=$(database two)
TOKEN=$(county "$DB2" "$WORK/two.key")
UA=$(serve "$DB2" "$WORK/two.key" pg2a)
UB=$(serve "$DB2" "$WORK/two.key" pg2b)
load warm 32 3 "$UA" "$UB" && rm -f "$RES"/warm-*
for r in $(seq "$RUNS"); do for c in 8 32; do load pg2 "$c" "$SECS" "$UA" "$UB"; done; done
stop pg2a
stop pg2b
CASES2=$(psql "$DB2" -tAc 'SELECT count(*) FROM cases')
DUPS=$(psql "$DB2" -tAc 'SELECT count(*) - count(DISTINCT case_id) FROM idempotency')
VERIFY=$("$BIN" audit verify --db "$DB2" --key-file "$WORK/two.key" 2>&1 | tail -n 1)
psql "$CLUSTER" -qc 'DROP DATABASE bench_one WITH (FORCE)' -c 'DROP DATABASE bench_two WITH (FORCE)' >/dev/null

ERRS=$(cat "$RES"/* | while read -r l; do echo "$l" | field errors; done | awk '{ s += $1 } END { print s + 0 }')
{
	printf '6. identifications (POST /api/v1/cases), SQLite and PostgreSQL %s  %s  nproc=%s  runs=%s x %ss, medians\n' \
		"$PGVERSION" "$(date -u +%Y-%m-%dT%H:%MZ)" "$(nproc)" "$RUNS" "$SECS"
	printf '   load average before: %s, after: %s; servers, PostgreSQL and wrk share the machine\n' \
		"$LOAD0" "$(cut -d' ' -f1-3 /proc/loadavg)"
	printf '%-36s %-14s %-14s %-14s %-14s\n' "" "c=8 cases/s" "c=8 p99 ms" "c=32 cases/s" "c=32 p99 ms"
	for n in sqlite pg1 pg2; do
		case $n in
		sqlite) label="   SQLite, one server" ;;
		pg1) label="   PostgreSQL, one server" ;;
		pg2) label="   PostgreSQL, two servers (summed)" ;;
		esac
		printf '%-36s %-14s %-14s %-14s %-14s\n' "$label" "$(med "$RES/$n-8" rps)" "$(med "$RES/$n-8" p99_ms)" \
			"$(med "$RES/$n-32" rps)" "$(med "$RES/$n-32" p99_ms)"
	done
	printf '   two servers: %s cases, %s keys naming an already-named case; audit verify: %s\n' "$CASES2" "$DUPS" "$VERIFY"
	printf '   errors (non-2xx, socket errors, timeouts) over all these wrk runs: %s\n' "$ERRS"
} | tee "$OUT/pg-results.txt"
