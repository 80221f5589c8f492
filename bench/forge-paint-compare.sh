#!/usr/bin/env bash
# Two native forge binaries side by side in one run (e.g. before and after a start-up change): the interactive first
# paint (bench/forge-first-paint.py, before and after alternately, ROUNDS rounds of RUNS runs) and a one-turn `forge -p`
# against the instant fake Anthropic server (hyperfine -N: wall, user and system time), then three traced runs of each
# (FORGE_TRACE_STARTUP=1). Everything runs in a scratch 50-file git repository with a scratch HOME.
#   bench/forge-paint-compare.sh /tmp/paint/before/forge /tmp/paint/after/forge
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
before=$1 after=$2
rounds=${ROUNDS:-3} runs=${RUNS:-8} hruns=${HRUNS:-30}
work=$(mktemp -d /tmp/forge-paint.XXXXXX)
port=$((20000 + RANDOM % 20000))
node "$repo/tests/agent-sdk/fake-anthropic.mjs" "$port" 2>/dev/null &
fake=$!
trap 'kill $fake 2>/dev/null; rm -rf "$work"' EXIT
mkdir -p "$work/home" "$work/repo"
(cd "$work/repo" && git init -q && for i in $(seq 50); do echo "file $i" >"f$i.txt"; done && git add . \
  && git -c user.email=b@b -c user.name=b commit -qm init)
export ANTHROPIC_BASE_URL="http://127.0.0.1:$port" ANTHROPIC_API_KEY=sk-fake HOME="$work/home"
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
cd "$work/repo"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "## interactive first paint (median per round of $runs runs; before and after alternately)"
for r in $(seq "$rounds"); do
  for name in before after; do
    bin=${!name}
    echo "[$name, round $r] $(python3 "$repo/bench/forge-first-paint.py" "$bin" "$runs" | tr '\n' ' ')"
  done
done
echo "## one-turn forge -p (hyperfine -N, $hruns runs each, alternating is hyperfine's: one command after the other)"
hyperfine -N --warmup 3 --runs "$hruns" --style basic \
  -n before "$before -p 'say hello' --provider anthropic --model sonnet" \
  -n after "$after -p 'say hello' --provider anthropic --model sonnet" 2>&1 | grep -E '^(Benchmark|  Time|  Range|  )'
echo "## CPU of one-turn forge -p (GNU time, median of 15: wall user sys ms, peak RSS KiB)"
for name in before after; do
  bin=${!name}
  for _ in $(seq 15); do /usr/bin/time -f '%e %U %S %M' "$bin" -p 'say hello' --provider anthropic --model sonnet 2>&1 >/dev/null | tail -1; done \
    | sort -n | awk -v n="$name" '{a[NR]=$0} END{split(a[int((NR+1)/2)],f," "); printf "%s: wall %d ms, user %d ms, sys %d ms, RSS %d KiB (median by wall)\n", n, f[1]*1000, f[2]*1000, f[3]*1000, f[4]}'
done
echo "## traced runs (FORGE_TRACE_STARTUP=1), -p"
for name in before after; do
  bin=${!name}
  for _ in 1 2 3; do echo "[$name]"; FORGE_TRACE_STARTUP=1 "$bin" -p 'say hello' --provider anthropic --model sonnet 2>&1 >/dev/null | grep -v '^$' | tr '\n' ';'; echo; done
done
echo "## traced runs (FORGE_TRACE_STARTUP=1), interactive (one run after a warm-up)"
for name in before after; do
  bin=${!name}
  printf '#!/bin/sh\nFORGE_TRACE_STARTUP=1 exec %s 2>>%s\n' "$bin" "$work/trace-$name.txt" >"$work/traced-$name"
  chmod +x "$work/traced-$name"
  python3 "$repo/bench/forge-first-paint.py" "$work/traced-$name" 1 >/dev/null
  echo "[$name] $(grep -v '^$' "$work/trace-$name.txt" | tail -n "$(grep -c 'prompt shown\|first paint' "$work/trace-$name.txt" >/dev/null; echo 40)" | awk '/ main$/{buf=""} {buf=buf $0 ";"} END{print buf}')"
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
