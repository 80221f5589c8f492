#!/usr/bin/env python3
"""Mutation score per Core folder and per file from Stryker's mutation-report.json (used by tools/mutation.sh).

    tools/mutation-summary.py REPORT.json [--survivors]

Score = (killed + timeout) / (killed + timeout + survived + no coverage), as Stryker computes it; compile errors and
ignored mutants do not count. --survivors also lists every surviving mutant (file:line, mutator, replacement).
"""
import json
import sys
from collections import defaultdict

COUNTED = ("killed", "timeout", "survived", "nocoverage")


def folder_of(name: str) -> str:
    marker = "src/CodeForge.Core/"
    rel = name[name.index(marker) + len(marker):] if marker in name else name
    return rel.split("/")[0] if "/" in rel else "(root)"


def line(counts, label):
    detected = counts["killed"] + counts["timeout"]
    valid = detected + counts["survived"] + counts["nocoverage"]
    if not valid:
        return None
    return (f"{100 * detected / valid:6.1f}%  {detected:4}/{valid:<4}  killed {counts['killed']}, timeout "
            f"{counts['timeout']}, survived {counts['survived']}, no coverage {counts['nocoverage']}  {label}")


def main() -> None:
    files = json.load(open(sys.argv[1]))["files"]
    per_folder = defaultdict(lambda: dict.fromkeys(COUNTED, 0))
    per_file = {}
    survivors = []
    for name, f in sorted(files.items()):
        counts = dict.fromkeys(COUNTED, 0)
        for m in f["mutants"]:
            s = m["status"].lower()
            if s in counts:
                counts[s] += 1
            if s in ("survived", "nocoverage"):
                survivors.append((name, m))
        per_file[name] = counts
        for k in COUNTED:
            per_folder[folder_of(name)][k] += counts[k]
    total = dict.fromkeys(COUNTED, 0)
    print("per folder:")
    for folder, counts in sorted(per_folder.items()):
        for k in COUNTED:
            total[k] += counts[k]
        text = line(counts, folder)
        if text:
            print(text)
    print(line(total, "total") or "no mutants")
    print("per file:")
    for name, counts in per_file.items():
        text = line(counts, name.split("src/CodeForge.Core/")[-1])
        if text:
            print(text)
    if "--survivors" in sys.argv:
        print("survivors:")
        for name, m in survivors:
            loc = m["location"]["start"]
            print(f"{m['status']:10} {name.split('src/CodeForge.Core/')[-1]}:{loc['line']}  {m['mutatorName']}: "
                  f"{m.get('replacement', '').strip()[:100]}")


if __name__ == "__main__":
    main()
