#!/usr/bin/env python3
"""Hook decisions side by side with Claude Code: one plugin of a marketplace, installed alone in each, and tool calls
that its PreToolUse hooks may block.

Usage:
  node tests/agent-sdk/fake-anthropic.mjs 18765 &     # the fake Anthropic server: TOOL:<Name>:<json> makes a tool call
  bench/marketplace-hooks.py MARKETPLACE_DIR PLUGIN WORK_DIR --port 18765 --claude PATH --forge "dotnet …/forge.dll" \
      [--rule FILE] CASE.json…       # each CASE is {"tool": "Bash", "input": {...}}; a leading @ reads a file

Each side gets a scratch HOME and a fresh git project under WORK_DIR (a --rule file is copied into its .claude/), runs
`-p 'TOOL:<tool>:<input>' --output-format stream-json --verbose --allowedTools Bash Write Edit` (so permissions allow the
call and only hooks decide) and reads the tool_result: "blocked" (an error naming a hook), "allowed", or what else it
was. Prints one line per case with both decisions.
"""
import argparse
import json
import os
import shlex
import shutil
import subprocess


def run(cmd, env, cwd, timeout=180):
    p = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def decision(stdout):
    for line in stdout.splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if event.get("type") != "user":
            continue
        content = event.get("message", {}).get("content", [])
        for block in content if isinstance(content, list) else []:
            if isinstance(block, dict) and block.get("type") == "tool_result":
                text = json.dumps(block.get("content"))
                if block.get("is_error") and "hook" in text.lower():
                    return "blocked", text[:160]
                return ("error" if block.get("is_error") else "allowed"), text[:160]
    return "no tool call", ""


def side(name, base, a, cases, extra_flags):
    work = os.path.join(os.path.abspath(a.work), name)
    shutil.rmtree(work, ignore_errors=True)
    home, project = os.path.join(work, "home"), os.path.join(work, "project")
    os.makedirs(home)
    os.makedirs(project)
    subprocess.run(["git", "init", "-q", project], check=True)
    if a.rule:
        os.makedirs(os.path.join(project, ".claude"))
        shutil.copy(a.rule, os.path.join(project, ".claude", os.path.basename(a.rule)))
    env = dict(os.environ, HOME=home, ANTHROPIC_API_KEY="sk-fake", ANTHROPIC_BASE_URL=f"http://127.0.0.1:{a.port}",
               DISABLE_AUTOUPDATER="1", CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC="1")
    market = json.load(open(os.path.join(a.market_dir, ".claude-plugin", "marketplace.json")))["name"]
    run(base + ["plugin", "marketplace", "add", os.path.abspath(a.market_dir)], env, project)
    rc, out, err = run(base + ["plugin", "install", f"{a.plugin}@{market}"], env, project)
    if rc != 0:
        raise SystemExit(f"{name}: install failed: {out}{err}")
    results = []
    for case in cases:
        prompt = f"TOOL:{case['tool']}:{json.dumps(case['input'], separators=(',', ':'))}"
        _, out, _ = run(base + ["-p", prompt, "--output-format", "stream-json", "--verbose",
                                "--allowedTools", "Bash", "Write", "Edit"] + extra_flags, env, project)
        results.append(decision(out))
    return results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("market_dir")
    ap.add_argument("plugin")
    ap.add_argument("work")
    ap.add_argument("cases", nargs="+")
    ap.add_argument("--port", type=int, default=18765)
    ap.add_argument("--claude", required=True)
    ap.add_argument("--forge", required=True)
    ap.add_argument("--rule")
    a = ap.parse_args()
    cases = [json.load(open(c[1:])) if c.startswith("@") else json.loads(c) for c in a.cases]
    cc = side("claude", [a.claude], a, cases, ["--model", "claude-sonnet-4-5"])
    fg = side("forge", shlex.split(a.forge), a, cases, ["--provider", "anthropic", "--model", "claude-sonnet-4-5"])
    same = 0
    for case, c, f in zip(cases, cc, fg):
        same += c[0] == f[0]
        print(f"{'same' if c[0] == f[0] else 'DIFF'}  {case['tool']} {json.dumps(case['input'])[:70]:70}  claude: {c[0]:8} forge: {f[0]}")
        if c[0] != f[0]:
            print(f"      claude: {c[1]}\n      forge:  {f[1]}")
    print(f"{same} of {len(cases)} decisions the same")


if __name__ == "__main__":
    main()
