#!/usr/bin/env python3
"""Test the mutants of a Stryker run one by one in the xunit v3 test process itself (docs/verification.md §4).

    tools/mutation-replay.py STRYKER_LOG FOLDER [-j JOBS] [-t TIMEOUT_S] [--limit N] [--after ID]
                             [--sample N --seed S] [--ids ID,ID,...] [--file TEXT] [--cache TSV] [--bin DIR] [--narrow]
                             [--exclude-method PATTERN ...]

Stryker's VSTest runner activates a mutant inside the VSTest testhost, but xunit v3 runs the tests in a child process,
so no mutant is ever active where the tests run. The mutated assembly Stryker compiled (it stays injected in
tests/mutation/bin/Debug/net10.0/CodeForge.Core.dll after the run) also reads the active mutant id from the environment
variable named by STRYKER_MUTANT_ID_CONTROL_VAR; this script sets it and runs the test executable directly, once per
mutant, with only FOLDER's tests (namespace CodeForge.Core.Tests.FOLDER and its sub-namespaces). Mutants come from Stryker's log (-L): those
created in files under src/CodeForge.Core/FOLDER/ whose id is compiled into the assembly (ids rolled back for compile
errors are absent). Exit 0 = survived; any other exit = killed. A run that exceeds -t is NOT taken as detected at once:
under load a slow but passing run looks like a hang. It is re-run alone (no other replay process running) with
--retry-timeout seconds (default 4 x -t): exit 0 then = survived, another exit = killed, and only a second timeout is
recorded as "timeout" (a hang: detected, as Stryker counts it). The summary prints timeouts separately, and the score
with every timeout counted as survived as a lower bound. Prints one TSV line per mutant (id, status, seconds, file,
mutation) and the score.

--sample N --seed S tests a uniform random sample of N of the folder's compiled mutants (the first N of the sorted ids
after random.Random(S).shuffle, so the same seed gives the same sample, a larger N extends a smaller one, and a run
stopped early has still tested a uniform sample) and prints the score as an ESTIMATE with its 95 % Wilson confidence
interval: for folders too large to replay completely on a loaded machine. --ids tests only the given mutants (to check
that a new test kills them); --file only those in files whose path contains TEXT (to replay the locking code of a
folder completely). --cache TSV reuses the results recorded there (this script's output lines) and appends new ones,
so a sample and a file replay share the mutants they have in common. --bin runs a copy of the test output folder (so
the test project can be rebuilt meanwhile); --skip-baseline skips the first run with no mutant active
(only when an earlier invocation on the same --bin passed it: without it a broken setup scores every mutant killed).
"""
import argparse
import math
import random
import concurrent.futures
import os
import re
import struct
import subprocess
import sys
import time
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "tests/mutation/bin/Debug/net10.0")
BIN_DIR = [BIN]
EXCLUDED_METHODS: list[str] = []


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


def wilson(detected: int, total: int, z: float = 1.96) -> tuple[float, float]:
    p = detected / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z / (1 + z * z / total) * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total))
    return max(0.0, centre - half), min(1.0, centre + half)


def timed(mutant: int, folder: str, timeout: float, narrow_class: str = "") -> tuple[str, float]:
    start = time.monotonic()
    # --narrow: first only the test class named after the mutated file (FooTests for Foo.cs). A failure there is a
    # failure of the folder's run too, so "killed" is final; a pass (or no such class) says nothing: the folder's
    # tests decide, as without --narrow. The result is the same; only killed mutants get cheaper.
    if narrow_class and run(mutant, folder, timeout, narrow_class) == "killed":
        return "killed", time.monotonic() - start
    status = run(mutant, folder, timeout)
    return status, time.monotonic() - start


def run(mutant: int, folder: str, timeout: float, test_class: str = "") -> str:
    BIN = BIN_DIR[0]
    env = dict(os.environ, STRYKER_MUTANT_ID_CONTROL_VAR="STRYKER_ACTIVE_MUTANT", STRYKER_ACTIVE_MUTANT=str(mutant))
    # xunit v3's -namespace matches one namespace exactly: the second filter (ORed) adds the sub-namespaces
    # (Tools.BuiltIn, Shells.Sandbox, ...).
    ns = f"CodeForge.Core.Tests.{folder}"
    scope = ["-class", f"*.{test_class}"] if test_class else ["-namespace", ns, "-namespace", f"{ns}.*"]
    for pattern in EXCLUDED_METHODS:
        scope += ["-method-", pattern]
    try:
        done = subprocess.run([os.path.join(BIN, "CodeForge.Core.Tests"), *scope,
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
    p.add_argument("--sample", type=int, default=0, help="test a uniform random sample of N mutants (an estimate)")
    p.add_argument("--seed", type=int, default=1, help="seed of --sample")
    p.add_argument("--file", default="", help="only mutants in files whose path contains this text")
    p.add_argument("--bin", default=BIN, help="the test output folder holding the mutated CodeForge.Core.dll (default: "
                   "Stryker's; a copy lets the test project be rebuilt meanwhile; keep it inside the repository: "
                   "tests find tests/Fixtures by walking up from it)")
    p.add_argument("--narrow", action="store_true", help="run the mutated file's own test class (FooTests for Foo.cs) "
                   "first; only mutants it does not kill run the folder's tests (same result, fewer long runs)")
    p.add_argument("--skip-baseline", action="store_true", help="do not first check that the tests pass with no mutant")
    p.add_argument("--cache", default="", help="TSV of earlier results to reuse and append to")
    p.add_argument("--ids", default="", help="comma-separated mutant ids to test (others are skipped)")
    p.add_argument("--retry-timeout", type=float, default=0, help="seconds for the lone re-run of a mutant that timed "
                   "out (default 4 x -t); only a second timeout counts as a hang (detected)")
    p.add_argument("--exclude-method", action="append", default=[], help="a test method (xunit's -method- pattern, "
                   "e.g. '*.FooTests.Bar_*') left out of every run, baseline included: a test of a source change made "
                   "after Stryker compiled the mutated assembly fails against it with no mutant active")
    a = p.parse_args()
    EXCLUDED_METHODS.extend(a.exclude_method)
    BIN_DIR[0] = os.path.abspath(a.bin)
    if not a.skip_baseline and run(-1, a.folder, a.t) != "survived":
        sys.exit("the tests fail with no mutant active: fix that first")
    candidates = mutants_in_log(a.log, a.folder)
    if a.file:
        candidates = {i: v for i, v in candidates.items() if a.file in v[0]}
    cached: dict[int, tuple[str, float]] = {}
    if a.cache and os.path.exists(a.cache):
        for row in open(a.cache):
            parts = row.split("\t")
            if len(parts) >= 3 and parts[0].isdigit():
                cached[int(parts[0])] = (parts[1], float(parts[2]))
    cache = open(a.cache, "a") if a.cache else None
    present = compiled_ids(os.path.join(BIN_DIR[0], "CodeForge.Core.dll"))
    compiled = sorted(i for i in candidates if i in present)
    ids = [i for i in compiled if i > a.after]
    if a.ids:
        wanted = {int(x) for x in a.ids.split(",") if x.strip()}
        ids = [i for i in ids if i in wanted]
    if a.sample:
        # A seeded shuffle, cut to N: every prefix of it is a uniform random sample, so a larger N extends a smaller
        # one (with --cache, only the new mutants are run) and a run stopped early still tested a uniform sample.
        random.Random(a.seed).shuffle(ids)
        ids = ids[: a.sample]
    if a.limit:
        ids = ids[: a.limit]
    sampled = f"a random sample (seed {a.seed}) of " if a.sample and len(ids) < len(compiled) else ""
    print(f"# {len(candidates)} mutants in {a.folder}, {len(compiled)} compiled in; testing {sampled}{len(ids)}",
          flush=True)
    counts: Counter[str] = Counter()
    started = time.monotonic()
    retry = a.retry_timeout or 4 * a.t
    results: dict[int, tuple[str, float]] = {}
    recheck: list[int] = []

    def record(mutant: int, status: str, seconds: float, note: str = "") -> None:
        results[mutant] = (status, seconds)
        file, text = candidates[mutant]
        line = f"{mutant}\t{status}\t{seconds:.1f}\t{file}\t{text}"
        print(line + note, flush=True)
        if cache and mutant not in cached:
            cache.write(line + "\n")
            cache.flush()

    with concurrent.futures.ThreadPoolExecutor(a.j) as pool:
        def one(m: int) -> tuple[str, float]:
            narrow = os.path.splitext(os.path.basename(candidates[m][0]))[0] + "Tests" if a.narrow else ""
            return cached[m] if m in cached else timed(m, a.folder, a.t, narrow)
        for mutant, (status, seconds) in zip(ids, pool.map(one, ids)):
            if status == "timeout" and mutant not in cached:
                recheck.append(mutant)  # decided after the pool, alone
                print(f"# {mutant} timed out after {seconds:.0f} s beside {a.j - 1} other run(s): re-run alone later",
                      flush=True)
                continue
            record(mutant, status, seconds, "\t(cached)" if mutant in cached else "")
    # A timeout beside other runs may be a slow pass: re-run each alone with a longer bound; only a second timeout is a
    # hang. (Cached rows are final: this script writes "timeout" only after that second timeout.)
    for mutant in recheck:
        status, seconds = timed(mutant, a.folder, retry)
        record(mutant, status, seconds, f"\t(re-run alone after a timeout, bound {retry:.0f} s)")
    for mutant in ids:
        counts[results[mutant][0]] += 1
    detected = counts["killed"] + counts["timeout"]
    total = detected + counts["survived"]
    if total:
        elapsed = time.monotonic() - started
        detail = (f"{detected}/{total}  killed {counts['killed']}, timeout (hung twice, second time alone) "
                  f"{counts['timeout']}, survived {counts['survived']}; {len(recheck)} first-run timeout(s) re-run "
                  f"alone  ({elapsed:.0f} s, {elapsed / total:.1f} s per mutant with -j {a.j})")
        lower = f"; {100 * counts['killed'] / total:.1f}% with timeouts counted as survived"
        if sampled:
            low, high = wilson(detected, total)
            print(f"# {a.folder}: ESTIMATE {100 * detected / total:.1f}% (95% Wilson CI {100 * low:.1f}-"
                  f"{100 * high:.1f}%) from a sample of {total} of {len(compiled)} mutants (seed {a.seed}){lower}  "
                  f"{detail}")
        else:
            print(f"# {a.folder}: {100 * detected / total:.1f}%{lower}  {detail}")


if __name__ == "__main__":
    main()
