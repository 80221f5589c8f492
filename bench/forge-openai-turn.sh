#!/usr/bin/env bash
# One `forge -p` turn against an instant fake OpenAI server (bench/fake-openai.mjs), over Chat Completions (gpt-4.1)
# and the Responses API (gpt-5.4), for each binary given: wall and peak RSS, median of RUNS.
#   RUNS=10 bench/forge-openai-turn.sh /tmp/oai/before/forge /tmp/oai/after/forge
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-10}
work=$(mktemp -d /tmp/forge-openai-turn.XXXXXX)
port=$((20000 + RANDOM % 20000))
node "$repo/bench/fake-openai.mjs" "$port" &
fake=$!
trap 'kill $fake 2>/dev/null; rm -rf "$work"' EXIT
mkdir -p "$work/home" "$work/repo/.git"
export OPENAI_BASE_URL="http://127.0.0.1:$port/v1" OPENAI_API_KEY=sk-fake HOME="$work/home"
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
cd "$work/repo"
printf '| binary | bytes | API | wall ms (median) | peak RSS MiB (median) |\n|---|---|---|---|---|\n'
for forge in "$@"; do
  for model in gpt-4.1 gpt-5.4; do
    "$forge" -p "say hello" --provider openai --model "$model" | grep -q hello || { echo "no answer from $forge ($model)" >&2; exit 1; }
    for _ in $(seq "$runs"); do
      /usr/bin/time -f '%e %M' -o "$work/t" "$forge" -p "say hello" --provider openai --model "$model" >/dev/null
      cat "$work/t"
    done > "$work/runs"
    mid=$(( (runs + 1) / 2 ))
    wall=$(cut -d' ' -f1 "$work/runs" | sort -n | sed -n "${mid}p")
    rss=$(cut -d' ' -f2 "$work/runs" | sort -n | sed -n "${mid}p")
    api=$([[ $model == gpt-4.1 ]] && echo "Chat Completions" || echo "Responses")
    awk -v f="$forge" -v b="$(stat -c %s "$forge")" -v a="$api" -v w="$wall" -v r="$rss" \
      'BEGIN { printf "| %s | %d | %s | %d | %.1f |\n", f, b, a, w * 1000, r / 1024 }'
  done
done
