#!/bin/sh
# The C sources against the house .clang-format (CONTRIBUTING.md, "Format"). Lists each
# file that differs and exits 1; `make format` rewrites them. clang-format-14 is Debian
# 12's; scripts/setup.sh installs it.
set -eu
cd "$(dirname "$0")/.."
bad=0
for f in $(git ls-files 'src/*.c' 'src/*.h' 'tests/unit/*.[ch]' 'tests/fuzz/*.c' 'bench/*.c' 2>/dev/null); do
	if ! clang-format --style=file "$f" | cmp -s - "$f"; then
		echo "format: $f differs from .clang-format (make format rewrites it)" >&2
		bad=1
	fi
done
[ "$bad" = 0 ] && echo "format: every C file follows .clang-format"
exit "$bad"
