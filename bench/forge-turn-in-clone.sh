#!/usr/bin/env bash
# One `forge -p` turn in a cloned 50-file git repository (origin/HEAD set, as after `git clone`) against the instant fake
# OpenAI server (bench/fake-openai.mjs), for each binary given, side by side in one run, ROUNDS times alternating:
# the programs the run executes (strace -f -e trace=execve), CPU of forge and its children (perf stat task-clock, mean
# of RUNS), and wall and peak RSS (GNU time, median of RUNS). NICE (default 0) runs the measured commands at that
# niceness, so a background load started with a higher niceness disturbs them less (root needed below 0).
# A binary may be given with environment settings before it, comma-separated (every binary then runs through `env`, so
# the comparison stays even), to compare one binary with a switch on and off; each round also times `forge --version`:
#   ROUNDS=3 RUNS=20 NICE=-10 bench/forge-turn-in-clone.sh /tmp/size/base/forge /tmp/size/after/forge
#   ROUNDS=3 RUNS=20 bench/forge-turn-in-clone.sh FORGE_PREFAULT=0,/tmp/pf/forge FORGE_PREFAULT=1,/tmp/pf/forge
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

# "A=1,B=2,/path/forge" -> the command `env A=1 B=2 /path/forge` (plain paths run through `env` too when any has settings).
uses_env=no
for spec in "$@"; do case "$spec" in *,*) uses_env=yes ;; esac; done
command_of() {
  local spec=$1
  if [ "$uses_env" = yes ]; then
    IFS=, read -r -a parts <<< "$spec"
    forge=(env "${parts[@]}")
  else
    forge=("$spec")
  fi
}

echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for spec in "$@"; do
  command_of "$spec"
  "${forge[@]}" "${turn[@]}" | grep -q hello || { echo "no answer from $spec" >&2; exit 1; }
  strace -f -qq -e trace=execve -e signal=none -o "$work/trace" "${forge[@]}" "${turn[@]}" >/dev/null
  echo "$spec executes: $(grep -o 'execve("[^"]*", \["[^"]*", "[^"]*"' "$work/trace" | sed -E 's/.*\["([^"]*)", "([^"]*)"/\1 \2/' | sort | uniq -c | tr -s ' ' | paste -sd ',')"
done
printf '| round | binary | CPU ms (task-clock, mean of %s) | page faults (mean) | wall ms (median) | peak RSS MiB (median) | `--version` CPU ms, page faults (mean of %s) |\n|---|---|---|---|---|---|---|\n' "$runs" "$runs"
for round in $(seq "$rounds"); do
  for spec in "$@"; do
    command_of "$spec"
    stat=$(nice -n "$nice_level" perf stat -x, -r "$runs" -e task-clock,page-faults "${forge[@]}" "${turn[@]}" 2>&1 >/dev/null)
    cpu=$(grep task-clock <<< "$stat" | cut -d, -f1)
    faults=$(grep page-faults <<< "$stat" | cut -d, -f1)
    version=$(nice -n "$nice_level" perf stat -x, -r "$runs" -e task-clock,page-faults "${forge[@]}" --version 2>&1 >/dev/null)
    vcpu=$(grep task-clock <<< "$version" | cut -d, -f1)
    vfaults=$(grep page-faults <<< "$version" | cut -d, -f1)
    for _ in $(seq "$runs"); do
      nice -n "$nice_level" /usr/bin/time -f '%e %M' -o "$work/t" "${forge[@]}" "${turn[@]}" >/dev/null
      cat "$work/t"
    done > "$work/runs"
    mid=$(( (runs + 1) / 2 ))
    wall=$(cut -d' ' -f1 "$work/runs" | sort -n | sed -n "${mid}p")
    rss=$(cut -d' ' -f2 "$work/runs" | sort -n | sed -n "${mid}p")
    awk -v r="$round" -v f="$spec" -v c="$cpu" -v p="$faults" -v w="$wall" -v m="$rss" -v vc="$vcpu" -v vp="$vfaults" \
      'BEGIN { printf "| %d | %s | %.1f | %d | %d | %.1f | %.1f, %d |\n", r, f, c, p, w * 1000, m / 1024, vc, vp }'
  done
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
