#!/usr/bin/env bash
# Memory of N background agents (default 8) started with `forge --bg`: each is held in its first model call by a local
# server that accepts the connection and never answers, so every agent is fully started and waiting on the model, as a
# background agent spends most of its life. Prints each agent's resident set (VmRSS) and peak (VmHWM) from /proc, then
# stops them with `forge stop`.
#   bench/forge-bg-agents-memory.sh                      the JIT build (dotnet forge.dll, built by dotnet build)
#   FORGE=/path/to/native/forge bench/forge-bg-agents-memory.sh   another build, e.g. the Native AOT binary
#   AGENTS=16 bench/forge-bg-agents-memory.sh
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
n=${AGENTS:-8}
dll="$repo/src/CodeForge.Cli/bin/Debug/net10.0/forge.dll"
if [[ -n ${FORGE:-} ]]; then forge=("$FORGE"); else
  [[ -f $dll ]] || dotnet build "$repo/src/CodeForge.Cli" >/dev/null
  forge=(dotnet "$dll")
fi
tmp=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$tmp"' EXIT
export HOME=$tmp/home FORGE_FILE_LOCK_DIR=$tmp/locks
mkdir -p "$HOME" "$tmp/repo"
git -C "$tmp/repo" init -q
python3 -u -c '
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(128); print(s.getsockname()[1])
held = []
while True:
    c, _ = s.accept(); held.append(c); print("connected")
' > "$tmp/server.out" &
server=$!
until [[ -s $tmp/server.out ]]; do sleep 0.1; done
export OPENAI_BASE_URL="http://127.0.0.1:$(head -1 "$tmp/server.out")/v1" OPENAI_API_KEY=not-used
cd "$tmp/repo"
for i in $(seq 1 "$n"); do
  "${forge[@]}" --bg -p "agent $i: wait for the model" --provider openai --model gpt-4o >/dev/null
done
for _ in $(seq 1 600); do
  [[ $(grep -c connected "$tmp/server.out") -ge $n ]] && break
  sleep 0.5
done
printf '%-8s %8s %10s %10s\n' agent pid "RSS MiB" "peak MiB"
total=0
for record in "$HOME"/.forge/agents/*.json; do
  id=$(basename "$record" .json)
  pid=$(sed -n 's/.*"pid": \([0-9]*\).*/\1/p' "$record")
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
  total=$((total + rss))
  printf '%-8s %8s %10.1f %10.1f\n' "$id" "$pid" "$(echo "$rss/1024" | bc -l)" "$(echo "$hwm/1024" | bc -l)"
done
printf 'total RSS of %d agents: %.1f MiB (%s)\n' "$n" "$(echo "$total/1024" | bc -l)" "$("${forge[@]}" --version)"
for record in "$HOME"/.forge/agents/*.json; do "${forge[@]}" stop "$(basename "$record" .json)" >/dev/null; done
"${forge[@]}" agents
