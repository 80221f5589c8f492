// The benchmark of docs/benchmarks.md: one SDK query() of one turn against the instant fake model, for each agent CLI
// side by side (interleaved runs), measuring the agent process with GNU time (wall, user+sys CPU, peak RSS) and the
// query() wall time in this process (spawn to result).
// Usage: ANTHROPIC_BASE_URL=http://127.0.0.1:PORT ANTHROPIC_API_KEY=x node bench.mjs RUNS name=/path/to/cli ...
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { query } from '@anthropic-ai/claude-agent-sdk';

const [runsText, ...clis] = process.argv.slice(2);
const runs = Number(runsText);
const agents = clis.map((c) => ({ name: c.slice(0, c.indexOf('=')), path: c.slice(c.indexOf('=') + 1), samples: [] }));
const root = mkdtempSync(join(tmpdir(), 'forge-bench-'));
const cwd = join(root, 'repo');
mkdirSync(join(cwd, '.git'), { recursive: true });
const env = { ...process.env, HOME: join(root, 'home'), FORGE_PROVIDER: 'anthropic' };
mkdirSync(env.HOME, { recursive: true });

async function once(agent) {
  const timeFile = join(root, 'time.txt');
  const started = performance.now();
  let result;
  let resultMs;
  for await (const m of query({
    prompt: 'say hello',
    options: {
      pathToClaudeCodeExecutable: agent.path,
      cwd,
      env,
      model: 'sonnet',
      spawnClaudeCodeProcess: ({ command, args, cwd: dir, env: e, signal }) =>
        spawn('/usr/bin/time', ['-f', '%e %U %S %M', '-o', timeFile, command, ...args], { cwd: dir, env: e, signal, stdio: ['pipe', 'pipe', 'ignore'] }),
    },
  })) {
    if (m.type === 'result') {
      result = m;
      resultMs = performance.now() - started;
    }
  }
  const queryMs = performance.now() - started;
  if (!result || result.is_error) {
    throw new Error(`${agent.name}: no success result (${JSON.stringify(result)})`);
  }
  const [wall, user, sys, rssKb] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
  agent.samples.push({ resultMs, queryMs, wallMs: wall * 1000, cpuMs: (user + sys) * 1000, rssMiB: rssKb / 1024 });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

try {
  for (const agent of agents) {
    await once(agent); // warm-up (file cache), not counted
    agent.samples.length = 0;
  }
  for (let i = 0; i < runs; i++) {
    for (const agent of agents) {
      await once(agent);
    }
  }
  console.log('| agent | query() to result | query() to end | process wall | process CPU (user+sys) | peak RSS |');
  console.log('|---|---|---|---|---|---|');
  for (const a of agents) {
    const m = (k) => median(a.samples.map((s) => s[k]));
    const range = (k) => `${Math.min(...a.samples.map((s) => s[k])).toFixed(0)}–${Math.max(...a.samples.map((s) => s[k])).toFixed(0)}`;
    console.log(`| ${a.name} | ${m('resultMs').toFixed(0)} ms (${range('resultMs')}) | ${m('queryMs').toFixed(0)} ms | ${m('wallMs').toFixed(0)} ms | ${m('cpuMs').toFixed(0)} ms (${range('cpuMs')}) | ${m('rssMiB').toFixed(1)} MiB |`);
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
