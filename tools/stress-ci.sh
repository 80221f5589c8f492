#!/usr/bin/env bash
# Runs timing-sensitive test projects N times in a row under a parallel CPU load and reports every failure.
#
#   tools/stress-ci.sh [-n RUNS] [-l stress-ng|build|none] [-o LOGDIR] [PROJECT...] [-- EXTRA TEST ARGS]
#
# PROJECT defaults to tests/CodeForge.Concurrency.Tests. The load is `stress-ng --cpu <nproc>` when stress-ng is
# installed (apt-get install stress-ng), else a loop of clean `dotnet build`s of CodeForge.Core into a scratch folder
# (-l build forces that; -l none runs without load). Each project is built once, then run RUNS times with --no-build.
# Per run it logs the test output to LOGDIR/<project>.<run>.log and prints one line; at the end it prints
# "<project>: R runs, F failed" and the failing test names with their counts. Exit status 1 if any run failed.
# Extra arguments after -- go to the test application (e.g. -- --filter-class "*Hook*").
set -uo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 COYOTE_CLI_TELEMETRY_OPTOUT=1

runs=20
load=auto
logdir=""
projects=()
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    -n) runs="$2"; shift 2 ;;
    -l) load="$2"; shift 2 ;;
    -o) logdir="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    --) shift; extra=("$@"); break ;;
    *) projects+=("$1"); shift ;;
  esac
done
[ ${#projects[@]} -eq 0 ] && projects=(tests/CodeForge.Concurrency.Tests)
[ -z "$logdir" ] && logdir=$(mktemp -d -t forge-stress-XXXXXX)
mkdir -p "$logdir"

if [ "$load" = auto ]; then
  if command -v stress-ng > /dev/null; then load=stress-ng; else load=build; fi
fi

load_pid=""
scratch=""
start_load() {
  case "$load" in
    stress-ng)
      # Its own process group, so stopping it stops every worker it forked.
      setsid stress-ng --cpu "$(nproc)" --cpu-load 100 --timeout 0 --quiet > "$logdir/load.log" 2>&1 &
      load_pid=$!
      ;;
    build)
      scratch=$(mktemp -d -t forge-stress-build-XXXXXX)
      setsid bash -c "while true; do dotnet build src/CodeForge.Core -nologo -v:q -nodeReuse:false -p:UseSharedCompilation=false \
        --no-incremental -o '$scratch/out' -p:BaseIntermediateOutputPath='$scratch/obj/' > /dev/null 2>&1; done" &
      load_pid=$!
      ;;
    none) ;;
    *) echo "unknown load '$load' (stress-ng, build or none)"; exit 2 ;;
  esac
}
stop_load() {
  if [ -n "$load_pid" ]; then
    kill -- "-$load_pid" 2> /dev/null
    wait "$load_pid" 2> /dev/null
    load_pid=""
  fi
  [ -n "$scratch" ] && rm -rf "$scratch"
}
trap stop_load EXIT
trap 'stop_load; exit 130' INT TERM

status=0
for project in "${projects[@]}"; do
  name=$(basename "$project")
  echo "building $project"
  if ! dotnet build "$project" -nologo -v:q > "$logdir/$name.build.log" 2>&1; then
    echo "$name: build failed (see $logdir/$name.build.log)"
    status=1
    continue
  fi
  start_load
  echo "load: $load; $runs runs of $name; logs in $logdir"
  failed_runs=0
  : > "$logdir/$name.failures"
  for run in $(seq 1 "$runs"); do
    log="$logdir/$name.$run.log"
    started=$(date +%s)
    timeout --kill-after=30 40m dotnet test --project "$project" --no-build "${extra[@]}" > "$log" 2>&1
    rc=$?
    took=$(( $(date +%s) - started ))
    summary=$(grep -E '^\s+(total|failed|succeeded): [0-9]+' "$log" | tr -s ' ' | tr '\n' ' ')
    if [ "$rc" -eq 0 ] && [ -z "$summary" ]; then rc=1; fi  # no summary: the run was cut short
    if [ "$rc" -ne 0 ]; then
      failed_runs=$((failed_runs + 1))
      grep -E '^failed ' "$log" | sed -E 's/^failed ([^ ]+).*/\1/' | tee -a "$logdir/$name.failures" > /dev/null
      echo "run $run: FAILED (exit $rc, ${took}s) $summary"
      grep -E '^failed ' "$log" | sed 's/^/    /'
    else
      echo "run $run: passed (${took}s) $summary"
    fi
  done
  stop_load
  echo "$name: $runs runs, $failed_runs failed (load: $load)"
  if [ -s "$logdir/$name.failures" ]; then
    sort "$logdir/$name.failures" | uniq -c | sort -rn | sed 's/^/  /'
    status=1
  fi
done
exit $status
