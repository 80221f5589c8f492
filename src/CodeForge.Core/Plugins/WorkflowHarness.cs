namespace CodeForge.Core.Plugins;

/// <summary>
/// The Node.js program that runs one workflow script for <see cref="WorkflowRunner"/>: the script body runs, as in
/// Claude Code, as the body of an async function in a fresh <c>vm</c> context (no <c>require</c>, <c>process</c> or
/// file system; <c>Date.now()</c>, <c>Math.random()</c> and argless <c>new Date()</c> throw) whose globals are Claude
/// Code's workflow API: <c>agent</c>, <c>parallel</c>, <c>pipeline</c>, <c>phase</c>, <c>log</c>, <c>args</c>,
/// <c>budget</c>, <c>workflow</c> and <c>console</c>. It talks to forge in JSON lines: stdin gives <c>start</c> and the
/// answers to its requests; stdout carries <c>log</c>, <c>phase</c>, <c>agent</c> and <c>workflow</c> requests and the
/// final <c>done</c> or <c>error</c>.
/// </summary>
/// <remarks>Constant text; thread-safe.</remarks>
internal static class WorkflowHarness
{
    /// <summary>The harness source (CommonJS).</summary>
    public const string Source = """
'use strict';
const vm = require('vm');
const readline = require('readline');
const AGENT_CAP = 1000;
const send = (m) => process.stdout.write(JSON.stringify(m) + '\n');
const pending = new Map();
let nextId = 1;
let agentCount = 0;
const request = (m) => new Promise((resolve) => { const id = nextId++; pending.set(id, resolve); send({ ...m, id }); });
const text = (v) => typeof v === 'string' ? v : (() => { try { return JSON.stringify(v); } catch { return String(v); } })();

function parseStructured(raw) {
  let s = String(raw).trim();
  const fence = /^```(?:json)?\s*([\s\S]*?)\s*```$/.exec(s);
  if (fence) s = fence[1];
  try { return JSON.parse(s); } catch {}
  const a = s.indexOf('{'), b = s.lastIndexOf('}');
  if (a >= 0 && b > a) { try { return JSON.parse(s.slice(a, b + 1)); } catch {} }
  return undefined;
}

function makeContext(args, nested, innerParse) {
  let ctx;
  const log = (message) => { send({ t: 'log', message: text(message) }); };
  const phase = (title) => { send({ t: 'phase', title: text(title) }); };
  const agent = async (prompt, opts) => {
    if (typeof prompt !== 'string' || prompt.trim() === '') throw new Error('agent(prompt, opts): prompt must be a non-empty string');
    if (++agentCount > AGENT_CAP) throw new Error(`Workflow agent() call cap reached (${AGENT_CAP}).`);
    const o = opts && typeof opts === 'object' ? opts : {};
    if (o.schema !== undefined && (o.schema === null || typeof o.schema !== 'object' || o.schema.type !== 'object')) {
      throw new Error('agent(): opts.schema must be a JSON Schema with type "object" at its root');
    }
    const answer = await request({ t: 'agent', prompt, opts: {
      label: o.label === undefined ? undefined : String(o.label), phase: o.phase === undefined ? undefined : String(o.phase),
      schema: o.schema, model: o.model, effort: o.effort, isolation: o.isolation, agentType: o.agentType } });
    if (!answer.ok) { log(`agent ${o.label || ''} failed: ${answer.error}`.replace('  ', ' ')); return null; }
    if (o.schema === undefined) return answer.text;
    const value = parseStructured(answer.text);
    if (value === undefined || value === null || typeof value !== 'object') {
      log(`agent ${o.label || ''} did not answer with a JSON object for its schema; returning null`.replace('  ', ' '));
      return null;
    }
    return innerParse(JSON.stringify(value));
  };
  const parallel = async (thunks) => {
    if (!Array.isArray(thunks)) throw new Error('parallel(thunks): thunks must be an array of functions');
    return Promise.all(thunks.map((t) => Promise.resolve().then(() => t()).catch((e) => { log(`parallel task failed: ${e && e.message || e}`); return null; })));
  };
  const pipeline = async (items, ...stages) => {
    if (!Array.isArray(items)) throw new Error('pipeline(items, ...stages): items must be an array');
    return Promise.all(items.map(async (item, i) => {
      let value = item;
      for (const stage of stages) {
        try { value = await stage(value, item, i); } catch (e) { log(`pipeline item ${i} failed: ${e && e.message || e}`); return null; }
      }
      return value;
    }));
  };
  const workflow = async (ref, childArgs) => {
    if (nested) throw new Error('workflow(): nesting is one level only');
    const answer = await request({ t: 'workflow', ref });
    if (!answer.ok) throw new Error(answer.error);
    return runBody(answer.body, answer.file, answer.bodyLine, childArgs === undefined ? undefined : JSON.stringify(childArgs), true);
  };
  const budget = { total: null, spent: () => 0, remaining: () => Infinity };
  const consoleLike = { log, info: log, warn: log, error: log, debug: log };
  ctx = vm.createContext({ agent, parallel, pipeline, phase, log, workflow, budget: Object.freeze(budget), console: Object.freeze(consoleLike) },
    { codeGeneration: { strings: false, wasm: false } });
  vm.runInContext(`(() => {
    const msg = (what) => what + ' is unavailable in workflow scripts (it would break resume): pass timestamps via args or stamp results after the workflow returns';
    const D = Date;
    function WorkflowDate(...a) {
      if (!new.target) throw new Error(msg('Date()'));
      if (a.length === 0) throw new Error(msg('new Date()'));
      return new D(...a);
    }
    WorkflowDate.now = () => { throw new Error(msg('Date.now()')); };
    WorkflowDate.UTC = D.UTC; WorkflowDate.parse = D.parse; WorkflowDate.prototype = D.prototype;
    globalThis.Date = WorkflowDate;
    Math.random = () => { throw new Error(msg('Math.random()')); };
  })()`, ctx);
  ctx.__argsJson = args;
  vm.runInContext('globalThis.args = globalThis.__argsJson === undefined ? undefined : JSON.parse(globalThis.__argsJson); delete globalThis.__argsJson;', ctx);
  return ctx;
}

function runBody(body, file, bodyLine, argsJson, nested) {
  let innerParse;
  const ctx = makeContext(argsJson, nested, (s) => innerParse(s));
  innerParse = vm.runInContext('JSON.parse', ctx);
  const code = "(async () => {'use strict';\n" + body + '\n})()';
  const script = new vm.Script(code, { filename: file, lineOffset: bodyLine - 2 });
  return script.runInContext(ctx);
}

const rl = readline.createInterface({ input: process.stdin });
rl.on('line', (line) => {
  if (!line.trim()) return;
  const m = JSON.parse(line);
  if (m.t === 'start') {
    let running;
    try {
      running = runBody(m.body, m.file, m.bodyLine, m.args, false);
    } catch (e) {
      send({ t: 'error', kind: 'syntax', message: String(e && e.stack || e) });
      return;
    }
    Promise.resolve(running).then(
      (result) => { let json; try { json = JSON.stringify(result === undefined ? null : result); } catch (e) { json = JSON.stringify(String(result)); } process.stdout.write(JSON.stringify({ t: 'done', result: json }) + '\n', () => process.exit(0)); },
      (e) => { process.stdout.write(JSON.stringify({ t: 'error', message: String(e && e.stack || e) }) + '\n', () => process.exit(0)); });
  } else if (m.t === 'answer') {
    const resolve = pending.get(m.id);
    if (resolve) { pending.delete(m.id); resolve(m); }
  }
});
""";
}
