#!/bin/sh
# Deployment tests (tests/deploy/): `make install` into a staging folder, the Debian
# package installed on this machine (dpkg) and run the way its unit runs it, and nginx
# terminating TLS in front of the server. Needs root (dpkg, runuser); installs what it
# needs first (scripts/setup.sh test: nginx, openssl, systemd's tools).
set -eu
cd "$(dirname "$0")/.."
scripts/setup.sh test
make -s deb
SAFEHARBOR_DEB="$(ls -t build/deb/safeharbor_*.deb | head -n 1)"
SAFEHARBOR_BIN="${SAFEHARBOR_BIN:-$PWD/build/asan/safeharbor}"
[ -x "$SAFEHARBOR_BIN" ] || SAFEHARBOR_BIN="$PWD/build/release/safeharbor"
export SAFEHARBOR_DEB SAFEHARBOR_BIN
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}"
# one machine, one installed package: runs of this suite from several checkouts take turns
exec flock /tmp/safeharbor-deploy.lock node --test --test-reporter=spec --test-concurrency=1 tests/deploy/
