// An instant fake of the Anthropic Messages API (streaming), for the benchmark in docs/benchmarks.md (bench.mjs) and
// for trying forge or Claude Code by hand: replies "echo: <last user text>" at once; a user text containing
// TOOL:<Name>:<json input> gets that tool call first. Usage: node fake-anthropic.mjs [port] (127.0.0.1 only).
import http from 'node:http';
const port = +process.argv[2] || 8787;
http.createServer((req, res) => {
  let body = '';
  req.on('data', c => body += c);
  req.on('end', () => {
    let j = {}; try { j = JSON.parse(body); } catch {}
    if (!req.url.startsWith('/v1/messages')) { res.writeHead(404); res.end('{}'); return; }
    const msgs = j.messages || [];
    const last = msgs[msgs.length - 1] || {};
    const blocks = typeof last.content === 'string' ? [{type:'text', text:last.content}] : (last.content || []);
    const hasResult = blocks.some(b => b.type === 'tool_result');
    const text = blocks.filter(b => b.type === 'text').map(b => b.text).join(' ');
    const m = /TOOL:(\w+):(\{.*\})/.exec(text);
    const ev = (e, d) => res.write(`event: ${e}\ndata: ${JSON.stringify(d)}\n\n`);
    if (!j.stream) { res.writeHead(200, {'content-type':'application/json'}); res.end(JSON.stringify({id:'msg_1',type:'message',role:'assistant',model:j.model,content:[{type:'text',text:'ok'}],stop_reason:'end_turn',usage:{input_tokens:1,output_tokens:1}})); return; }
    res.writeHead(200, {'content-type': 'text/event-stream'});
    ev('message_start', {type:'message_start', message:{id:'msg_'+Date.now(), type:'message', role:'assistant', model:j.model, content:[], stop_reason:null, usage:{input_tokens:10, output_tokens:1}}});
    if (m && !hasResult) {
      ev('content_block_start', {type:'content_block_start', index:0, content_block:{type:'tool_use', id:'toolu_'+Date.now(), name:m[1], input:{}}});
      ev('content_block_delta', {type:'content_block_delta', index:0, delta:{type:'input_json_delta', partial_json:m[2]}});
      ev('content_block_stop', {type:'content_block_stop', index:0});
      ev('message_delta', {type:'message_delta', delta:{stop_reason:'tool_use'}, usage:{output_tokens:5}});
    } else {
      const reply = hasResult ? 'done: ' + JSON.stringify(blocks.find(b=>b.type==='tool_result').content).slice(0,200) : 'echo: ' + text;
      ev('content_block_start', {type:'content_block_start', index:0, content_block:{type:'text', text:''}});
      ev('content_block_delta', {type:'content_block_delta', index:0, delta:{type:'text_delta', text:reply}});
      ev('content_block_stop', {type:'content_block_stop', index:0});
      ev('message_delta', {type:'message_delta', delta:{stop_reason:'end_turn'}, usage:{output_tokens:5}});
    }
    ev('message_stop', {type:'message_stop'});
    res.end();
  });
}).listen(port, '127.0.0.1', () => console.error('fake on', port));
