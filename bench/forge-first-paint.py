#!/usr/bin/env python3
"""Time to the interactive UI's first paint: starts `forge` (no arguments) on a pseudo-terminal, as a user's terminal
would, and measures from the moment before exec to the moment the welcome panel ("CodeForge") has arrived on the
terminal, then to the prompt ("> "), then types /exit. Prints the median and the range over RUNS runs.

    bench/forge-first-paint.py FORGE [RUNS]        e.g. bench/forge-first-paint.py artifacts/forge/native/forge 20

Run it in a scratch git folder with HOME set to a scratch home and a fake API key (bench/compare.sh does); forge makes
no model request before the first prompt is sent."""
import os, pty, select, statistics, sys, time

forge = sys.argv[1]
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 10


def one_run():
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm-256color"
        os.environ.setdefault("COLUMNS", "100")
        os.execv(forge, [forge])
    seen = b""
    paint = prompt = None
    deadline = start + 30
    while time.perf_counter() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
        now = time.perf_counter()
        if paint is None and b"CodeForge" in seen:
            paint = now
        if paint is not None and prompt is None and b"> " in seen[seen.find(b"CodeForge"):]:
            prompt = now
            os.write(fd, b"/exit\r")
    # Drain until forge exits.
    while True:
        try:
            if not os.read(fd, 65536):
                break
        except OSError:
            break
    os.waitpid(pid, 0)
    os.close(fd)
    if paint is None:
        sys.stderr.write(seen.decode("utf-8", "replace")[-2000:] + "\n")
        raise SystemExit("forge-first-paint: no welcome panel within 30 s")
    return (paint - start) * 1000, ((prompt or paint) - start) * 1000


one_run()  # warm-up (page cache)
paints, prompts = zip(*(one_run() for _ in range(runs)))
print(f"first paint (welcome panel): median {statistics.median(paints):.1f} ms, range {min(paints):.1f}-{max(paints):.1f} ms ({runs} runs)")
print(f"prompt shown:                median {statistics.median(prompts):.1f} ms, range {min(prompts):.1f}-{max(prompts):.1f} ms")
