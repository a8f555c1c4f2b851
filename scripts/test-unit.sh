#!/bin/sh
# Runs each cmocka unit-test binary (built with ASan+UBSan); fails on any failure.
set -u
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
failed=0
for t in "$@"; do
	if ! "$t"; then
		echo "unit: FAILED $t" >&2
		failed=1
	fi
done
[ "$failed" -eq 0 ] && echo "unit: all passed ($# suites)"
exit "$failed"
