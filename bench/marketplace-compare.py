#!/usr/bin/env python3
"""Side by side with Claude Code: install every plugin of one marketplace in both, and compare what a session sees.

Usage:
  bench/marketplace-compare.py MARKETPLACE_DIR WORK_DIR --claude PATH --forge "dotnet src/CodeForge.Cli/bin/Debug/net10.0/forge.dll"

For each side (a scratch HOME of its own under WORK_DIR): `plugin marketplace add MARKETPLACE_DIR`, then
`plugin install <name>@<marketplace>` for every entry of its marketplace.json; then one `-p` session in stream-json
against a dead ANTHROPIC_BASE_URL (127.0.0.1:9: nothing listens, and the `system`/`init` line is written before the
first request) whose init line lists the loaded plugins, skills, slash commands and agents. forge is asked with
`--input-format stream-json` (its init line lists them in that mode). Hooks are compared by what they decide, with
bench/marketplace-hooks.py. The script compares the init lines and reports:
  - entries each side installed / refused (with the first line of the refusal),
  - plugins loaded by each side,
  - per plugin: skills, commands, agents that only one side has.
Claude Code's built-ins (names without `plugin:`, plugins with path `builtin`) are left out.
Writes WORK_DIR/report.json and prints a summary. Needs no network (local sources only; remote sources are refused
by both offline, and listed).
"""
import argparse
import json
import os
import shlex
import subprocess
import sys


def run(cmd, home, cwd, timeout=120):
    env = dict(os.environ, HOME=home, ANTHROPIC_API_KEY="sk-dummy", ANTHROPIC_BASE_URL="http://127.0.0.1:9",
               DISABLE_AUTOUPDATER="1", CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC="1")
    try:
        p = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
        return p.returncode, p.stdout + p.stderr
    except subprocess.TimeoutExpired:
        return 124, "timeout"


def init_line(cmd, home, cwd, stdin_text=None, timeout=180):
    """Runs a session and returns its first stdout line (the init event) as JSON, killing the process after it."""
    env = dict(os.environ, HOME=home, ANTHROPIC_API_KEY="sk-dummy", ANTHROPIC_BASE_URL="http://127.0.0.1:9",
               DISABLE_AUTOUPDATER="1", CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC="1")
    p = subprocess.Popen(cmd, env=env, cwd=cwd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=open(os.path.join(home, "session-stderr.txt"), "w"), text=True)
    if stdin_text is not None:
        p.stdin.write(stdin_text)
        p.stdin.flush()
    else:
        p.stdin.close()
    try:
        for line in p.stdout:
            line = line.strip()
            if not line.startswith("{"):
                continue
            event = json.loads(line)
            if event.get("type") == "system" and event.get("subtype") == "init":
                return event
    finally:
        p.kill()
        p.wait()
    return None


def side(name, base_cmd, market_dir, market, entries, work, session_cmd, stdin_text):
    home = os.path.join(work, name)
    os.makedirs(home, exist_ok=True)
    cwd = os.path.join(work, "cwd")
    os.makedirs(cwd, exist_ok=True)
    rc, out = run(base_cmd + ["plugin", "marketplace", "add", market_dir], home, cwd)
    if rc != 0:
        sys.exit(f"{name}: marketplace add failed: {out}")
    installs = {}
    for e in entries:
        rc, out = run(base_cmd + ["plugin", "install", f"{e['name']}@{market}"], home, cwd)
        installs[e["name"]] = {"ok": rc == 0, "out": out.strip()}
    init = init_line(base_cmd + session_cmd, home, cwd, stdin_text)
    return installs, init


def names(init, key):
    result = {}
    for n in init.get(key, []) if init else []:
        if ":" in n:
            plugin, short = n.split(":", 1)
            result.setdefault(plugin, set()).add(short)
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("market_dir")
    ap.add_argument("work")
    ap.add_argument("--claude", required=True)
    ap.add_argument("--forge", required=True)
    a = ap.parse_args()
    market_dir = os.path.abspath(a.market_dir)
    work = os.path.abspath(a.work)
    os.makedirs(work, exist_ok=True)
    doc = json.load(open(os.path.join(market_dir, ".claude-plugin", "marketplace.json")))
    market = doc["name"]
    entries = doc["plugins"]
    prompt = json.dumps({"type": "user", "message": {"role": "user", "content": "hi"}}) + "\n"
    cc_inst, cc = side("claude", [a.claude], market_dir, market, entries, work,
                       ["-p", "hi", "--output-format", "stream-json", "--verbose"], None)
    fg_inst, fg = side("forge", shlex.split(a.forge), market_dir, market, entries, work,
                       ["-p", "--input-format", "stream-json", "--output-format", "stream-json", "--verbose"], prompt)
    cc_plugins = sorted(p["name"] for p in (cc or {}).get("plugins", []) if p.get("path") != "builtin")
    fg_plugins = sorted(p["name"] for p in (fg or {}).get("plugins", []))
    report = {"marketplace": market, "entries": len(entries),
              "installed": {"claude": sum(v["ok"] for v in cc_inst.values()), "forge": sum(v["ok"] for v in fg_inst.values())},
              "loaded": {"claude": len(cc_plugins), "forge": len(fg_plugins)},
              "install_differs": {}, "plugins_only_claude": sorted(set(cc_plugins) - set(fg_plugins)),
              "plugins_only_forge": sorted(set(fg_plugins) - set(cc_plugins)), "names_differ": {},
              "refused_by_both": {}}
    for e in entries:
        n = e["name"]
        c, f = cc_inst[n], fg_inst[n]
        if c["ok"] != f["ok"]:
            report["install_differs"][n] = {"claude": c, "forge": f}
        elif not c["ok"]:
            report["refused_by_both"][n] = {"claude": c["out"].splitlines()[-1:], "forge": f["out"].splitlines()[-1:]}
    # Skills: Claude Code lists a plugin's commands among its skills too; compare the union the user can type
    # (slash_commands) and the skills and agents lists separately.
    for key in ("skills", "slash_commands", "agents"):
        c, f = names(cc, key), names(fg, key)
        for plugin in sorted(set(c) | set(f)):
            oc, of = c.get(plugin, set()) - f.get(plugin, set()), f.get(plugin, set()) - c.get(plugin, set())
            if oc or of:
                report["names_differ"].setdefault(plugin, {})[key] = {"only_claude": sorted(oc), "only_forge": sorted(of)}
    cc_mcp = sorted(s["name"] for s in (cc or {}).get("mcp_servers", []))
    fg_mcp = sorted(s["name"] for s in (fg or {}).get("mcp_servers", []))
    report["mcp_servers"] = {"claude": cc_mcp, "forge": fg_mcp}
    report["counts"] = {k: {"claude": sum(len(v) for v in names(cc, k).values()), "forge": sum(len(v) for v in names(fg, k).values())}
                        for k in ("skills", "slash_commands", "agents")}
    report["forge_plugin_problems"] = (fg or {}).get("plugin_problems", [])
    json.dump(report, open(os.path.join(work, "report.json"), "w"), indent=1, default=sorted)
    json.dump({"claude": cc, "forge": fg}, open(os.path.join(work, "init.json"), "w"), indent=1)
    print(json.dumps({k: report[k] for k in ("marketplace", "entries", "installed", "loaded", "counts")}))
    print("install differs:", sorted(report["install_differs"]))
    print("plugins only in claude:", report["plugins_only_claude"])
    print("plugins only in forge:", report["plugins_only_forge"])
    print("names differ in", len(report["names_differ"]), "plugins:", sorted(report["names_differ"])[:40])
    print("refused by both:", sorted(report["refused_by_both"]))
    print("forge plugin problems:", len(report["forge_plugin_problems"]))


if __name__ == "__main__":
    main()
