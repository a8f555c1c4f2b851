#!/bin/sh
# Installs the Debian packages safeharbor needs, and only those that are missing.
#   scripts/setup.sh build   what building and running need (make, make run)
#   scripts/setup.sh test    and what the test suites need (make test): clang and
#                            libFuzzer, cmocka, the sqlite3 and openssl tools, Node.js
#                            (20 or later, checked), nginx for the proxy test, systemd's
#                            tools for checking the unit file, the PostgreSQL server
#                            (make test-pg runs a throwaway cluster of it)
#   scripts/setup.sh coverage  and llvm-cov, llvm-profdata (make coverage)
# Safe to run again. SAFEHARBOR_EXTRA_PACKAGES adds more (test-web.sh: chromium, npm).
set -eu

BUILD="gcc make pkg-config zlib1g-dev
libmicrohttpd-dev libjansson-dev libsqlite3-dev libsodium-dev libcurl4-openssl-dev libssl-dev
libqrencode-dev libpq-dev tzdata"
TEST="clang clang-format libclang-rt-14-dev libcmocka-dev sqlite3 nodejs openssl nginx-light systemd
bsdutils postgresql"
COVERAGE="llvm"
NODE_MAJOR_MIN=20

case "${1:-build}" in
build) PACKAGES="$BUILD" ;;
test) PACKAGES="$BUILD $TEST" ;;
coverage) PACKAGES="$BUILD $TEST $COVERAGE" ;;
*)
	echo "usage: scripts/setup.sh [build|test|coverage]" >&2
	exit 2
	;;
esac
PACKAGES="$PACKAGES ${SAFEHARBOR_EXTRA_PACKAGES:-}"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

if [ -n "$missing" ]; then
	echo "setup: installing Debian packages:$missing" >&2
	if [ "$(id -u)" -ne 0 ]; then
		if command -v sudo >/dev/null 2>&1; then
			SUDO="sudo"
		else
			echo "setup: need root (or sudo) to install:$missing" >&2
			exit 1
		fi
	else
		SUDO=""
	fi
	export DEBIAN_FRONTEND=noninteractive
	APT="apt-get -o DPkg::Lock::Timeout=300"
	# Refresh the package lists when they are missing or older than a day.
	if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mtime -1 2>/dev/null | head -n 1)" ]; then
		$SUDO $APT update -q
	fi
	# shellcheck disable=SC2086
	if ! $SUDO $APT install -y -q --no-install-recommends $missing; then
		$SUDO $APT update -q
		# shellcheck disable=SC2086
		$SUDO $APT install -y -q --no-install-recommends $missing
	fi
fi

# The test tools (node --test with --test-concurrency, playwright-core) need Node 20+.
if [ "${1:-build}" != build ]; then
	v="$(node --version 2>/dev/null || echo none)"
	major="$(echo "$v" | sed -n 's/^v\([0-9]*\)\..*/\1/p')"
	if [ -z "$major" ] || [ "$major" -lt "$NODE_MAJOR_MIN" ]; then
		echo "setup: the tests need Node.js $NODE_MAJOR_MIN or later; 'node --version' says $v." >&2
		echo "setup: Debian 12's nodejs package is 18: install Node.js $NODE_MAJOR_MIN (for example NodeSource's nodejs .deb), then run make test again." >&2
		exit 1
	fi
fi
