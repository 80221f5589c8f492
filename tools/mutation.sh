#!/usr/bin/env bash
# Mutation testing of CodeForge.Core with Stryker.NET (the dotnet-stryker local tool in .config/dotnet-tools.json).
# Too slow for every CI run; run it by hand or nightly.
#
#   tools/mutation.sh [-t TEST_PROJECT] [-c CONCURRENCY] [PATH_UNDER_CORE...]
#
# PATH_UNDER_CORE are files or folders under src/CodeForge.Core (default: the concurrency-critical ones listed below);
# each becomes a Stryker --mutate glob. TEST_PROJECT defaults to tests/CodeForge.Core.Tests (xunit v3 on the Microsoft
# Testing Platform, so Stryker's "mtp" runner). Reports (HTML and JSON) go to artifacts/mutation/<UTC time>/; the
# script prints the mutation score per file from the JSON report.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

test_project=tests/CodeForge.Core.Tests
concurrency=$(nproc)
while getopts "t:c:h" opt; do
  case "$opt" in
    t) test_project="$OPTARG" ;;
    c) concurrency="$OPTARG" ;;
    *) sed -n '2,10p' "$0"; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
paths=("$@")
if [ ${#paths[@]} -eq 0 ]; then
  paths=(Tools Skills Shells Permissions Tokens Web Sessions Config Hooks Plugins Agent/ToolCallScheduler.cs)
fi

mutate=()
for p in "${paths[@]}"; do
  if [ -d "src/CodeForge.Core/$p" ]; then
    mutate+=(--mutate "**/src/CodeForge.Core/$p/**/*.cs")
  else
    mutate+=(--mutate "**/src/CodeForge.Core/$p")
  fi
done

out="$PWD/artifacts/mutation/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
dotnet tool restore > /dev/null
echo "stryker: $test_project, mutating ${paths[*]}, concurrency $concurrency; reports in $out"
(
  cd "$test_project"
  dotnet dotnet-stryker --project CodeForge.Core.csproj --test-runner mtp --concurrency "$concurrency" \
    "${mutate[@]}" --reporter html --reporter json --reporter progress --output "$out"
)

report=$(find "$out" -name 'mutation-report.json' | head -1)
if [ -n "$report" ] && command -v python3 > /dev/null; then
  python3 - "$report" <<'EOF'
import json, sys
files = json.load(open(sys.argv[1]))["files"]
total = {"killed": 0, "survived": 0, "timeout": 0, "nocoverage": 0}
for name, f in sorted(files.items()):
    counts = {k: 0 for k in total}
    for m in f["mutants"]:
        s = m["status"].lower()
        if s in counts:
            counts[s] += 1
    detected = counts["killed"] + counts["timeout"]
    valid = detected + counts["survived"] + counts["nocoverage"]
    for k in total:
        total[k] += counts[k]
    if valid:
        print(f"{100 * detected / valid:6.1f}%  {detected}/{valid}  (survived {counts['survived']}, no coverage {counts['nocoverage']})  {name}")
detected = total["killed"] + total["timeout"]
valid = detected + total["survived"] + total["nocoverage"]
if valid:
    print(f"{100 * detected / valid:6.1f}%  {detected}/{valid}  total")
EOF
fi
