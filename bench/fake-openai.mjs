// An instant fake OpenAI server for start-up benchmarks: POST /v1/chat/completions and /v1/responses answer every
// request, streamed or not, with "hello" and a small usage. 127.0.0.1 only.
//   node bench/fake-openai.mjs PORT
import http from "node:http";

const port = Number(process.argv[2] ?? 8787);
const usage = { prompt_tokens: 10, completion_tokens: 1, total_tokens: 11, prompt_tokens_details: { cached_tokens: 0 } };

function chat(body, res) {
  const base = { id: "chatcmpl-bench", object: "chat.completion.chunk", created: 0, model: body.model };
  if (!body.stream) {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ ...base, object: "chat.completion",
      choices: [{ index: 0, message: { role: "assistant", content: "hello" }, finish_reason: "stop" }], usage }));
    return;
  }
  res.writeHead(200, { "content-type": "text/event-stream" });
  const send = (o) => res.write(`data: ${JSON.stringify(o)}\n\n`);
  send({ ...base, choices: [{ index: 0, delta: { role: "assistant", content: "hello" }, finish_reason: null }] });
  send({ ...base, choices: [{ index: 0, delta: {}, finish_reason: "stop" }] });
  send({ ...base, choices: [], usage });
  res.end("data: [DONE]\n\n");
}

function responses(body, res) {
  const response = (status, output) => ({ id: "resp_bench", object: "response", created_at: 0, status, model: body.model, output,
    usage: status === "completed" ? { input_tokens: 10, input_tokens_details: { cached_tokens: 0 }, output_tokens: 1,
      output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 11 } : null });
  const item = { id: "msg_bench", type: "message", status: "completed", role: "assistant",
    content: [{ type: "output_text", text: "hello", annotations: [] }] };
  if (!body.stream) {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(response("completed", [item])));
    return;
  }
  res.writeHead(200, { "content-type": "text/event-stream" });
  let n = 0;
  const send = (type, o) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: n++, ...o })}\n\n`);
  send("response.created", { response: response("in_progress", []) });
  send("response.output_item.added", { output_index: 0, item: { ...item, status: "in_progress", content: [] } });
  send("response.output_text.delta", { item_id: "msg_bench", output_index: 0, content_index: 0, delta: "hello" });
  send("response.output_item.done", { output_index: 0, item });
  send("response.completed", { response: response("completed", [item]) });
  res.end();
}

http.createServer((req, res) => {
  let text = "";
  req.on("data", (c) => (text += c));
  req.on("end", () => {
    const body = text ? JSON.parse(text) : {};
    if (req.url.endsWith("/chat/completions")) chat(body, res);
    else if (req.url.endsWith("/responses")) responses(body, res);
    else { res.writeHead(404); res.end(); }
  });
}).listen(port, "127.0.0.1");
