#!/usr/bin/env bash
# Times the Grep tool's two engines (ripgrep and the managed parallel search) on a large real tree with hyperfine, after
# checking that both find the same files. Both run through the same console entry (the grep-bench mode of
# bench/CodeForge.Benchmarks), so .NET start-up is in both; bare rg is timed too, for reference.
#
# Usage: bench/grep-bench.sh [ROOT] [PATTERN] [MODE]
#   ROOT     a large directory (default /usr/share: ~60,000 files, ~1.5 GB here)
#   PATTERN  a regular expression (default 'Copyright')
#   MODE     files_with_matches (default), content or count
# Needs: ripgrep (apt-get install ripgrep) and hyperfine.
set -euo pipefail
root=${1:-/usr/share}
pattern=${2:-Copyright}
mode=${3:-files_with_matches}
here=$(cd "$(dirname "$0")" && pwd)
project="$here/CodeForge.Benchmarks"
dll="$project/bin/Release/net10.0/CodeForge.Benchmarks.dll"

command -v rg >/dev/null || { echo "ripgrep (rg) is not installed: apt-get install -y ripgrep" >&2; exit 1; }
command -v hyperfine >/dev/null || { echo "hyperfine is not installed" >&2; exit 1; }
dotnet build "$project" -c Release -v quiet -nologo >/dev/null

echo "tree: $root ($(find "$root" -type f 2>/dev/null | wc -l) files, $(du -sh "$root" 2>/dev/null | cut -f1)); pattern: $pattern; mode: $mode"
for engine in ripgrep managed; do
  dotnet "$dll" grep-bench --engine "$engine" --path "$root" --pattern "$pattern" --mode "$mode"
done

hyperfine --warmup 1 --runs "${RUNS:-5}" --style basic \
  -n "rg (bare, -l)" "rg --hidden --no-config -l -e '$pattern' '$root'" \
  -n "Grep tool, ripgrep engine" "dotnet '$dll' grep-bench --engine ripgrep --path '$root' --pattern '$pattern' --mode $mode" \
  -n "Grep tool, managed engine" "dotnet '$dll' grep-bench --engine managed --path '$root' --pattern '$pattern' --mode $mode"
