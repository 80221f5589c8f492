#!/usr/bin/env bash
# build.sh OUT FILE... : concatenates pages, each under a "== name ==" heading.
set -euo pipefail
out=$1; shift
mkdir -p "$(dirname "$out")"
: > "$out"
for f in "$@"; do
  printf '== %s ==\n' "$(basename "$f" .txt)" >> "$out"
  cat "$f" >> "$out"
done
