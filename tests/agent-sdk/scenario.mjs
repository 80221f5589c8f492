// Drives an agent CLI (forge, or Claude Code) through the official Claude Agent SDK.
// Usage: node scenario.mjs <scenario> <cli-executable> <cwd> [extra JSON]
// The model endpoint comes from the environment (ANTHROPIC_BASE_URL / OPENAI_BASE_URL ... of the fake model server),
// which the SDK passes on to the CLI. Prints one JSON line per SDK message ({"sdk": message}) and, at the end, one line
// {"done": {...facts the scenario observed}}; exits 1 with {"error": "..."} when the SDK throws.
import { createSdkMcpServer, query, tool } from '@anthropic-ai/claude-agent-sdk';
import { z } from 'zod';

const [scenario, cli, cwd, extraJson] = process.argv.slice(2);
const extra = extraJson ? JSON.parse(extraJson) : {};
const facts = {};
const base = {
  pathToClaudeCodeExecutable: cli,
  cwd,
  model: extra.model,
  stderr: (text) => process.stderr.write(text),
  ...extra.options,
};

function print(message) {
  process.stdout.write(JSON.stringify({ sdk: message }) + '\n');
}

/** A prompt stream the scenario feeds: push() a user message, end() closes stdin. */
function promptStream() {
  const queue = [];
  let wake;
  let ended = false;
  return {
    push(text) {
      queue.push({ type: 'user', message: { role: 'user', content: text }, parent_tool_use_id: null, session_id: '' });
      wake?.();
    },
    end() {
      ended = true;
      wake?.();
    },
    async *[Symbol.asyncIterator]() {
      for (;;) {
        if (queue.length > 0) {
          yield queue.shift();
        } else if (ended) {
          return;
        } else {
          await new Promise((resolve) => (wake = resolve));
          wake = undefined;
        }
      }
    },
  };
}

async function drain(q, onMessage) {
  for await (const message of q) {
    print(message);
    await onMessage?.(message);
  }
}

const scenarios = {
  // One prompt, one turn.
  async oneshot() {
    await drain(query({ prompt: extra.prompt ?? 'say hello', options: base }));
  },

  // canUseTool denies one tool (its message reaches the model) and allows another with a changed input.
  async canUseTool() {
    facts.asked = [];
    const options = {
      ...base,
      canUseTool: async (toolName, input) => {
        facts.asked.push(toolName);
        if (toolName === extra.deny) {
          return { behavior: 'deny', message: extra.denyMessage };
        }
        return { behavior: 'allow', updatedInput: { ...input, ...extra.updatedInput } };
      },
    };
    await drain(query({ prompt: extra.prompt ?? 'use the tools', options }));
  },

  // canUseTool that accepts the CLI's suggestions (updatedPermissions): the CLI should not ask again for what they allow.
  async canUseToolRemember() {
    facts.asked = [];
    const options = {
      ...base,
      canUseTool: async (toolName, input, { suggestions }) => {
        facts.asked.push({ toolName, input, suggestions });
        return { behavior: 'allow', updatedInput: input, updatedPermissions: suggestions ?? [] };
      },
    };
    await drain(query({ prompt: extra.prompt ?? 'use the tools', options }));
  },

  // Two user messages on one stdin: the second is sent after the first result.
  async streaming() {
    const input = promptStream();
    input.push(extra.first ?? 'first message');
    let results = 0;
    await drain(query({ prompt: input, options: base }), (m) => {
      if (m.type === 'result' && ++results === 1) {
        input.push(extra.second ?? 'second message');
      } else if (m.type === 'result') {
        input.end();
      }
    });
  },

  // interrupt() while a tool runs: the turn ends with an error result; the session then answers another message.
  async interrupt() {
    const input = promptStream();
    input.push(extra.first ?? 'run the long command');
    let results = 0;
    const q = query({ prompt: input, options: base });
    await drain(q, async (m) => {
      if (m.type === 'assistant' && m.message.content.some((c) => c.type === 'tool_use') && !facts.interrupted) {
        facts.interrupted = true;
        await q.interrupt();
      } else if (m.type === 'result' && ++results === 1) {
        input.push(extra.second ?? 'are you there?');
      } else if (m.type === 'result') {
        input.end();
      }
    });
  },

  // setPermissionMode before the message: the mode the CLI reports in its next init, and what the tool could do.
  async setPermissionMode() {
    const input = promptStream();
    const q = query({ prompt: input, options: base });
    const reader = drain(q, (m) => {
      if (m.type === 'result') {
        input.end();
      }
    });
    facts.answer = await q.setPermissionMode(extra.mode);
    input.push(extra.prompt ?? 'write the file');
    await reader;
  },

  // A PreToolUse hook of the SDK blocks a tool.
  async hook() {
    facts.hookCalls = [];
    const options = {
      ...base,
      hooks: {
        PreToolUse: [{
          matcher: extra.matcher,
          hooks: [async (input) => {
            facts.hookCalls.push({ hook_event_name: input.hook_event_name, tool_name: input.tool_name, tool_input: input.tool_input });
            return { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny', permissionDecisionReason: extra.reason } };
          }],
        }],
      },
    };
    await drain(query({ prompt: extra.prompt ?? 'use the tool', options }));
  },

  // Structured output with a JSON schema.
  async structured() {
    const options = { ...base, outputFormat: { type: 'json_schema', schema: extra.schema } };
    await drain(query({ prompt: extra.prompt ?? 'answer in the schema', options }));
  },

  // An in-process SDK MCP server whose tool the model calls (over mcp_message).
  async sdkMcp() {
    facts.calls = [];
    const calculator = createSdkMcpServer({
      name: 'calc',
      version: '1.0.0',
      tools: [
        tool('add', 'Adds two numbers', { a: z.number(), b: z.number() }, async ({ a, b }) => {
          facts.calls.push({ a, b });
          return { content: [{ type: 'text', text: `sum is ${a + b}` }] };
        }),
      ],
    });
    const options = { ...base, mcpServers: { calc: calculator }, allowedTools: ['mcp__calc__add'] };
    await drain(query({ prompt: extra.prompt ?? 'add 2 and 3', options }));
  },

  // A session, then a second query that resumes it.
  async resume() {
    let sessionId;
    await drain(query({ prompt: extra.first ?? 'remember the word', options: base }), (m) => {
      if (m.type === 'result') {
        sessionId = m.session_id;
      }
    });
    facts.firstSession = sessionId;
    await drain(query({ prompt: extra.second ?? 'what was the word?', options: { ...base, ...extra.secondOptions, resume: sessionId } }));
  },

  // --fallback-model: the main model is missing (HTTP 404), the fallback answers; the switch is seen as a system message.
  async fallbackModel() {
    const options = { ...base, fallbackModel: extra.fallbackModel };
    await drain(query({ prompt: extra.prompt ?? 'say hello', options }), (m) => {
      if (m.type === 'system' && m.subtype === 'model_fallback') {
        facts.fallback = { trigger: m.trigger, original_model: m.original_model, fallback_model: m.fallback_model };
      }
    });
  },

  // options.agents (sent in initialize) and options.agent (--agent): the main thread runs as that agent.
  async agent() {
    const options = { ...base, agents: extra.agents, agent: extra.agent };
    const q = query({ prompt: extra.prompt ?? 'who are you?', options });
    await drain(q);
  },

  // options.agents alone: the CLI lists them (supportedAgents()) and offers them as subagent types.
  async agents() {
    const input = promptStream();
    const q = query({ prompt: input, options: { ...base, agents: extra.agents } });
    const reader = drain(q, (m) => {
      if (m.type === 'result') {
        input.end();
      }
    });
    facts.agents = (await q.supportedAgents()).map((a) => a.name);
    input.push(extra.prompt ?? 'which agents are there?');
    await reader;
  },

  // plugins: [{type: 'local', path}] (--plugin-dir): the plugin's commands and agents are there for this run.
  async plugins() {
    const options = { ...base, plugins: extra.plugins.map((path) => ({ type: 'local', path })) };
    await drain(query({ prompt: extra.prompt ?? 'hello', options }), (m) => {
      if (m.type === 'system' && m.subtype === 'init') {
        facts.plugins = m.plugins.map((p) => p.name);
        facts.agents = m.agents;
        facts.slashCommands = m.slash_commands;
      }
    });
  },

  // pluginHooks: the plugins scenario with a plugin whose hooks decide about the tool calls in the prompt.
  async pluginHooks() {
    await scenarios.plugins();
  },

  // strictMcpConfig: only the mcpServers given start; the project's .mcp.json ones do not.
  async strictMcpConfig() {
    const input = promptStream();
    const q = query({ prompt: input, options: { ...base, mcpServers: extra.mcpServers, strictMcpConfig: true } });
    const reader = drain(q, async (m) => {
      if (m.type === 'result') {
        facts.serversAfterTurn = (await q.mcpServerStatus()).map((s) => ({ name: s.name, status: s.status }));
        input.end();
      }
    });
    facts.servers = (await q.mcpServerStatus()).map((s) => ({ name: s.name, status: s.status }));
    input.push(extra.prompt ?? 'hello');
    await reader;
  },
};

try {
  if (!scenarios[scenario]) {
    throw new Error(`unknown scenario '${scenario}' (${Object.keys(scenarios).join(', ')})`);
  }
  await scenarios[scenario]();
  process.stdout.write(JSON.stringify({ done: facts }) + '\n');
} catch (error) {
  process.stdout.write(JSON.stringify({ error: String(error?.message ?? error), facts }) + '\n');
  process.exitCode = 1;
}
