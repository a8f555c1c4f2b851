#!/bin/sh
# bench/seed.sh BIN DB: a new database with a small synthetic county (the agencies of
# tests/api/harness.mjs) and one member per agency that owns protocol steps, as
# bench/gen-cases expects. Every name is synthetic.
set -eu
BIN=$1
DB=$2
"$BIN" init --db "$DB" >/dev/null 2>&1
while IFS='|' read -r name kind area; do
	home=$area
	[ "$area" = "*" ] && home=compton
	"$BIN" agency add --db "$DB" --name "$name" --kind "$kind" --area "$area" \
		--home-area "$home" >/dev/null 2>&1
done <<AGENCIES
Sheriff Station A|law_enforcement|compton
City Police B|law_enforcement|long_beach
Child Welfare|child_welfare|*
Probation CTU|probation|*
Advocates United|advocacy|*
Medical Hub|medical|*
Mental Health|mental_health|*
District Attorney|prosecutor|*
Emergency Shelter|shelter|*
Oversight Office|oversight|*
AGENCIES
while IFS='|' read -r user agency; do
	echo "synthetic-pass-123" | "$BIN" user add --db "$DB" --agency "$agency" \
		--username "$user" --role member --display-name "Synthetic $user" >/dev/null 2>&1
done <<USERS
le|Sheriff Station A
le2|City Police B
cw|Child Welfare
prob|Probation CTU
adv|Advocates United
med|Medical Hub
mh|Mental Health
USERS
