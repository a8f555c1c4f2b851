#!/bin/sh
# bench/callgrind.sh read|write|event [N]: instructions per request of the server, counted
# by valgrind's callgrind (deterministic, unlike timings on a shared machine), for
# before/after comparisons of code changes. Runs `safeharbor serve` (release build)
# under callgrind on a copy of the 10,000-case read dataset (made by bench/run.sh),
# counts only while N requests are served one after another over one connection,
# and prints Ir/request; the profile is left in build/bench/callgrind/ for
# callgrind_annotate. read: GET /api/v1/cases/{id}; write: POST /api/v1/cases;
# event: POST /api/v1/cases/{id}/events (a note); stability: the same with a stability check
# (one row of stability_events, kept by schema 16's triggers), by the advocate.
# SAFEHARBOR_BIN picks another binary; CALLGRIND_SQL is run on the scratch copy first (with
# the sqlite3 shell), e.g. to measure without a trigger:
#   CALLGRIND_SQL='DROP TRIGGER stability_events_add' bench/callgrind.sh stability
set -eu
cd "$(dirname "$0")/.."
MODE=${1:-read}
N=${2:-300}
BIN=${SAFEHARBOR_BIN:-build/release/safeharbor}
SAFEHARBOR_EXTRA_PACKAGES="${SAFEHARBOR_EXTRA_PACKAGES:-} valgrind curl" scripts/setup.sh
DATA=build/bench/data/read
OUT=build/bench/callgrind
[ -f "$DATA/cases.db" ] || { echo "callgrind.sh: run make bench once to build $DATA" >&2; exit 1; }
rm -rf "$OUT" && mkdir -p "$OUT"
cp "$DATA/cases.db" "$DATA/cases.key" "$OUT/"
chmod 600 "$OUT/cases.key"
if [ -n "${CALLGRIND_SQL:-}" ]; then
	SAFEHARBOR_EXTRA_PACKAGES="${SAFEHARBOR_EXTRA_PACKAGES:-} sqlite3" scripts/setup.sh
	sqlite3 "$OUT/cases.db" "$CALLGRIND_SQL"
fi
READER=le
[ "$MODE" = stability ] && READER=adv
TOKEN=$("$BIN" token create --db "$OUT/cases.db" --username $READER 2>/dev/null)
valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$OUT/callgrind.out" \
	"$BIN" serve --db "$OUT/cases.db" --listen 127.0.0.1:0 >"$OUT/serve.out" 2>"$OUT/serve.log" &
PID=$!
i=0
until grep -q 'listening on' "$OUT/serve.out" 2>/dev/null; do
	i=$((i + 1)); [ $i -lt 600 ] || { echo "callgrind.sh: server did not start" >&2; kill $PID; exit 1; }
	sleep 0.1
done
URL=$(grep -o 'http://[^ ]*' "$OUT/serve.out" | sed 's,/$,,')
# warm up (statement caches, page cache) outside the count
IDS=$(head -n "$N" "$DATA/read-ids.txt")
ID1=$(echo "$IDS" | head -n 1)
curl -s -o /dev/null -H "Authorization: Bearer $TOKEN" "$URL/api/v1/cases/$ID1"
{
	echo "header = \"Authorization: Bearer $TOKEN\""
	echo 'silent'
	if [ "$MODE" = read ]; then
		echo "$IDS" | while read -r id; do echo "url = \"$URL/api/v1/cases/$id\""; echo 'output = /dev/null'; done
	elif [ "$MODE" = event ] || [ "$MODE" = stability ]; then
		at=$(date -u -d '-1 min' +%Y-%m-%dT%H:%M:%SZ)
		body="\\\"type\\\":\\\"note\\\",\\\"section\\\":\\\"core\\\",\\\"text\\\":\\\"Synthetic bench note.\\\""
		[ "$MODE" = stability ] &&
			body="\\\"type\\\":\\\"stability_check\\\",\\\"stable\\\":true,\\\"engaged\\\":true"
		echo "$IDS" | while read -r id; do
			echo "next"
			echo "header = \"Authorization: Bearer $TOKEN\""
			echo 'header = "Content-Type: application/json"'
			echo "data = \"{$body,\\\"at\\\":\\\"$at\\\"}\""
			echo "url = \"$URL/api/v1/cases/$id/events\""
			echo 'output = /dev/null'
			echo 'silent'
		done
	else
		echo 'header = "Content-Type: application/json"'
		at=$(date -u -d '-10 min' +%Y-%m-%dT%H:%M:%SZ)
		k=0
		while [ $k -lt "$N" ]; do
			k=$((k + 1))
			echo "next"
			echo "header = \"Authorization: Bearer $TOKEN\""
			echo 'header = "Content-Type: application/json"'
			echo "header = \"Idempotency-Key: cg-$$-$k\""
			echo "data = \"{\\\"identified_at\\\":\\\"$at\\\",\\\"area\\\":\\\"compton\\\",\\\"youth_status\\\":\\\"none\\\",\\\"youth\\\":{\\\"age_estimate\\\":15}}\""
			echo "url = \"$URL/api/v1/cases\""
			echo 'output = /dev/null'
			echo 'silent'
		done
	fi
} >"$OUT/curl.cfg"
callgrind_control -i on $PID >/dev/null
curl -K "$OUT/curl.cfg"
callgrind_control -i off $PID >/dev/null
kill -TERM $PID
wait $PID || true
served=$(grep -c 'access .* 20[01] ' "$OUT/serve.log" || true)
callgrind_annotate --inclusive=yes "$OUT/callgrind.out" >"$OUT/inclusive.txt" 2>/dev/null
# incl PATTERN: the inclusive Ir of the first function matching PATTERN (0 when absent)
incl() {
	# the digits as they stand: awk would print a count above 2^31 as 2.4e+09
	v=$(grep -m1 "$1" "$OUT/inclusive.txt" | awk '{ gsub(",", "", $1); print $1 }')
	echo "${v:-0}"
}
total=$(incl 'PROGRAM TOTALS')
# the background notification worker (its own thread, and its scans on the writer);
# threads that were running before counting began show up without their callers
bg=$(( $(incl 'notify/worker.c:thread_main \[') + $(incl 'notify/summons.c:scan_write \[') ))
echo "callgrind $MODE: $N requests ($served answered 2xx in all), Ir/request: $(( total / N )) in total," \
	"$(( (total - bg) / N )) without the background notification worker; profile: $OUT/callgrind.out"
