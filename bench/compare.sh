#!/usr/bin/env bash
# The start-up and memory table of docs/benchmarks.md, side by side in one run: forge's Native AOT binary against
# Claude Code and Codex when they are installed (set CLAUDE / CODEX to their executables, or pass --install-others to
# npm-install both into /tmp/forge-bench-others). Everything talks to local fakes on 127.0.0.1 only.
#
#   bench/compare.sh        RUNS=20 bench/compare.sh --install-others        FORGE=/path/to/forge bench/compare.sh
#
# Rows: `--version` (hyperfine); a one-turn `-p` against an instant fake Anthropic server (wall, CPU, peak RSS, median of
# RUNS); forge sessions of 50 and 200 tool-call turns (peak RSS; must stay flat); the binary's size; Grep vs bare rg.
# Needs hyperfine, GNU time and node (tools/install-test-deps installs node; apt-get install hyperfine time).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-10}
others=/tmp/forge-bench-others
if [[ ${1:-} == --install-others ]]; then
  npm install --silent --prefix "$others" @anthropic-ai/claude-code @openai/codex >/dev/null
fi
forge=${FORGE:-$repo/artifacts/forge/native/forge}
[[ -n ${FORGE:-} ]] || "$repo/forge" --version >/dev/null   # builds the native binary when a source changed
[[ -x $forge ]] || { echo "compare: no native binary (see artifacts/forge/build.log)" >&2; exit 1; }
claude=${CLAUDE:-}
[[ -z $claude && -x $others/node_modules/.bin/claude ]] && claude=$others/node_modules/.bin/claude
[[ -z $claude && -x $repo/tests/agent-sdk/node_modules/@anthropic-ai/claude-agent-sdk-linux-x64/claude ]] \
  && claude=$repo/tests/agent-sdk/node_modules/@anthropic-ai/claude-agent-sdk-linux-x64/claude
codex=${CODEX:-}
[[ -z $codex && -x $others/node_modules/.bin/codex ]] && codex=$others/node_modules/.bin/codex
command -v hyperfine >/dev/null && [[ -x /usr/bin/time ]] || { echo "compare: needs hyperfine and GNU time" >&2; exit 1; }

work=$(mktemp -d /tmp/forge-compare.XXXXXX)
port=$((20000 + RANDOM % 20000))
node "$repo/tests/agent-sdk/fake-anthropic.mjs" "$port" 2>/dev/null &
fake=$!
trap 'kill $fake 2>/dev/null; rm -rf "$work"' EXIT
mkdir -p "$work/home" "$work/repo/.git"
export ANTHROPIC_BASE_URL="http://127.0.0.1:$port" ANTHROPIC_API_KEY=sk-fake HOME="$work/home" DISABLE_AUTOUPDATER=1 \
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 DO_NOT_TRACK=1
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done

echo "## forge --version and friends (hyperfine -N, $runs runs)"
set -- -n "forge (Native AOT, $(du -hL "$forge" | cut -f1))" "$forge --version"
[[ -n $claude ]] && set -- "$@" -n "Claude Code" "$claude --version"
[[ -n $codex ]] && set -- "$@" -n "Codex" "$codex --version"
hyperfine -N --warmup 3 --runs "$runs" --style basic "$@" 2>&1 | grep -E '^(Benchmark|  Time|  Range)'

# One-turn `-p`: median wall, CPU (user+sys) and peak RSS over $runs runs of the given command line.
one_turn() {
  local name=$1; shift
  local walls=() cpus=() rss=()
  (cd "$work/repo" && "$@" >/dev/null 2>&1) || { echo "| $name | failed: $* |"; return; }
  for _ in $(seq "$runs"); do
    local line
    line=$(cd "$work/repo" && /usr/bin/time -f '%e %U %S %M' "$@" 2>&1 >/dev/null | tail -1)
    read -r e u s m <<<"$line"
    walls+=("$(awk -v e="$e" 'BEGIN{printf "%d", e*1000}')")
    cpus+=("$(awk -v u="$u" -v s="$s" 'BEGIN{printf "%d", (u+s)*1000}')")
    rss+=("$m")
  done
  median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
  printf '| %s | %s ms | %s ms | %.1f MiB |\n' "$name" "$(median "${walls[@]}")" "$(median "${cpus[@]}")" \
    "$(awk -v k="$(median "${rss[@]}")" 'BEGIN{print k/1024}')"
}
echo
echo "## One-turn -p against the instant fake Anthropic server (median of $runs)"
echo "| agent | wall | CPU (user+sys) | peak RSS |"
echo "|---|---|---|---|"
one_turn "forge (Native AOT)" "$forge" -p "say hello" --provider anthropic --model sonnet
[[ -n $claude ]] && one_turn "Claude Code" "$claude" -p "say hello" --output-format json --max-turns 1

echo
echo "## forge sessions of N tool-call turns (fake model server; peak RSS must stay flat)"
dotnet build "$repo/bench/CodeForge.Benchmarks" -c Release -v quiet -nologo >/dev/null
driver="$repo/bench/CodeForge.Benchmarks/bin/Release/net10.0/CodeForge.Benchmarks"
for turns in 50 200; do
  "$driver" session-memory --turns "$turns" --provider anthropic -- "$forge"
done

echo
echo "## Interactive first paint (pseudo-terminal, exec to welcome panel and to prompt)"
(cd "$work/repo" && python3 "$repo/bench/forge-first-paint.py" "$forge" "$runs") || echo "(forge-first-paint.py failed)"

echo
echo "## Grep tool vs bare rg"
"$repo/bench/grep-bench.sh" 2>/dev/null | tail -5 || echo "(grep-bench.sh failed)"
