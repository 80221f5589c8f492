#!/usr/bin/env bash
# Resident memory of a `forge -p` held in its first model call, per provider/model, for one or more forge binaries run
# alternately (same machine state). A local socket accepts the request and never answers, so the process sits at the
# point where everything a one-turn run loads before its first request is loaded; VmRSS and VmHWM are read from
# /proc/PID/status after HOLD seconds, then the process is killed.
#   bench/forge-first-call-rss.sh BINARY...            RUNS=3 HOLD=4 bench/forge-first-call-rss.sh /tmp/a/forge /tmp/b/forge
set -euo pipefail
runs=${RUNS:-3}
hold=${HOLD:-4}
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 - "$port" <<'PY' &
import socket, sys, threading
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(64)
held = []
while True:
    c, _ = s.accept(); held.append(c)   # accept, read nothing back, never answer
PY
holder=$!
FORGE_BINARIES="$*"
trap 'kill $holder 2>/dev/null; rm -rf "$work"' EXIT
mkdir -p "$work/home" "$work/repo"
export HOME="$work/home" OPENAI_API_KEY=sk-fake ANTHROPIC_API_KEY=sk-fake \
  OPENAI_BASE_URL="http://127.0.0.1:$port/v1" ANTHROPIC_BASE_URL="http://127.0.0.1:$port"
printf '| binary | provider/model | VmRSS (MiB) per run | VmHWM (MiB) per run |\n|---|---|---|---|\n'
for model in "openai gpt-4o" "openai gpt-5" "anthropic sonnet"; do
  provider=${model% *} name=${model#* }
  declare -A rss=() hwm=()
  for ((r = 0; r < runs; r++)); do
    for bin in $FORGE_BINARIES; do
      (cd "$work/repo" && exec "$bin" -p hello --provider "$provider" --model "$name" --output-format text >/dev/null 2>&1) &
      pid=$!
      sleep "$hold"
      kb=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
      hk=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
      kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
      rss[$bin]+="$(awk -v k="$kb" 'BEGIN{printf "%.1f ", k/1024}')"
      hwm[$bin]+="$(awk -v k="$hk" 'BEGIN{printf "%.1f ", k/1024}')"
    done
  done
  for bin in $FORGE_BINARIES; do
    printf '| %s | %s %s | %s| %s|\n' "$bin" "$provider" "$name" "${rss[$bin]}" "${hwm[$bin]}"
  done
  unset rss hwm
done
