#!/bin/sh
# bench/conns.sh BIN [CONNECTIONS...]: the threads, memory and CPU per read of `BIN serve`
# while that many connections read (wrk -t1 -d8s bench/read.lua, default 32 and 256), on a
# copy of make bench's read dataset (run make bench once first). One line each; extra
# serve options in $SERVE_OPTS (e.g. --http-threads 16). bench/RESULTS.md, issue 21 item 4.
set -eu
cd "$(dirname "$0")/.."
BIN=${1:?usage: bench/conns.sh BIN [CONNECTIONS...]}
shift
D=build/bench/data/read
W=build/bench/work/conns
[ -f "$D/cases.db" ] || { echo "bench/conns.sh: no read dataset; run make bench once" >&2; exit 1; }
export BENCH_IDS="$D/read-ids.txt"
st() { sed -n "s/^$2:[[:space:]]*\([0-9]*\).*/\1/p" "/proc/$1/status"; }
for c in ${*:-32 256}; do
	rm -rf "$W" && mkdir -p "$W" && cp "$D/cases.db" "$D/cases.key" "$W/" && chmod 600 "$W/cases.key"
	TOKEN=$("$BIN" token create --db "$W/cases.db" --username le 2>/dev/null)
	# shellcheck disable=SC2086
	"$BIN" serve --db "$W/cases.db" --listen 127.0.0.1:0 --max-conns 1024 \
		--max-conns-per-ip 1024 ${SERVE_OPTS:-} >"$W/out" 2>"$W/log" &
	pid=$!
	until grep -q listening "$W/out" 2>/dev/null; do
		kill -0 "$pid" || { cat "$W/log" >&2; exit 1; }
		sleep 0.1
	done
	url=$(grep -o 'http://[^ ]*' "$W/out" | sed 's,/$,,')
	(sleep 4 && echo "threads=$(st "$pid" Threads) rss_kb=$(st "$pid" VmRSS)" >"$W/sample") &
	sampler=$!
	cpu0=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
	r=$(wrk -t1 -c"$c" -d8s -s bench/read.lua -H "Authorization: Bearer $TOKEN" "$url" | grep '^RESULT')
	cpu1=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
	n=$(echo "$r" | sed -n 's/.*requests=\([0-9]*\).*/\1/p')
	wait "$sampler"
	echo "c=$c $(cat "$W/sample") cpu_ms_per_read=$(echo "$cpu0 $cpu1 $n" |
		awk -v hz="$(getconf CLK_TCK)" '{ printf "%.3f", ($2 - $1) * 1000 / hz / $3 }') $r load=$(cut -d' ' -f1 /proc/loadavg)"
	kill -TERM "$pid"
	wait "$pid" || true
done
