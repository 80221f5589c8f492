#!/usr/bin/env bash
# `forge --version` start-up time, side by side in one run: the framework-dependent (JIT) build and the Native AOT
# binary. Builds both into /tmp unless JIT_DIR / AOT_DIR point at existing ones.
#   bench/forge-startup.sh              (hyperfine if installed: apt-get install -y hyperfine; else a date +%s%N loop)
#   RUNS=50 bench/forge-startup.sh
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
jit_dir=${JIT_DIR:-/tmp/forge-bench-jit}
aot_dir=${AOT_DIR:-/tmp/forge-bench-aot}
runs=${RUNS:-30}
compiler=${CPP_COMPILER:-$(command -v clang >/dev/null && echo clang || echo clang-14)}

if [[ ! -x $jit_dir/forge ]]; then
  dotnet publish "$repo/src/CodeForge.Cli" -c Release -p:PublishAot=false -o "$jit_dir" >/dev/null
fi
if [[ ! -x $aot_dir/forge ]]; then
  dotnet publish "$repo/src/CodeForge.Cli" -c Release -r linux-x64 -p:CppCompilerAndLinker="$compiler" -o "$aot_dir" >/dev/null
fi
echo "JIT: $jit_dir/forge ($(du -sh "$jit_dir" | cut -f1) folder)   AOT: $aot_dir/forge ($(du -h "$aot_dir/forge" | cut -f1))"

if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 5 --runs "$runs" \
    -n "JIT (framework-dependent)" "$jit_dir/forge --version" \
    -n "Native AOT" "$aot_dir/forge --version"
else
  for name in jit aot; do
    dir=${name}_dir; bin=${!dir}/forge
    for _ in 1 2 3 4 5; do "$bin" --version >/dev/null; done
    total=0; best=999999999
    for _ in $(seq "$runs"); do
      start=$(date +%s%N); "$bin" --version >/dev/null; end=$(date +%s%N)
      ms=$(( (end - start) / 1000 )); total=$((total + ms)); (( ms < best )) && best=$ms
    done
    printf '%-4s forge --version: mean %d.%03d ms, min %d.%03d ms over %d runs\n' "$name" \
      $((total / runs / 1000)) $((total / runs % 1000)) $((best / 1000)) $((best % 1000)) "$runs"
  done
fi
