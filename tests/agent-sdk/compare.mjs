// Runs every scenario of scenario.mjs against forge and against Claude Code, both driven by the same official Agent SDK
// and talking to the same instant fake model (fake-anthropic.mjs, in this process, on 127.0.0.1), and prints a table:
// pass/fail of each scenario's checks per agent, and the differences seen (failed checks, message types only one agent
// sent, result fields only one agent gives). Not part of CI (Claude Code need not be installed); recorded in
// docs/agent-sdk.md.
// Usage: node compare.mjs forge=/path/to/forge claude=/path/to/claude [scenario ...]
//   (Claude Code: npm install @anthropic-ai/claude-code in a scratch directory; its binary is
//    node_modules/@anthropic-ai/claude-code/bin/claude.exe)
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFake } from './fake-anthropic.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const agents = args.filter((a) => a.includes('=')).map((a) => ({ name: a.slice(0, a.indexOf('=')), path: a.slice(a.indexOf('=') + 1) }));
const only = args.filter((a) => !a.includes('='));
const everything = join(here, '..', 'mcp-servers', 'node_modules', '@modelcontextprotocol', 'server-everything', 'dist', 'index.js');

const requests = [];
const fake = await startFake({ onRequest: (r) => requests.push(r) });
const baseUrl = `http://127.0.0.1:${fake.address().port}`;

/** The model calls of the agent loop (streamed, with tools): Claude Code also makes side calls (titles, quotas). */
const loopCalls = () => requests.filter((r) => r.body.stream && Array.isArray(r.body.tools) && r.body.tools.length > 0);
const systemText = (r) => (typeof r.body.system === 'string' ? r.body.system : (r.body.system ?? []).map((b) => b.text).join('\n'));
const tool = (name, input) => `TOOL:${name}:${JSON.stringify(input)}`;
const results = (run) => run.messages.filter((m) => m.type === 'result');

// Each scenario: optional setup(root), the extra JSON for scenario.mjs (from the repo directory), and its checks
// (run, repo, root) → {check name: passed}.
const scenarios = {
  oneshot: {
    extra: () => ({ model: 'sonnet', prompt: 'say hello' }),
    checks: (run) => ({
      'one success result': results(run).length === 1 && results(run)[0].subtype === 'success',
      'init first': run.messages[0]?.type === 'system' && run.messages[0]?.subtype === 'init',
      'answer is the model text': results(run)[0]?.result?.startsWith('echo: '),
    }),
  },
  canUseTool: {
    extra: (d) => ({
      model: 'sonnet',
      prompt: `${tool('Bash', { command: `touch ${d}/denied.txt` })} ${tool('Write', { file_path: `${d}/allowed.txt`, content: 'as the model wrote it' })}`,
      deny: 'Bash',
      denyMessage: 'no shell today',
      updatedInput: { content: 'as the SDK changed it' },
    }),
    checks: (run, d) => ({
      'asked for both tools': ['Bash', 'Write'].every((t) => run.facts?.asked?.includes(t)),
      'denied tool did not run': !existsSync(join(d, 'denied.txt')),
      'allowed with the changed input': existsSync(join(d, 'allowed.txt')) && readFileSync(join(d, 'allowed.txt'), 'utf8') === 'as the SDK changed it',
      'the model saw the deny message': requests.some((r) => r.raw.includes('no shell today')),
      'permission_denials names Bash': results(run)[0]?.permission_denials?.some((p) => p.tool_name === 'Bash'),
    }),
  },
  streaming: {
    extra: () => ({ model: 'sonnet', first: 'first question', second: 'second question' }),
    checks: (run) => ({
      'two results': results(run).length === 2,
      'one session': new Set(results(run).map((r) => r.session_id)).size === 1,
      'second call has the first turn': loopCalls().some((r) => r.raw.includes('first question') && r.raw.includes('second question')),
    }),
  },
  interrupt: {
    extra: () => ({ model: 'sonnet', first: tool('Bash', { command: 'sleep 300' }), second: 'are you there?', options: { permissionMode: 'bypassPermissions', allowDangerouslySkipPermissions: true } }),
    checks: (run) => ({
      'interrupted': run.facts?.interrupted === true,
      'two results': results(run).length === 2,
      'first result is an error': results(run)[0]?.is_error === true,
      'first result subtype error_during_execution': results(run)[0]?.subtype === 'error_during_execution',
      'second turn answered': results(run)[1]?.subtype === 'success',
    }),
  },
  setPermissionMode: {
    extra: (d) => ({ model: 'sonnet', mode: 'acceptEdits', prompt: tool('Write', { file_path: `${d}/edited.txt`, content: 'written' }) }),
    checks: (run, d) => ({
      'answer names the mode': run.facts?.answer?.mode === 'acceptEdits',
      'file written without asking': existsSync(join(d, 'edited.txt')),
      'no denials': (results(run)[0]?.permission_denials ?? []).length === 0,
    }),
  },
  hook: {
    extra: (d) => ({ model: 'sonnet', matcher: 'Bash', reason: 'blocked by the SDK hook', prompt: tool('Bash', { command: `touch ${d}/hooked.txt` }), options: { permissionMode: 'bypassPermissions', allowDangerouslySkipPermissions: true } }),
    checks: (run, d) => ({
      'hook called once for Bash': run.facts?.hookCalls?.length === 1 && run.facts.hookCalls[0].tool_name === 'Bash',
      'tool blocked': !existsSync(join(d, 'hooked.txt')),
      'the model saw the reason': requests.some((r) => r.raw.includes('blocked by the SDK hook')),
    }),
  },
  structured: {
    extra: () => ({ model: 'sonnet', schema: { type: 'object', properties: { answer: { type: 'integer' } }, required: ['answer'] }, prompt: tool('StructuredOutput', { answer: 42 }) }),
    checks: (run) => ({
      'structured_output is the value': results(run)[0]?.structured_output?.answer === 42,
      'StructuredOutput tool offered': loopCalls().some((r) => r.body.tools.some((t) => t.name === 'StructuredOutput')),
    }),
  },
  sdkMcp: {
    extra: () => ({ model: 'sonnet', prompt: tool('mcp__calc__add', { a: 2, b: 3 }) }),
    checks: (run) => ({
      'SDK tool called with the input': run.facts?.calls?.length === 1 && run.facts.calls[0].a === 2 && run.facts.calls[0].b === 3,
      'the model saw its answer': requests.some((r) => r.raw.includes('sum is 5')),
      'calc listed in init': run.messages.find((m) => m.subtype === 'init')?.mcp_servers?.some((s) => s.name === 'calc'),
    }),
  },
  resume: {
    extra: () => ({ model: 'sonnet', first: 'remember the word pelican', second: 'which word?' }),
    checks: (run) => ({
      'same session resumed': results(run).length === 2 && results(run)[1].session_id === run.facts?.firstSession,
      'second call has the first turn': loopCalls().some((r) => r.raw.includes('remember the word pelican') && r.raw.includes('which word?')),
    }),
  },
  fallbackModel: {
    extra: () => ({ model: 'claude-missing-1', fallbackModel: 'claude-sonnet-4-6', prompt: 'say hello' }),
    checks: (run) => ({
      'success result': results(run)[0]?.subtype === 'success',
      'missing model was tried': requests.some((r) => r.model === 'claude-missing-1'),
      'fallback model answered': loopCalls().some((r) => r.model === 'claude-sonnet-4-6'),
      'model_fallback system message': run.facts?.fallback?.fallback_model === 'claude-sonnet-4-6',
    }),
  },
  agent: {
    extra: () => ({ model: 'sonnet', agent: 'reviewer', agents: { reviewer: { description: 'Reviews code', prompt: 'You are the strict reviewer.', tools: ['Read', 'Grep'] } } }),
    checks: (run) => ({
      'success result': results(run)[0]?.subtype === 'success',
      "main thread has the agent's prompt": loopCalls().some((r) => systemText(r).includes('You are the strict reviewer.')),
      // Claude Code also sends an internal DeferredToolPlaceholder tool; it is not one the agent could call.
      "main thread has only the agent's tools": loopCalls().length > 0 && loopCalls().every((r) => r.body.tools.every((t) => ['Read', 'Grep', 'DeferredToolPlaceholder'].includes(t.name))),
    }),
  },
  agents: {
    extra: () => ({ model: 'sonnet', agents: { 'sdk-helper': { description: 'Helps with what the SDK program asks', prompt: 'Help.' } } }),
    checks: (run) => ({
      'supportedAgents lists it': run.facts?.agents?.includes('sdk-helper'),
      'offered to the model': loopCalls().some((r) => r.raw.includes('Helps with what the SDK program asks')),
    }),
  },
  plugins: {
    setup: (d) => {
      const plugin = join(d, 'my-plugin');
      mkdirSync(join(plugin, '.claude-plugin'), { recursive: true });
      mkdirSync(join(plugin, 'agents'));
      mkdirSync(join(plugin, 'commands'));
      writeFileSync(join(plugin, '.claude-plugin', 'plugin.json'), JSON.stringify({ name: 'my-plugin', version: '1.0.0' }));
      writeFileSync(join(plugin, 'agents', 'tidy.md'), '---\nname: tidy\ndescription: Tidies code.\n---\n\nTidy.\n');
      writeFileSync(join(plugin, 'commands', 'greet.md'), '---\ndescription: Greets.\n---\n\nSay hello to $ARGUMENTS.\n');
    },
    extra: (repo) => ({ model: 'sonnet', plugins: [join(repo, '..', 'my-plugin')] }),
    checks: (run) => ({
      'plugin listed in init': run.facts?.plugins?.includes('my-plugin'),
      "plugin's agent listed": run.facts?.agents?.some((a) => a.endsWith('tidy')),
      "plugin's command listed": run.facts?.slashCommands?.some((c) => c.endsWith('greet')),
    }),
  },
  // A plugin's command hooks decide about tool calls: each Bash call touches <case>.txt, and the PreToolUse hook answers
  // by the case in the command (JSON deny, exit 2, legacy decision:block, allow with updatedInput, output that is not
  // JSON, exit 1); PostToolUse blocks one result with a reason; UserPromptSubmit adds context. Same plugin, same calls.
  pluginHooks: {
    setup: (d) => {
      const plugin = join(d, 'hook-lab');
      mkdirSync(join(plugin, '.claude-plugin'), { recursive: true });
      mkdirSync(join(plugin, 'hooks'));
      writeFileSync(join(plugin, '.claude-plugin', 'plugin.json'), JSON.stringify({ name: 'hook-lab', version: '1.0.0' }));
      const hook = (script) => [{ type: 'command', command: `node "\${CLAUDE_PLUGIN_ROOT}/${script}"` }];
      writeFileSync(join(plugin, 'hooks', 'hooks.json'), JSON.stringify({
        hooks: {
          PreToolUse: [{ matcher: 'Bash', hooks: hook('pre.mjs') }],
          PostToolUse: [{ matcher: 'Bash', hooks: hook('post.mjs') }],
          UserPromptSubmit: [{ hooks: hook('prompt.mjs') }],
        },
      }));
      const read = "const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));\n";
      writeFileSync(join(plugin, 'pre.mjs'), `import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\n${read}` +
        `const c = input.tool_input?.command ?? '';\n` +
        `const out = (o) => process.stdout.write(JSON.stringify(o));\n` +
        `if (c.includes('case-deny')) out({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: 'DENY-REASON-1' } });\n` +
        `else if (c.includes('case-exit2')) { process.stderr.write('EXIT2-REASON'); process.exit(2); }\n` +
        `else if (c.includes('case-legacy')) out({ decision: 'block', reason: 'LEGACY-REASON' });\n` +
        `else if (c.includes('case-rewrite')) out({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'allow', updatedInput: { command: c.replace('case-rewrite', 'rewritten') } } });\n` +
        `else if (c.includes('case-garbage')) process.stdout.write('not json {');\n` +
        `else if (c.includes('case-exit1')) { process.stderr.write('EXIT1-NOTE'); process.exit(1); }\n`);
      writeFileSync(join(plugin, 'post.mjs'), `import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\n${read}` +
        `if ((input.tool_input?.command ?? '').includes('case-post')) process.stdout.write(JSON.stringify({ decision: 'block', reason: 'POST-REASON' }));\n`);
      writeFileSync(join(plugin, 'prompt.mjs'), `import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\n${read}` +
        `process.stdout.write(JSON.stringify({ hookSpecificOutput: { hookEventName: 'UserPromptSubmit', additionalContext: 'PROMPT-CONTEXT-7' } }));\n`);
    },
    extra: (repo) => ({
      model: 'sonnet',
      plugins: [join(repo, '..', 'hook-lab')],
      prompt: ['deny', 'exit2', 'legacy', 'rewrite', 'garbage', 'exit1', 'post'].map((c) => tool('Bash', { command: `touch ${repo}/case-${c}.txt` })).join(' '),
      options: { permissionMode: 'bypassPermissions', allowDangerouslySkipPermissions: true },
    }),
    checks: (run, repo) => {
      const ran = (c) => existsSync(join(repo, `${c}.txt`));
      const saw = (text) => loopCalls().some((r) => r.raw.includes(text));
      return {
        'JSON deny: not run, reason shown': !ran('case-deny') && saw('DENY-REASON-1'),
        'exit 2: not run, stderr shown': !ran('case-exit2') && saw('EXIT2-REASON'),
        'decision block: not run, reason shown': !ran('case-legacy') && saw('LEGACY-REASON'),
        'updatedInput: the rewritten command ran': !ran('case-rewrite') && ran('rewritten'),
        'output not JSON: the call runs': ran('case-garbage'),
        'exit 1: the call runs': ran('case-exit1'),
        'PostToolUse block: ran, reason shown': ran('case-post') && saw('POST-REASON'),
        'UserPromptSubmit context reaches the model': saw('PROMPT-CONTEXT-7'),
      };
    },
  },
  strictMcpConfig: {
    setup: (d) => {
      const project = { mcpServers: { 'project-server': { command: 'sh', args: ['-c', `touch '${join(d, 'project-server-started')}'`] } } };
      writeFileSync(join(d, 'repo', '.mcp.json'), JSON.stringify(project));
    },
    extra: () => ({ model: 'sonnet', mcpServers: { everything: { type: 'stdio', command: 'node', args: [everything] } } }),
    checks: (run, repo, d) => ({
      'only the given server listed': run.facts?.servers?.length === 1 && run.facts.servers[0].name === 'everything',
      'connected before the first message': run.facts?.servers?.[0]?.status === 'connected',
      'connected after the first turn': run.facts?.serversAfterTurn?.length === 1 && run.facts.serversAfterTurn[0].status === 'connected',
      ".mcp.json server not started": !existsSync(join(d, 'project-server-started')),
    }),
  },
};

function runScenario(agent, scenario, dir, extra) {
  const env = {
    ...process.env,
    HOME: join(dir, 'home'),
    ANTHROPIC_BASE_URL: baseUrl,
    ANTHROPIC_API_KEY: 'sk-fake-compare',
    FORGE_PROVIDER: 'anthropic',
    // Claude Code: no telemetry or update checks (only loopback is reachable here); IS_SANDBOX lets it run
    // bypassPermissions as root in this container.
    DISABLE_TELEMETRY: '1',
    DISABLE_AUTOUPDATER: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    IS_SANDBOX: '1',
  };
  for (const k of ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'FORGE_MODEL', 'CLAUDE_CODE_ENTRYPOINT', 'CLAUDECODE']) delete env[k];
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn('node', [join(here, 'scenario.mjs'), scenario, agent.path, join(dir, 'repo'), JSON.stringify(extra)], { env, cwd: here, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    const watchdog = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('exit', (code) => {
      clearTimeout(watchdog);
      const run = { code, messages: [], facts: undefined, error: undefined, stderr: err, ms: performance.now() - started };
      for (const line of out.split('\n').filter(Boolean)) {
        const j = JSON.parse(line);
        if (j.sdk) run.messages.push(j.sdk);
        else if (j.done) run.facts = j.done;
        else if ('error' in j) { run.error = j.error; run.facts = j.facts; }
      }
      resolve(run);
    });
  });
}

const kinds = (run) => new Set(run.messages.map((m) => (m.subtype ? `${m.type}/${m.subtype}` : m.type)));
const resultKeys = (run) => new Set(results(run).flatMap((r) => Object.keys(r)));

const rows = [];
for (const [name, s] of Object.entries(scenarios)) {
  if (only.length && !only.includes(name)) continue;
  const outcome = {};
  for (const agent of agents) {
    const dir = mkdtempSync(join(tmpdir(), `compare-${agent.name}-`));
    mkdirSync(join(dir, 'home'));
    mkdirSync(join(dir, 'repo', '.git'), { recursive: true });
    s.setup?.(dir);
    requests.length = 0;
    const run = await runScenario(agent, name, dir, s.extra(join(dir, 'repo')));
    const checks = s.checks(run, join(dir, 'repo'), dir);
    run.models = [...new Set(loopCalls().map((r) => r.model))];
    const failed = Object.entries(checks).filter(([, ok]) => !ok).map(([k]) => k);
    if (run.error) failed.unshift(`SDK error: ${run.error.slice(0, 160)}`);
    outcome[agent.name] = { run, failed };
    rmSync(dir, { recursive: true, force: true });
  }
  const differences = [];
  if (agents.length === 2) {
    const [a, b] = agents.map((x) => outcome[x.name].run);
    const onlyIn = (x, y) => [...x].filter((k) => !y.has(k)).sort();
    const [ka, kb] = [kinds(a), kinds(b)];
    if (onlyIn(ka, kb).length) differences.push(`messages only ${agents[0].name} sent: ${onlyIn(ka, kb).join(', ')}`);
    if (onlyIn(kb, ka).length) differences.push(`messages only ${agents[1].name} sent: ${onlyIn(kb, ka).join(', ')}`);
    const [ra, rb] = [resultKeys(a), resultKeys(b)];
    if (onlyIn(rb, ra).length) differences.push(`result fields only ${agents[1].name} gives: ${onlyIn(rb, ra).join(', ')}`);
    if (onlyIn(ra, rb).length) differences.push(`result fields only ${agents[0].name} gives: ${onlyIn(ra, rb).join(', ')}`);
    const initKeys = (run) => new Set(Object.keys(run.messages.find((m) => m.subtype === 'init') ?? {}));
    const [ia, ib] = [initKeys(a), initKeys(b)];
    if (onlyIn(ib, ia).length) differences.push(`init fields only ${agents[1].name} gives: ${onlyIn(ib, ia).join(', ')}`);
    if (onlyIn(ia, ib).length) differences.push(`init fields only ${agents[0].name} gives: ${onlyIn(ia, ib).join(', ')}`);
    if (a.models.join() !== b.models.join()) differences.push(`models called: ${agents[0].name} ${a.models.join(', ')}; ${agents[1].name} ${b.models.join(', ')}`);
  }
  rows.push({ name, outcome, differences });
  const cells = agents.map((a) => `${a.name}: ${outcome[a.name].failed.length ? 'FAIL (' + outcome[a.name].failed.join('; ') + ')' : 'pass'} ${outcome[a.name].run.ms.toFixed(0)} ms`);
  console.error(`${name}: ${cells.join(' | ')}`);
}

// A difference seen in every scenario is printed once, under the table.
const everywhere = rows.length > 1 ? rows[0].differences.filter((d) => rows.every((r) => r.differences.includes(d))) : [];
console.log(`| scenario | ${agents.map((a) => a.name).join(' | ')} | differences |`);
console.log(`|---|${agents.map(() => '---|').join('')}---|`);
for (const { name, outcome, differences } of rows) {
  const cells = agents.map((a) => (outcome[a.name].failed.length ? `FAIL: ${outcome[a.name].failed.join('; ')}` : 'pass'));
  console.log(`| ${name} | ${cells.join(' | ')} | ${differences.filter((d) => !everywhere.includes(d)).join('<br>') || '—'} |`);
}
for (const d of everywhere) console.log(`\nIn every scenario: ${d}`);
const passed = (a) => rows.filter((r) => r.outcome[a.name].failed.length === 0).length;
console.log(`\n${agents.map((a) => `${a.name}: ${passed(a)}/${rows.length} scenarios pass`).join('; ')}`);
fake.close();
