#!/usr/bin/env bash
# Peak memory (max RSS from /usr/bin/time -v; apt-get install -y time if missing) and wall time of a scripted
# 50-turn `forge -p` session against the fake model server (49 tool calls + a final answer), for the JIT build and
# the Native AOT binary, over the Anthropic (SDK under JIT, built-in client under AOT) and OpenAI protocols.
# Uses the same builds as bench/forge-startup.sh (JIT_DIR / AOT_DIR).
#   bench/forge-session-memory.sh           TURNS=100 bench/forge-session-memory.sh
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
jit_dir=${JIT_DIR:-/tmp/forge-bench-jit}
aot_dir=${AOT_DIR:-/tmp/forge-bench-aot}
turns=${TURNS:-50}
[[ -x /usr/bin/time ]] || { echo "needs /usr/bin/time: apt-get install -y time" >&2; exit 1; }
[[ -x $jit_dir/forge && -x $aot_dir/forge ]] || { echo "build first: bench/forge-startup.sh (or set JIT_DIR/AOT_DIR)" >&2; exit 1; }
bench="$repo/bench/CodeForge.Benchmarks"
dotnet build "$bench" -c Release >/dev/null
driver="$bench/bin/Release/net10.0/CodeForge.Benchmarks"
for provider in anthropic openai; do
  "$driver" session-memory --turns "$turns" --provider "$provider" -- "$jit_dir/forge"
  "$driver" session-memory --turns "$turns" --provider "$provider" -- "$aot_dir/forge"
done
