#!/usr/bin/env python3
"""Runs interactive `forge --provider openai --model gpt-4.1` on a pseudo-terminal, types /context (which counts the
system prompt and tool schemas with the exact o200k tokenizer, loading it on first use) and prints the context line and
how long it took. No model request is made. Run it in a scratch git folder with HOME a scratch home:

    HOME=/tmp/h OPENAI_API_KEY=sk-fake bench/forge-context-count.py FORGE"""
import os, pty, re, select, sys, time
forge = sys.argv[1]
pid, fd = pty.fork()
if pid == 0:
    os.environ["TERM"] = "xterm-256color"; os.environ.setdefault("COLUMNS", "120")
    os.execv(forge, [forge, "--provider", "openai", "--model", "gpt-4.1"])
seen = b""; sent = False; start = time.time(); line = None
while time.time() - start < 120:
    r, _, _ = select.select([fd], [], [], 0.5)
    if not r: continue
    try: chunk = os.read(fd, 65536)
    except OSError: break
    if not chunk: break
    seen += chunk
    if not sent and b"> " in seen[seen.find(b"CodeForge"):] and b"CodeForge" in seen:
        os.write(fd, b"/context\r"); sent = True; t0 = time.time()
    if sent:
        text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", seen.decode("utf-8", "replace"))
        m = re.search(r"Context\s+([\d,]+) / ([\d,]+) tokens", text)
        if m and line is None:
            line = m.group(0); print(f"{line} (answered {1000*(time.time()-t0):.0f} ms after /context)"); os.write(fd, b"/exit\r")
while True:
    try:
        if not os.read(fd, 65536): break
    except OSError: break
os.waitpid(pid, 0)
if line is None:
    sys.stderr.write(re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", seen.decode("utf-8", "replace"))[-1500:] + "\n"); sys.exit(1)
