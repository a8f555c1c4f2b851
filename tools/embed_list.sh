#!/bin/sh
# tools/embed_list.sh NAME FILE: a C file with FILE's lines (sorted as the C locale sorts,
# for bsearch) as `const char *const NAME[]` and `const size_t NAME_count`.
set -eu
name=$1
file=$2
echo "/* Generated from $file by tools/embed_list.sh: do not edit. */"
echo "#include <stddef.h>"
echo "extern const char *const ${name}[];"
echo "extern const size_t ${name}_count;"
echo "const char *const ${name}[] = {"
LC_ALL=C sort -u "$file" | awk '{ gsub(/\\/, "\\\\"); gsub(/"/, "\\\""); printf "\t\"%s\",\n", $0 }'
echo "};"
echo "const size_t ${name}_count = sizeof(${name}) / sizeof(${name}[0]);"
