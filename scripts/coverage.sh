#!/bin/sh
# make coverage: runs the unit suites and the API suite on the coverage build (clang's
# source-based coverage), then prints line and branch coverage of src/: in all, per
# directory, and the files of src/core and src/api least covered. The raw report stays
# in DIR/report.txt, the logs of the runs in DIR/unit.log and DIR/api.log.
#   scripts/coverage.sh DIR UNIT_TEST_BINARY...
set -eu
cd "$(dirname "$0")/.."
dir=$1
shift
prof="$(pwd)/$dir/prof"
rm -rf "$prof"
mkdir -p "$prof"
# one file per binary, merged as processes end (%m): the API suite runs hundreds
export LLVM_PROFILE_FILE="$prof/%m.profraw"

echo "coverage: unit suites"
if ! scripts/test-unit.sh "$@" >"$dir/unit.log" 2>&1; then
	tail -n 30 "$dir/unit.log"
	echo "coverage: a unit suite failed (log: $dir/unit.log)" >&2
	exit 1
fi
echo "coverage: API suite"
if ! SAFEHARBOR_BIN="$(pwd)/$dir/safeharbor" scripts/test-api.sh >"$dir/api.log" 2>&1; then
	grep -E -A20 '^not ok|✖' "$dir/api.log" | head -n 60
	echo "coverage: the API suite failed (log: $dir/api.log)" >&2
	exit 1
fi

llvm-profdata merge -sparse "$prof"/*.profraw -o "$dir/coverage.profdata"
objects=""
for t in "$@"; do objects="$objects -object $t"; done
# shellcheck disable=SC2086
llvm-cov report "$dir/safeharbor" $objects -instr-profile="$dir/coverage.profdata" \
	-show-branch-summary src/ >"$dir/report.txt"

# The report's rows: file (without the prefix all share, src/), regions (3), functions
# (3), lines (3), branches (3).
sum='function pct(c, n) { return n ? sprintf("%5.1f%%", 100 * c / n) : "    -" }
function row(d, l, lm, b, bm) {
	printf "%-12s %8d %7s %10d %7s\n", d, l, pct(l - lm, l), b, pct(b - bm, b)
}
$1 ~ /\.[ch]$/ && NF >= 13 {
	f = $1; sub(/^.*src\//, "", f); split(f, p, "/"); d = "src/" p[1]
	lines[d] += $8; lmiss[d] += $9; br[d] += $11; bmiss[d] += $12
	L += $8; LM += $9; B += $11; BM += $12
}'
{
	printf "%-12s %8s %7s %10s %7s\n" "" lines "" branches ""
	awk "$sum"' END { for (d in lines) row(d, lines[d], lmiss[d], br[d], bmiss[d]) }' \
		"$dir/report.txt" | sort
	awk "$sum"' END { row("src (all)", L, LM, B, BM) }' "$dir/report.txt"
} >"$dir/summary.txt"
cat "$dir/summary.txt"
echo "coverage: least covered in src/core and src/api (lines):"
awk '{ f = $1; sub(/^.*src\//, "", f) }
	f ~ /^(core|api)\// && NF >= 13 && $8 > 0 {
	printf "  %-32s %6.1f%% of %d\n", "src/" f, 100 * ($8 - $9) / $8, $8 }' "$dir/report.txt" |
	sort -k2 -n | head -n 12
echo "coverage: per file in $dir/report.txt; lines missed: llvm-cov show $dir/safeharbor -instr-profile=$dir/coverage.profdata FILE"
