#!/usr/bin/env python3
"""Test the mutants of a Stryker run one by one in the xunit v3 test process itself (docs/verification.md §4).

    tools/mutation-replay.py STRYKER_LOG FOLDER [-j JOBS] [-t TIMEOUT_S] [--limit N] [--after ID]

Stryker's VSTest runner activates a mutant inside the VSTest testhost, but xunit v3 runs the tests in a child process,
so no mutant is ever active where the tests run. The mutated assembly Stryker compiled (it stays injected in
tests/mutation/bin/Debug/net10.0/CodeForge.Core.dll after the run) also reads the active mutant id from the environment
variable named by STRYKER_MUTANT_ID_CONTROL_VAR; this script sets it and runs the test executable directly, once per
mutant, with only FOLDER's tests (namespace CodeForge.Core.Tests.FOLDER). Mutants come from Stryker's log (-L): those
created in files under src/CodeForge.Core/FOLDER/ whose id is compiled into the assembly (ids rolled back for compile
errors are absent). Exit 0 = survived; timeout = timeout (detected, as Stryker counts it); any other exit = killed.
Prints one TSV line per mutant (id, status, file, mutation) and the score.
"""
import argparse
import concurrent.futures
import os
import re
import struct
import subprocess
import sys
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "tests/mutation/bin/Debug/net10.0")


def mutants_in_log(log: str, folder: str) -> dict[int, tuple[str, str]]:
    current, found = None, {}
    for line in open(log, errors="replace"):
        m = re.search(r'\[DBG\] Mutating "([^"]+)"', line)
        if m:
            current = m.group(1)
            continue
        m = re.search(r'\[DBG\] Mutant (\d+) created "(.*)', line)
        if m and current and f"/src/CodeForge.Core/{folder}/" in current:
            found[int(m.group(1))] = (current.split("/src/CodeForge.Core/")[-1], m.group(2)[:160])
    return found


def compiled_ids(dll: str) -> set[int]:
    # Mutants are placed as `if (MutantControl.IsActive(<id>))`: ldc.i4 <id> (0x20 + int32) then call <MethodDef token>.
    # The token that follows the most such constants is IsActive.
    data = open(dll, "rb").read()
    per_token: dict[int, set[int]] = {}
    i = data.find(b"\x20")
    while i != -1 and i + 10 <= len(data):
        if data[i + 5] == 0x28:
            value = struct.unpack_from("<i", data, i + 1)[0]
            token = struct.unpack_from("<I", data, i + 6)[0]
            if value >= 128 and token >> 24 == 0x06:
                per_token.setdefault(token, set()).add(value)
        i = data.find(b"\x20", i + 1)
    return max(per_token.values(), key=len) if per_token else set()


def run(mutant: int, folder: str, timeout: float) -> str:
    env = dict(os.environ, STRYKER_MUTANT_ID_CONTROL_VAR="STRYKER_ACTIVE_MUTANT", STRYKER_ACTIVE_MUTANT=str(mutant))
    try:
        done = subprocess.run([os.path.join(BIN, "CodeForge.Core.Tests"), "-namespace", f"CodeForge.Core.Tests.{folder}",
                               "-stopOnFail"], env=env, cwd=BIN, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return "timeout"
    return "survived" if done.returncode == 0 else "killed"


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("log")
    p.add_argument("folder")
    p.add_argument("-j", type=int, default=1)
    p.add_argument("-t", type=float, default=120)
    p.add_argument("--limit", type=int, default=0)
    p.add_argument("--after", type=int, default=-1, help="test only mutants with a greater id (to resume)")
    a = p.parse_args()
    if run(-1, a.folder, a.t) != "survived":
        sys.exit("the tests fail with no mutant active: fix that first")
    candidates = mutants_in_log(a.log, a.folder)
    present = compiled_ids(os.path.join(BIN, "CodeForge.Core.dll"))
    ids = sorted(i for i in candidates if i in present and i > a.after)
    if a.limit:
        ids = ids[: a.limit]
    print(f"# {len(candidates)} mutants in {a.folder}, {len(ids)} compiled in; testing them", flush=True)
    counts: Counter[str] = Counter()
    with concurrent.futures.ThreadPoolExecutor(a.j) as pool:
        for mutant, status in zip(ids, pool.map(lambda m: run(m, a.folder, a.t), ids)):
            counts[status] += 1
            file, text = candidates[mutant]
            print(f"{mutant}\t{status}\t{file}\t{text}", flush=True)
    detected = counts["killed"] + counts["timeout"]
    total = detected + counts["survived"]
    if total:
        print(f"# {a.folder}: {100 * detected / total:.1f}%  {detected}/{total}  killed {counts['killed']}, "
              f"timeout {counts['timeout']}, survived {counts['survived']}")


if __name__ == "__main__":
    main()
