// An instant fake of the Anthropic Messages API (streaming), for the benchmark in docs/benchmarks.md (bench.mjs), the
// forge-vs-Claude-Code comparison (compare.mjs) and for trying forge or Claude Code by hand. It replies
// "echo: <last user text>" at once; each TOOL:<Name>:<json input> in the last user text gets a tool call first (several
// make parallel calls); after a tool result it replies "done: <the results>". A model whose name contains "missing"
// gets HTTP 404 not_found_error (for --fallback-model). Usage: node fake-anthropic.mjs [port] (127.0.0.1 only), or
// import { startFake } and pass onRequest to see every request body.
import http from 'node:http';
import { pathToFileURL } from 'node:url';

export function startFake({ port = 0, onRequest } = {}) {
  let sequence = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      let j = {};
      try { j = JSON.parse(body); } catch {}
      if (!req.url.startsWith('/v1/messages')) { res.writeHead(404); res.end('{}'); return; }
      onRequest?.({ url: req.url, model: j.model, body: j, raw: body });
      if (req.url.startsWith('/v1/messages/count_tokens')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ input_tokens: 10 }));
        return;
      }
      if (String(j.model ?? '').includes('missing')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: `model: ${j.model}` } }));
        return;
      }
      const msgs = j.messages || [];
      const last = msgs.findLast((m) => m.role === 'user') || {}; // Claude Code may put system messages after it
      const blocks = typeof last.content === 'string' ? [{ type: 'text', text: last.content }] : (last.content || []);
      const results = blocks.filter((b) => b.type === 'tool_result');
      const text = blocks.filter((b) => b.type === 'text').map((b) => b.text).join(' ');
      const calls = results.length ? [] : [...text.matchAll(/TOOL:([\w-]+):(\{.*?\})(?=\s|$)/g)];
      const reply = results.length ? 'done: ' + JSON.stringify(results.map((r) => r.content)).slice(0, 400) : 'echo: ' + text;
      if (!j.stream) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: 'msg_' + ++sequence, type: 'message', role: 'assistant', model: j.model, content: [{ type: 'text', text: reply.slice(0, 200) }], stop_reason: 'end_turn', usage: { input_tokens: 1, output_tokens: 1 } }));
        return;
      }
      const ev = (e, d) => res.write(`event: ${e}\ndata: ${JSON.stringify(d)}\n\n`);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      ev('message_start', { type: 'message_start', message: { id: 'msg_' + ++sequence, type: 'message', role: 'assistant', model: j.model, content: [], stop_reason: null, usage: { input_tokens: 10, output_tokens: 1 } } });
      if (calls.length) {
        calls.forEach((m, index) => {
          ev('content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: `toolu_${sequence}_${index}`, name: m[1], input: {} } });
          ev('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: m[2] } });
          ev('content_block_stop', { type: 'content_block_stop', index });
        });
        ev('message_delta', { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 5 } });
      } else {
        ev('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
        ev('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: reply } });
        ev('content_block_stop', { type: 'content_block_stop', index: 0 });
        ev('message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 5 } });
      }
      ev('message_stop', { type: 'message_stop' });
      res.end();
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const server = await startFake({ port: +process.argv[2] || 8787 });
  console.error('fake on', server.address().port);
}
