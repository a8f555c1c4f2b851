#!/bin/sh
# `make run`: create var/safeharbor.db (with demo data) when absent, then serve.
set -eu
cd "$(dirname "$0")/.."
bin="$1"
db="${SAFEHARBOR_DB:-var/safeharbor.db}"
if [ ! -f "$db" ]; then
	"$bin" init --db "$db"
	if "$bin" help demo >/dev/null 2>&1; then
		"$bin" demo --db "$db"
	fi
fi
exec "$bin" serve --db "$db" --listen "${SAFEHARBOR_LISTEN:-127.0.0.1:8080}"
