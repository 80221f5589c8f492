#!/usr/bin/env bash
# Mutation testing of CodeForge.Core with Stryker.NET (the dotnet-stryker local tool in .config/dotnet-tools.json).
# Too slow for every CI run; run it by hand or nightly. Results and the commands used: docs/verification.md §4.
#
#   tools/mutation.sh [-r vstest|mtp] [-a] [-c CONCURRENCY] [PATH_UNDER_CORE...]
#
# PATH_UNDER_CORE are files or folders under src/CodeForge.Core (default: the concurrency-critical ones listed below);
# each becomes a Stryker --mutate glob. Runner vstest (default) uses tests/mutation/CodeForge.Core.MutationTests.csproj,
# the Core test sources built as an xunit v3 VSTest project, and runs only the tests of the named folders
# (namespaces CodeForge.Core.Tests.<Folder>.*; -a runs every Core test instead). Runner mtp uses
# tests/CodeForge.Core.Tests on Stryker's preview Microsoft Testing Platform runner (its initial run fails here).
# Reports (HTML and JSON) go to artifacts/mutation/<UTC time>/; the script prints the score per folder and per file.
# State (docs/verification.md §4): neither runner yields a valid score with xunit v3 tests; after a vstest run the
# script prints the tools/mutation-replay.py commands that score each folder in the test process instead.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

runner=vstest
all_tests=false
concurrency=1
while getopts "r:ac:h" opt; do
  case "$opt" in
    r) runner="$OPTARG" ;;
    a) all_tests=true ;;
    c) concurrency="$OPTARG" ;;
    *) sed -n '2,14p' "$0"; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
paths=("$@")
if [ ${#paths[@]} -eq 0 ]; then
  paths=(Skills Tokens Permissions Hooks Config Tools Shells Web Sessions Plugins)
fi

mutate=()
filter=""
for p in "${paths[@]}"; do
  p="${p%/}"
  if [ -d "src/CodeForge.Core/$p" ]; then
    mutate+=(--mutate "**/src/CodeForge.Core/$p/**/*.cs")
  elif [ -f "src/CodeForge.Core/$p" ]; then
    mutate+=(--mutate "**/src/CodeForge.Core/$p")
  else
    echo "no such file or folder under src/CodeForge.Core: $p" >&2; exit 2
  fi
  ns="CodeForge.Core.Tests.${p%%/*}."
  case "|$filter|" in *"|FullyQualifiedName~$ns|"*) ;; *) filter="${filter:+$filter|}FullyQualifiedName~$ns" ;; esac
done

case "$runner" in
  vstest) test_project=tests/mutation ;;
  mtp) test_project=tests/CodeForge.Core.Tests; all_tests=true ;;
  *) echo "runner must be vstest or mtp" >&2; exit 2 ;;
esac
extra=()
if [ "$all_tests" = false ]; then extra+=(--test-case-filter "$filter"); fi

out="$PWD/artifacts/mutation/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
dotnet tool restore > /dev/null
echo "stryker ($runner): $test_project, mutating ${paths[*]}, tests ${filter:-all}, concurrency $concurrency; reports in $out"
(
  cd "$test_project"
  dotnet dotnet-stryker --project CodeForge.Core.csproj --test-runner "$runner" --concurrency "$concurrency" \
    --skip-version-check "${extra[@]}" "${mutate[@]}" \
    --reporter html --reporter json --reporter progress --output "$out" --log-to-file
)

# Under VSTest, xunit v3 runs the tests in a child process of the testhost, where Stryker never activates a mutant
# (docs/verification.md §4): no coverage is captured and every mutant survives. Refuse to print that as a score.
if grep -qs "test coverage capture failed" "$out"/logs/log-*.txt; then
  echo "Stryker captured no coverage: the mutants were not active where the tests ran, so its score is not valid" \
    "(docs/verification.md §4). Score each folder by replaying the compiled mutants in the test process:" >&2
  for p in "${paths[@]}"; do
    echo "  tools/mutation-replay.py $(ls "$out"/logs/log-*.txt | head -1) ${p%%/*} -j 2 -t 30   [--sample N --seed S]" >&2
  done
  exit 1
fi

report=$(find "$out" -name 'mutation-report.json' | head -1)
if [ -n "$report" ] && command -v python3 > /dev/null; then
  python3 "$(dirname "$0")/mutation-summary.py" "$report"
fi
