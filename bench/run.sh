#!/bin/sh
# make bench: one run, one table. Each of our figures is printed beside its baseline,
# measured in the same run with the same settings; every figure is the median of
# BENCH_RUNS runs. See bench/README.md for what is measured and how.
#
#   BENCH_RUNS=3 BENCH_SECONDS=10 bench/run.sh
#
# Settings (environment): BENCH_RUNS (3), BENCH_SECONDS per wrk run (10),
# BENCH_READ_CASES (10000), BENCH_SCAN_CASES (100000), BENCH_THREADS for the data
# generator (16), BENCH_BIN another safeharbor binary (to compare two), BENCH_PG=0 to
# leave out the PostgreSQL rows (bench/pg.sh, runnable alone), BENCH_REPORT=0
# to leave out the state-sized report (its database takes about 20 minutes to make,
# once). Datasets are generated once and kept in build/bench/data/ (they are
# regenerated when the generator, the seed script or the protocol change; delete the
# directory to force it). The table goes to stdout and build/bench/results.txt.
# Beside safeharbor run nginx (the same bodies as static files) and the Node peer
# (bench/node-peer: a conventional Fastify + better-sqlite3 server of the same two
# endpoints, its npm packages installed once into build/bench/node-peer).
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)

RUNS=${BENCH_RUNS:-3}
SECS=${BENCH_SECONDS:-10}
READ_CASES=${BENCH_READ_CASES:-10000}
SCAN_CASES=${BENCH_SCAN_CASES:-100000}
GEN_THREADS=${BENCH_THREADS:-16}

# the Node peer's better-sqlite3 builds its native module with node-gyp (g++, make, python3)
# when its prebuilt binary cannot be fetched
command -v npm >/dev/null 2>&1 || SAFEHARBOR_EXTRA_PACKAGES="${SAFEHARBOR_EXTRA_PACKAGES:-} npm"
SAFEHARBOR_EXTRA_PACKAGES="${SAFEHARBOR_EXTRA_PACKAGES:-} wrk nginx-light curl g++ make python3" scripts/setup.sh

BIN=${BENCH_BIN:-$ROOT/build/release/safeharbor}
GEN=$ROOT/build/release/bench/gen-cases
FLOOR=$ROOT/build/release/bench/commit-floor
OUT=$ROOT/build/bench
DATA=$OUT/data
WORK=$OUT/work
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
NP=$OUT/node-peer
for f in "$BIN" "$GEN" "$FLOOR"; do
	[ -x "$f" ] || { echo "bench: $f is missing; run: make bench" >&2; exit 1; }
done

PIDS=""
cleanup() {
	for p in $PIDS; do
		kill "$p" 2>/dev/null || true
	done
	for p in $PIDS; do
		wait "$p" 2>/dev/null || true
	done
}
trap cleanup EXIT INT TERM

log() { echo "bench: $*" >&2; }

# ---- the Node peer (bench/node-peer): its npm packages, installed once from its lock ----
mkdir -p "$NP"
cp -p bench/node-peer/package.json bench/node-peer/package-lock.json bench/node-peer/server.mjs "$NP/"
if [ ! -f "$NP/node_modules/.package-lock.json" ] || [ "$NP/package-lock.json" -nt "$NP/node_modules/.package-lock.json" ]; then
	log "node peer: npm ci in $NP (once; better-sqlite3 compiles SQLite when no prebuilt binary can be fetched)"
	# node-gyp takes Node's headers from the installed package instead of downloading them
	[ -f /usr/include/node/node_api.h ] && export npm_config_nodedir=/usr
	(cd "$NP" && npm ci --no-audit --no-fund) >"$NP/npm.log" 2>&1 ||
		{ tail -n 40 "$NP/npm.log" >&2; echo "bench: npm ci for the Node peer failed (log: $NP/npm.log)" >&2; exit 1; }
fi

# ---- datasets ---------------------------------------------------------------------
# dataset NAME CASES SPAN_DAYS DONE_PCT DUMP: a seeded database with CASES synthetic
# recoveries made through the API handlers (bench/gen-cases.c), kept between runs.
dataset() {
	name=$1 cases=$2 span=$3 done=$4 dump=$5
	dir=$DATA/$name
	stamp=$(cat bench/gen-cases.c bench/seed.sh \
		protocols/la-county-frp.protocol | sha256sum | cut -c1-16)-$cases-$span-$done-$dump
	if [ -f "$dir/stamp" ] && [ "$(cat "$dir/stamp")" = "$stamp" ]; then
		return 0
	fi
	log "generating the $name dataset ($cases cases; once, kept in $dir)"
	rm -rf "$dir" && mkdir -p "$dir"
	bench/seed.sh "$BIN" "$dir/cases.db"
	if [ "$dump" = dump ]; then
		mkdir -p "$dir/www/api/v1"
		set -- --dump-dir "$dir/www/api/v1/cases" --reader le
	else
		set --
	fi
	t0=$(date +%s)
	"$GEN" --db "$dir/cases.db" --cases "$cases" --threads "$GEN_THREADS" --span-days "$span" \
		--done-pct "$done" --ids "$dir/ids.txt" "$@" 2>"$dir/gen.log" ||
		{ cat "$dir/gen.log" >&2; exit 1; }
	echo $(( $(date +%s) - t0 )) >"$dir/gen-seconds"
	if [ "$dump" = dump ]; then
		# the cases the reader's agency takes part in: the ones both servers answer
		ls "$dir/www/api/v1/cases" >"$dir/read-ids.txt"
	fi
	echo "$stamp" >"$dir/stamp"
}

# ---- helpers ----------------------------------------------------------------------
# field KEY < "RESULT k=v ...": the value of one key
field() { tr ' ' '\n' | sed -n "s/^$1=//p" | head -n 1; }
# median of numbers, one a line
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# med FILE KEY: the median of KEY over the RESULT lines in FILE
med() { grep '^RESULT' "$1" | while read -r line; do echo "$line" | field "$2"; done | median; }
kb() { sed -n "s/^$2:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$1/status"; }

# started PID OUT LOG WHAT: waits (60 s at most) until the server PID has written
# "listening on URL" to OUT, and prints URL; on failure shows LOG and exits
started() {
	i=0
	until grep -q 'listening on' "$2" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 600 ] || ! kill -0 "$1" 2>/dev/null; then
			cat "$3" >&2
			echo "bench: $4 did not start" >&2
			exit 1
		fi
		sleep 0.1
	done
	grep -o 'http://[^ ]*' "$2" | sed 's,/$,,'
}

# serve DIR: starts safeharbor on DIR/cases.db on a free port; sets SPID and URL
serve() {
	"$BIN" serve --db "$1/cases.db" --listen 127.0.0.1:0 >"$1/serve.out" 2>"$1/serve.log" &
	SPID=$!
	PIDS="$PIDS $SPID"
	URL=$(started "$SPID" "$1/serve.out" "$1/serve.log" "the server") || exit 1
}

# serve_node DIR: starts the Node peer on DIR/peer.db, its cases loaded from the read
# dataset's bodies; accepts TOKEN; sets NPID and NPURL
serve_node() {
	rm -f "$1"/peer.db*
	node "$NP/server.mjs" --db "$1/peer.db" --token "$TOKEN" --seed "$DATA/read/www/api/v1/cases" \
		--listen 127.0.0.1:0 >"$1/peer.out" 2>"$1/peer.log" &
	NPID=$!
	PIDS="$PIDS $NPID"
	NPURL=$(started "$NPID" "$1/peer.out" "$1/peer.log" "the Node peer") || exit 1
}

# stop PID: SIGTERM and wait (the server drains, checkpoints and exits 0)
stop() {
	kill -TERM "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

# copy NAME: a scratch copy of a dataset to run a server on
copy() {
	rm -rf "$WORK/$1" && mkdir -p "$WORK/$1"
	cp "$DATA/$1/cases.db" "$DATA/$1/cases.key" "$WORK/$1/"
	chmod 600 "$WORK/$1/cases.key"
}

# token DIR USER: a bearer token for USER (made before the server starts)
token() { "$BIN" token create --db "$1/cases.db" --username "$2" 2>/dev/null; }

# ---- start ------------------------------------------------------------------------
mkdir -p "$DATA" "$WORK"
dataset read "$READ_CASES" 45 70 dump
dataset scan "$SCAN_CASES" 60 50 nodump
NREAD=$(wc -l <"$DATA/read/read-ids.txt")
export BENCH_IDS="$DATA/read/read-ids.txt"
RES=$WORK/results
rm -rf "$RES" && mkdir -p "$RES"

# nginx: one worker, access log off, serving the same bodies at the same paths
NG=$WORK/nginx
rm -rf "$NG" && mkdir -p "$NG/tmp"
NGPORT=""
for p in 18431 18432 18433 18434 18435 18436 18437 18438 18439 18440; do
	ss -ltn 2>/dev/null | grep -q "127.0.0.1:$p " && continue
	cat >"$NG/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $NG/nginx.pid;
error_log $NG/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  default_type application/json;
  sendfile on;
  tcp_nopush on;
  keepalive_timeout 65;
  keepalive_requests 100000000;
  client_body_temp_path $NG/tmp;
  proxy_temp_path $NG/tmp;
  fastcgi_temp_path $NG/tmp;
  uwsgi_temp_path $NG/tmp;
  scgi_temp_path $NG/tmp;
  server {
    listen 127.0.0.1:$p;
    root $DATA/read/www;
  }
}
EOF
	"$NGINX" -c "$NG/nginx.conf" -p "$NG/" >"$NG/out" 2>&1 &
	NGPID=$!
	sleep 0.5
	if kill -0 "$NGPID" 2>/dev/null; then
		PIDS="$PIDS $NGPID"
		NGPORT=$p
		break
	fi
done
[ -n "$NGPORT" ] || { cat "$NG/error.log" >&2; echo "bench: nginx did not start" >&2; exit 1; }
NGURL=http://127.0.0.1:$NGPORT

# ---- 1. reads, 4. memory ------------------------------------------------------------
copy read
TOKEN=$(token "$WORK/read" le)
serve "$WORK/read"
serve_node "$WORK/read"
sleep 1
MEM_IDLE_RSS=$(kb "$SPID" VmRSS)
MEM_IDLE_HWM=$(kb "$SPID" VmHWM)
log "reads: GET /api/v1/cases/{id} over $NREAD cases, wrk -t1, $RUNS x ${SECS}s"
wrkr() { # wrkr URL CONNS SECONDS
	wrk -t1 -c"$2" -d"$3"s -s bench/read.lua -H "Authorization: Bearer $TOKEN" "$1" | grep '^RESULT' || true
}
wrkr "$URL" 8 2 >/dev/null
wrkr "$NGURL" 8 2 >/dev/null
wrkr "$NPURL" 8 2 >/dev/null
CPU0=$(awk '{ print $14 + $15 }' "/proc/$SPID/stat")
for r in $(seq "$RUNS"); do
	for c in 8 32; do
		export BENCH_SEED=$r$c
		# the server's threads and memory halfway through the first run at 32 connections
		[ "$r$c" = 132 ] && (sleep $((SECS / 2)) && {
			sed -n 's/^Threads:[[:space:]]*//p' "/proc/$SPID/status"
			kb "$SPID" VmRSS
		} >"$RES/under-32") &
		wrkr "$URL" "$c" "$SECS" >>"$RES/read-ours-$c"
		wrkr "$NGURL" "$c" "$SECS" >>"$RES/read-nginx-$c"
		wrkr "$NPURL" "$c" "$SECS" >>"$RES/read-node-$c"
	done
done
CPU1=$(awk '{ print $14 + $15 }' "/proc/$SPID/stat")
READ_REQS=$(cat "$RES"/read-ours-* | while read -r l; do echo "$l" | field requests; done | awk '{ s += $1 } END { print s }')
MEM_READ_RSS=$(kb "$SPID" VmRSS)
MEM_READ_HWM=$(kb "$SPID" VmHWM)
NODE_READ_RSS=$(kb "$NPID" VmRSS)

# ---- 2. writes ----------------------------------------------------------------------
log "writes: POST /api/v1/cases, wrk -t1, $RUNS x ${SECS}s; floor: bench/commit-floor"
# warm-up, not counted: the first seconds of writes on a fresh copy grow the WAL file
# (block allocation on every frame), which the runs after it reuse
for u in "$URL" "$NPURL"; do
	BENCH_RUN="$$-warm" wrk -t1 -c32 -d5s -s bench/write.lua -H "Authorization: Bearer $TOKEN" "$u" >/dev/null || true
done
"$FLOOR" --db "$WORK/floor.db" --seconds 2 >/dev/null
for r in $(seq "$RUNS"); do
	for c in 8 32; do
		BENCH_RUN="$$-$r-$c" wrk -t1 -c"$c" -d"$SECS"s -s bench/write.lua \
			-H "Authorization: Bearer $TOKEN" "$URL" | grep '^RESULT' >>"$RES/write-ours-$c" || true
		BENCH_RUN="$$-$r-$c" wrk -t1 -c"$c" -d"$SECS"s -s bench/write.lua \
			-H "Authorization: Bearer $TOKEN" "$NPURL" | grep '^RESULT' >>"$RES/write-node-$c" || true
	done
	"$FLOOR" --db "$WORK/floor.db" --seconds "$SECS" | sed 's/^/RESULT /' >>"$RES/write-floor"
done
MEM_WRITE_RSS=$(kb "$SPID" VmRSS)
MEM_WRITE_HWM=$(kb "$SPID" VmHWM)
THREADS=$(sed -n 's/^Threads:[[:space:]]*//p' "/proc/$SPID/status")
NODE_WRITE_RSS=$(kb "$NPID" VmRSS)
stop "$SPID"
stop "$NPID"
rm -f "$WORK"/floor.db*

# ---- 3. report ------------------------------------------------------------------------
# The Board report engineer's bench/report.sh over their state-sized database (made once
# by `make bench-data`, bench/gen-state.c): each of its runs times the report (JSON)
# beside plain SQL aggregates over the same rows.
STATE_DB=${BENCH_STATE_DB:-build/bench/state.db}
REPORT_OURS="" REPORT_BASE="" REPORT_NOTE="not measured yet: bench/report.sh does not exist yet"
if [ "${BENCH_REPORT:-1}" = 0 ]; then
	REPORT_NOTE="not measured in this run (BENCH_REPORT=0)"
elif [ -x bench/report.sh ]; then
	if [ ! -f "$STATE_DB" ]; then
		log "report: making the state-sized database once (make bench-data, bench/gen-state)"
		make --no-print-directory bench-data >"$RES/bench-data.log" 2>&1 ||
			REPORT_NOTE="not measured: make bench-data failed (see $RES/bench-data.log)"
	fi
	if [ -f "$STATE_DB" ]; then
		log "report: bench/report.sh $STATE_DB (the Board report engineer's script)"
		if bench/report.sh "$STATE_DB" >"$RES/report.txt" 2>"$RES/report.err"; then
			# "run N: floor (...): 3.83 s wall, 3.76 s CPU" and "  report json: 32.51 s wall,
			# 27.25 s CPU, ...": CPU time, the figure their section compares (steadier
			# than wall time on a shared machine)
			sed -n 's/^run [0-9]*: floor.*: [0-9.]* s wall, \([0-9.]*\) s CPU.*/\1/p' "$RES/report.txt" |
				awk '{ printf "RESULT ms=%.1f\n", $1 * 1000 }' >"$RES/report-floor"
			sed -n 's/^ *report json: [0-9.]* s wall, \([0-9.]*\) s CPU.*/\1/p' "$RES/report.txt" |
				awk '{ printf "RESULT ms=%.1f\n", $1 * 1000 }' >"$RES/report-ours"
			REPORT_OURS=$(med "$RES/report-ours" ms)
			REPORT_BASE=$(med "$RES/report-floor" ms)
			REPORT_NOTE="$(sed -n 's/^rows: //p' "$RES/report.txt" | head -n 1)"
			[ "$REPORT_OURS" != nan ] || { REPORT_OURS=""; REPORT_NOTE="bench/report.sh ran; see $RES/report.txt"; }
		else
			REPORT_NOTE="not measured: bench/report.sh failed (see $RES/report.err)"
		fi
	fi
fi

# ---- 5. overdue scan ------------------------------------------------------------------
log "overdue scan: GET /api/v1/cases?open=1&overdue=1 per agency over $SCAN_CASES open cases"
copy scan
SCAN_USERS="le le2 cw prob adv med mh"
for u in $SCAN_USERS; do
	echo "$u $(token "$WORK/scan" "$u")" >>"$WORK/scan/tokens"
done
serve "$WORK/scan"
NOW=$(date +%s)
# first page: what each agency's staff see ("what we owe now"), all agencies in turn
scan_first() {
	total=0
	while read -r u t; do
		ms=$(curl -s -o "$WORK/scan/page-$u.json" -w '%{time_total}' -H "Authorization: Bearer $t" \
			"$URL/api/v1/cases?open=1&overdue=1" | awk '{ printf "%.3f", $1 * 1000 }')
		total=$(echo "$total $ms" | awk '{ printf "%.3f", $1 + $2 }')
	done <"$WORK/scan/tokens"
	echo "$total"
}
# every page of every agency: the whole of what each agency owes
scan_all() {
	total=0 rows=0
	while read -r u t; do
		cursor=""
		while :; do
			q="open=1&overdue=1&limit=200${cursor:+&cursor=$cursor}"
			ms=$(curl -s -o "$WORK/scan/page.json" -w '%{time_total}' -H "Authorization: Bearer $t" \
				"$URL/api/v1/cases?$q" | awk '{ printf "%.3f", $1 * 1000 }')
			total=$(echo "$total $ms" | awk '{ printf "%.3f", $1 + $2 }')
			n=$(grep -o '"id":"SH-' "$WORK/scan/page.json" | wc -l)
			rows=$((rows + n))
			cursor=$(sed -n 's/.*"next":"\([^"]*\)".*/\1/p' "$WORK/scan/page.json")
			[ -n "$cursor" ] || break
		done
	done <"$WORK/scan/tokens"
	echo "$total $rows"
}
# the baseline: a plain SQL count of overdue steps per owning agency kind
scan_sql() {
	printf '.timer on\nSELECT owner, count(*) FROM case_steps WHERE state = %s AND due_at > 0 AND due_at < %s GROUP BY owner;\n' \
		"'pending'" "$NOW" | sqlite3 -readonly "$WORK/scan/cases.db" 2>&1 |
		sed -n 's/^Run Time: real \([0-9.]*\).*/\1/p' | awk '{ printf "%.3f", $1 * 1000 }'
}
scan_first >/dev/null
scan_sql >/dev/null
for r in $(seq "$RUNS"); do
	echo "RESULT ms=$(scan_first)" >>"$RES/scan-first"
	echo "RESULT ms=$(scan_sql)" >>"$RES/scan-sql"
done
OPEN=$(sqlite3 -readonly "$WORK/scan/cases.db" "SELECT count(*) FROM cases WHERE closed_at = 0")
OVERDUE=$(sqlite3 -readonly "$WORK/scan/cases.db" "SELECT count(*) FROM case_steps WHERE state = 'pending' AND due_at > 0 AND due_at < $NOW")
if [ "${BENCH_SCAN_ALL:-0}" = 1 ]; then
	set -- $(scan_all)
	echo "RESULT ms=$1 rows=$2" >>"$RES/scan-all"
fi
stop "$SPID"

# ---- the table ------------------------------------------------------------------------
R8=$(med "$RES/read-ours-8" rps) N8=$(med "$RES/read-nginx-8" rps)
R32=$(med "$RES/read-ours-32" rps) N32=$(med "$RES/read-nginx-32" rps)
R8p50=$(med "$RES/read-ours-8" p50_ms) R8p99=$(med "$RES/read-ours-8" p99_ms)
N8p50=$(med "$RES/read-nginx-8" p50_ms) N8p99=$(med "$RES/read-nginx-8" p99_ms)
R32p50=$(med "$RES/read-ours-32" p50_ms) R32p99=$(med "$RES/read-ours-32" p99_ms)
N32p50=$(med "$RES/read-nginx-32" p50_ms) N32p99=$(med "$RES/read-nginx-32" p99_ms)
P8=$(med "$RES/read-node-8" rps) P8p50=$(med "$RES/read-node-8" p50_ms) P8p99=$(med "$RES/read-node-8" p99_ms)
P32=$(med "$RES/read-node-32" rps) P32p50=$(med "$RES/read-node-32" p50_ms) P32p99=$(med "$RES/read-node-32" p99_ms)
PW8=$(med "$RES/write-node-8" rps) PW8p50=$(med "$RES/write-node-8" p50_ms) PW8p99=$(med "$RES/write-node-8" p99_ms)
PW32=$(med "$RES/write-node-32" rps) PW32p50=$(med "$RES/write-node-32" p50_ms) PW32p99=$(med "$RES/write-node-32" p99_ms)
W8=$(med "$RES/write-ours-8" rps) W8p99=$(med "$RES/write-ours-8" p99_ms) W8p50=$(med "$RES/write-ours-8" p50_ms)
W32=$(med "$RES/write-ours-32" rps) W32p99=$(med "$RES/write-ours-32" p99_ms) W32p50=$(med "$RES/write-ours-32" p50_ms)
F=$(med "$RES/write-floor" rps) Fp50=$(med "$RES/write-floor" p50_ms) Fp99=$(med "$RES/write-floor" p99_ms)
SF=$(med "$RES/scan-first" ms) SQ=$(med "$RES/scan-sql" ms)
ERRS=$(cat "$RES"/read-* "$RES"/write-ours-* "$RES"/write-node-* | while read -r l; do
	echo "$(echo "$l" | field non2xx) $(echo "$l" | field socket_errors) $(echo "$l" | field timeouts)"
done | awk '{ s += $1 + $2 + $3 } END { print s + 0 }')
CPU_MS=$(echo "$CPU0 $CPU1 $READ_REQS $(getconf CLK_TCK)" | awk '{ if ($3) printf "%.3f", ($2 - $1) * 1000 / $4 / $3; else print "nan" }')

ratio() { echo "$1 $2" | awk '{ if ($2 + 0 == 0) print "-"; else printf "%.2f", $1 / $2 }'; }
yes_no() { echo "$1" | awk '{ print ($1 ? "yes" : "NO") }'; }
mb() { echo "$1" | awk '{ printf "%.1f MB", $1 / 1024 }'; }
{
	printf 'make bench  %s  nproc=%s  memory=%s  runs=%s x %ss, medians; wrk -t1; server and wrk share the machine\n' \
		"$(date -u +%Y-%m-%dT%H:%MZ)" "$(nproc)" \
		"$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)" "$RUNS" "$SECS"
	printf 'safeharbor %s, %s; load average before the table: %s\n' "$(cat VERSION 2>/dev/null)" \
		"$(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet 2>/dev/null || echo +dirty)" \
		"$(cut -d' ' -f1-3 /proc/loadavg)"
	printf '%-36s %-22s %-28s %-7s %-18s %s\n' measure ours baseline ratio target met
	row() { printf '%-36s %-22s %-28s %-7s %-18s %s\n' "$@"; }
	ge() { yes_no "$(echo "$1 $2 $3" | awk '{ print ($1 >= $2 * $3) }')"; } # ge A K B: A >= K x B
	for c in 8 32; do
		if [ $c = 8 ]; then
			r=$R8 r50=$R8p50 r99=$R8p99 p=$P8 p50=$P8p50 p99=$P8p99 n=$N8 n50=$N8p50 n99=$N8p99
		else
			r=$R32 r50=$R32p50 r99=$R32p99 p=$P32 p50=$P32p50 p99=$P32p99 n=$N32 n50=$N32p50 n99=$N32p99
		fi
		[ $c = 8 ] && label="1. reads c=8: rps" || label="   reads c=32: rps"
		row "$label" "$r" "Node peer $p" "$(ratio "$r" "$p")" ">= 2 x Node peer" "$(ge "$r" 2 "$p")"
		row "" "" "nginx $n" "$(ratio "$r" "$n")" "" ""
		row "   reads c=$c: p50 / p99 ms" "$r50 / $r99" "Node peer $p50 / $p99" "$(ratio "$r99" "$p99")" "" ""
		row "" "" "nginx $n50 / $n99" "$(ratio "$r99" "$n99")" "p99 <= 2 x nginx" "$(ge "$(echo "$n99" | awk '{ print 2 * $1 }')" 1 "$r99")"
	done
	row "   server CPU per read (user+sys)" "$CPU_MS ms" "" "" "" ""
	for c in 8 32; do
		if [ $c = 8 ]; then
			w=$W8 w50=$W8p50 w99=$W8p99 p=$PW8 p50=$PW8p50 p99=$PW8p99
		else
			w=$W32 w50=$W32p50 w99=$W32p99 p=$PW32 p50=$PW32p50 p99=$PW32p99
		fi
		[ $c = 8 ] && label="2. writes c=8: cases/s" || label="   writes c=32: cases/s"
		row "$label" "$w" "Node peer $p" "$(ratio "$w" "$p")" ">= 1 x Node peer" "$(ge "$w" 1 "$p")"
		row "" "" "floor $F" "$(ratio "$w" "$F")" "" ""
		row "   writes c=$c: p50 / p99 ms" "$w50 / $w99" "Node peer $p50 / $p99" "$(ratio "$w99" "$p99")" "p99 <= Node peer" "$(ge "$p99" 1 "$w99")"
		row "" "" "floor $Fp50 / $Fp99" "" "" ""
	done
	if [ -n "$REPORT_OURS" ] && [ -n "$REPORT_BASE" ]; then
		printf '%-36s %-22s %-28s %-7s %-18s %s\n' "3. report (state-sized), CPU ms" "$REPORT_OURS" "plain SQL $REPORT_BASE" \
			"$(ratio "$REPORT_OURS" "$REPORT_BASE")" "<= 2 x plain SQL" \
			"$(yes_no "$(echo "$REPORT_OURS $REPORT_BASE" | awk '{ print ($1 <= 2 * $2) }')")"
		printf '%-36s %s\n' "   (bench/report.sh)" "$REPORT_NOTE"
	else
		printf '%-36s %s\n' "3. report" "$REPORT_NOTE"
	fi
	printf '%-36s %-22s %-28s %-7s %-18s %s\n' "4. memory idle: VmRSS (VmHWM)" "$(mb "$MEM_IDLE_RSS") ($(mb "$MEM_IDLE_HWM"))" "" "" "<= 20 MB" \
		"$(yes_no "$(echo "$MEM_IDLE_RSS" | awk '{ print ($1 <= 20 * 1024) }')")"
	printf '%-36s %-22s %-28s %-7s %-18s %s\n' "   after reads: VmRSS (VmHWM)" "$(mb "$MEM_READ_RSS") ($(mb "$MEM_READ_HWM"))" "Node peer $(mb "$NODE_READ_RSS")" "" "<= 40 MB" \
		"$(yes_no "$(echo "$MEM_READ_RSS" | awk '{ print ($1 <= 40 * 1024) }')")"
	printf '%-36s %-22s %-28s %-7s %-18s %s\n' "   after writes: VmRSS (VmHWM)" "$(mb "$MEM_WRITE_RSS") ($(mb "$MEM_WRITE_HWM"))" "Node peer $(mb "$NODE_WRITE_RSS")" "" "<= 40 MB" \
		"$(yes_no "$(echo "$MEM_WRITE_RSS" | awk '{ print ($1 <= 40 * 1024) }')")"
	printf '%-36s %-22s %-28s %-7s %-18s %s\n' "5. overdue now, first page x 7 ms" "$SF" "plain SQL count $SQ" "$(ratio "$SF" "$SQ")" "(none)" ""
	if [ -f "$RES/scan-all" ]; then
		printf '%-36s %-22s %-28s %-7s %-18s %s\n' "   every page x 7 agencies, ms" "$(med "$RES/scan-all" ms)" "plain SQL count $SQ" \
			"$(ratio "$(med "$RES/scan-all" ms)" "$SQ")" "(none)" "$(med "$RES/scan-all" rows) rows, 1 run"
	fi
	printf 'datasets: reads %s cases (%s visible to the reader), generated in %ss; scan %s open cases, %s overdue steps, generated in %ss\n' \
		"$READ_CASES" "$NREAD" "$(cat "$DATA/read/gen-seconds")" "$OPEN" "$OVERDUE" "$(cat "$DATA/scan/gen-seconds")"
	printf 'errors (non-2xx, socket errors, timeouts) over all wrk runs: %s; server threads at the end of the loads: %s\n' "$ERRS" "$THREADS"
	printf 'under 32 reading connections: %s server threads, VmRSS %s\n' \
		"$(sed -n 1p "$RES/under-32" 2>/dev/null)" "$(mb "$(sed -n 2p "$RES/under-32" 2>/dev/null)")"
} | tee "$OUT/results.txt"

# ---- 6. identifications on PostgreSQL: one server, two servers, beside SQLite (bench/pg.sh) ----
if [ "${BENCH_PG:-1}" = 1 ]; then
	bench/pg.sh | tee -a "$OUT/results.txt"
fi
