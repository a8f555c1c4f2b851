#!/bin/sh
# A throwaway PostgreSQL cluster for the tests (make test-pg), from Debian's postgresql package.
#   scripts/pg-test-cluster.sh start   initdb into build/pg-test/ (once) and start it
#   scripts/pg-test-cluster.sh url     the libpq URI of its test database
#   scripts/pg-test-cluster.sh stop    stop it (nothing left running); the folder stays
#                                      (but for one under /tmp, below)
#   scripts/pg-test-cluster.sh remove  stop it and delete the folder
# No TCP listener: the Unix socket in the cluster folder only, trust authentication on it
# (only users of this machine who can reach the folder can connect). fsync stays on: the
# tests check durability. Run as root, the server runs as the unprivileged user `postgres`
# (made by Debian's package), which then owns the folder; when `postgres` cannot reach
# build/pg-test (a clone in a home folder only root may enter, as CI's), the cluster lives
# in a folder made by mktemp under /tmp instead, named in build/pg-test/cluster and
# removed at stop. Every command is idempotent. PG_TEST_DIR overrides build/pg-test.
set -eu

cd "$(dirname "$0")/.."
DIR="${PG_TEST_DIR:-build/pg-test}"
case "$DIR" in /*) ;; *) DIR="$PWD/$DIR" ;; esac
DB=safeharbor_test

# the cluster's folder (data, socket, server log): DIR, or the one under /tmp named in it
cluster() {
	if [ -s "$DIR/cluster" ]; then
		cat "$DIR/cluster"
	else
		echo "$DIR"
	fi
}

bindir() {
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		[ -x "$d/initdb" ] && {
			echo "$d"
			return
		}
	done
	echo "pg-test-cluster: no PostgreSQL server found; install it: scripts/setup.sh test" >&2
	exit 1
}

# as the unprivileged user when root; else as ourselves
as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		# from / : postgres may not enter the working folder
		(cd / && runuser -u postgres -- "$@")
	else
		"$@"
	fi
}

# the port: only names the socket file (.s.PGSQL.PORT); kept in the folder once chosen
port() {
	if [ ! -s "$DIR/port" ]; then
		echo $((20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 20000)) >"$DIR/port"
	fi
	cat "$DIR/port"
}

url() {
	echo "postgresql:///$DB?host=$(cluster)&port=$(port)&user=postgres"
}

running() {
	DATA="$(cluster)/data"
	[ -d "$DATA" ] && as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

start() {
	mkdir -p "$DIR"
	if [ "$(id -u)" -eq 0 ]; then
		getent passwd postgres >/dev/null || {
			echo "pg-test-cluster: run as root, but there is no postgres user to run the server" >&2
			exit 1
		}
		chown postgres: "$DIR"
		if ! as_owner test -w "$(cluster)"; then
			# postgres cannot reach it (a parent folder it may not enter; namei -l shows)
			rm -f "$DIR/cluster"
			mktemp -d /tmp/safeharbor-pg-test.XXXXXX >"$DIR/cluster"
			chown postgres: "$(cluster)"
		fi
	fi
	port >/dev/null
	CL=$(cluster)
	DATA="$CL/data"
	if [ ! -f "$DATA/PG_VERSION" ]; then
		rm -rf "$DATA"
		as_owner "$BIN/initdb" -D "$DATA" --locale=C -E UTF8 --auth=trust -U postgres >"$DIR/initdb.log" 2>&1 || {
			cat "$DIR/initdb.log" >&2
			exit 1
		}
		cat >>"$DATA/postgresql.conf" <<EOF
# scripts/pg-test-cluster.sh: the socket in the cluster folder, no TCP
listen_addresses = ''
unix_socket_directories = '$CL'
port = $(port)
fsync = on
synchronous_commit = on
max_connections = 200
EOF
		# the socket only: no host lines
		printf 'local all all trust\n' >"$DATA/pg_hba.conf"
	fi
	if ! running; then
		as_owner "$BIN/pg_ctl" -D "$DATA" -l "$CL/server.log" -w -t 60 start >/dev/null || {
			tail -n 20 "$CL/server.log" >&2
			exit 1
		}
	fi
	if ! as_owner "$BIN/psql" -h "$CL" -p "$(port)" -U postgres -d postgres -tAc \
		"SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
		as_owner "$BIN/createdb" -h "$CL" -p "$(port)" -U postgres "$DB"
	fi
}

stop() {
	if running; then
		as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
	fi
	if [ -s "$DIR/cluster" ]; then
		rm -rf "$(cluster)" "$DIR/cluster"
	fi
}

BIN=$(bindir)
case "${1:-}" in
start) start ;;
stop) stop ;;
url) url ;;
remove)
	stop
	rm -rf "$DIR"
	;;
*)
	echo "usage: scripts/pg-test-cluster.sh start|stop|url|remove" >&2
	exit 2
	;;
esac
