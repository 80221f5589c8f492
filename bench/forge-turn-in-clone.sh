#!/usr/bin/env bash
# One `forge -p` turn in a cloned 50-file git repository (origin/HEAD set, as after `git clone`) against the instant fake
# OpenAI server (bench/fake-openai.mjs), for each binary given, side by side in one run, ROUNDS times alternating:
# the programs the run executes (strace -f -e trace=execve), CPU of forge and its children (perf stat task-clock, mean
# of RUNS), and wall and peak RSS (GNU time, median of RUNS). NICE (default 0) runs the measured commands at that
# niceness, so a background load started with a higher niceness disturbs them less (root needed below 0).
#   ROUNDS=3 RUNS=20 NICE=-10 bench/forge-turn-in-clone.sh /tmp/size/base/forge /tmp/size/after/forge
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-20}
rounds=${ROUNDS:-2}
nice_level=${NICE:-0}
work=$(mktemp -d /tmp/forge-turn-in-clone.XXXXXX)
port=$((20000 + RANDOM % 20000))
node "$repo/bench/fake-openai.mjs" "$port" &
fake=$!
trap 'kill $fake 2>/dev/null; rm -rf "$work"' EXIT
git() { command git -c user.name=bench -c user.email=bench@example.com -c commit.gpgsign=false "$@"; }
mkdir -p "$work/home" "$work/origin"
(cd "$work/origin" && git init -q -b main && for i in $(seq 50); do printf 'line %s\n' "$i" > "f$i.txt"; done &&
  git add . && git commit -q -m "fifty files" && git branch develop)
git clone -q "$work/origin" "$work/repo"
echo "changed" >> "$work/repo/f1.txt"
export OPENAI_BASE_URL="http://127.0.0.1:$port/v1" OPENAI_API_KEY=sk-fake HOME="$work/home"
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
cd "$work/repo"
turn=(-p "say hello" --provider openai --model gpt-4.1)

echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for forge in "$@"; do
  "$forge" "${turn[@]}" | grep -q hello || { echo "no answer from $forge" >&2; exit 1; }
  strace -f -qq -e trace=execve -e signal=none -o "$work/trace" "$forge" "${turn[@]}" >/dev/null
  echo "$forge executes: $(grep -o 'execve("[^"]*", \["[^"]*", "[^"]*"' "$work/trace" | sed -E 's/.*\["([^"]*)", "([^"]*)"/\1 \2/' | sort | uniq -c | tr -s ' ' | paste -sd ',')"
done
printf '| round | binary | CPU ms (task-clock, mean of %s) | wall ms (median) | peak RSS MiB (median) |\n|---|---|---|---|---|\n' "$runs"
for round in $(seq "$rounds"); do
  for forge in "$@"; do
    cpu=$(nice -n "$nice_level" perf stat -x, -r "$runs" -e task-clock "$forge" "${turn[@]}" 2>&1 >/dev/null | grep task-clock | cut -d, -f1)
    for _ in $(seq "$runs"); do
      nice -n "$nice_level" /usr/bin/time -f '%e %M' -o "$work/t" "$forge" "${turn[@]}" >/dev/null
      cat "$work/t"
    done > "$work/runs"
    mid=$(( (runs + 1) / 2 ))
    wall=$(cut -d' ' -f1 "$work/runs" | sort -n | sed -n "${mid}p")
    rss=$(cut -d' ' -f2 "$work/runs" | sort -n | sed -n "${mid}p")
    awk -v r="$round" -v f="$forge" -v c="$cpu" -v w="$wall" -v m="$rss" \
      'BEGIN { printf "| %d | %s | %.1f | %d | %.1f |\n", r, f, c, w * 1000, m / 1024 }'
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
