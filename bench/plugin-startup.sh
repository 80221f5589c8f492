#!/usr/bin/env bash
# Start-up cost of many plugins: a one-turn `forge -p` against the fake model server, with no plugins and with 100
# generated, installed and enabled plugins (200 skills, 200 agents), runs alternating; fails if stderr is not empty.
# Uses the builds of bench/forge-startup.sh (JIT_DIR / AOT_DIR); builds the AOT one if missing.
#   bench/plugin-startup.sh          RUNS=40 bench/plugin-startup.sh
#   BASELINE=/tmp/before/forge bench/plugin-startup.sh   (that binary and the AOT one side by side, alternating per round)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
jit_dir=${JIT_DIR:-/tmp/forge-bench-jit}
aot_dir=${AOT_DIR:-/tmp/forge-bench-aot}
runs=${RUNS:-20}
compiler=${CPP_COMPILER:-$(command -v clang >/dev/null && echo clang || echo clang-14)}
if [[ ! -x $aot_dir/forge ]]; then
  dotnet publish "$repo/src/CodeForge.Cli" -c Release -r linux-x64 -p:CppCompilerAndLinker="$compiler" -o "$aot_dir" >/dev/null
fi
bench="$repo/bench/CodeForge.Benchmarks"
dotnet build "$bench" -c Release >/dev/null
driver="$bench/bin/Release/net10.0/CodeForge.Benchmarks"
"$driver" plugin-startup --runs "$runs" ${BASELINE:+-- "$BASELINE"} -- "$aot_dir/forge"
if [[ -x $jit_dir/forge ]]; then "$driver" plugin-startup --runs "$runs" -- "$jit_dir/forge"; fi
