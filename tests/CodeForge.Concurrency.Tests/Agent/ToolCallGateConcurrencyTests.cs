using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using CodeForge.Concurrency.Tests.Infrastructure;
using CodeForge.Core.Agent;
using CodeForge.Core.Hooks;
using CodeForge.Core.Permissions;
using CodeForge.Core.Tools;
using Microsoft.Extensions.AI;

namespace CodeForge.Concurrency.Tests.Agent;

/// <summary>
/// The one tool-call gate under real concurrency: parallel calls while the rules change (every decision is made on one
/// whole rules version, never a mix), and parallel subagents whose calls fire PreToolUse and PostToolUse exactly once.
/// </summary>
[Collection(NonParallel.Name)]
public sealed class ToolCallGateConcurrencyTests : IDisposable
{
    private const int Workers = 8;
    private const int CallsPerWorker = 40;
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("forge-gate-race-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Hook commands answered in process; <paramref name="answer"/> gets the command and the event's JSON input.</summary>
    private sealed class InProcessHooks(Func<string, JsonElement, string> answer) : IHookProcessRunner
    {
        public Task<HookProcessResult> RunAsync(HookProcessRequest request, CancellationToken cancellationToken)
        {
            using var input = JsonDocument.Parse(request.Stdin);
            return Task.FromResult(new HookProcessResult(0, answer(request.Command, input.RootElement), ""));
        }
    }

    private static HookSession Session(IHookProcessRunner processes, params (HookEvent Event, string Command)[] hooks)
    {
        var registry = new HookRegistry();
        registry.SetSource("test", [.. hooks.Select(h => new HookDefinition(h.Event, HookMatcher.Parse(null), h.Command, "test"))]);
        var runner = new HookRunner(registry, processes, new HookRunnerOptions { ProjectDirectory = "/repo", HomeDirectory = "/home/u" });
        return new HookSession(runner, () => new HookSessionInfo("s", null, "/repo"));
    }

    private static JsonElement Command(string command) => JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["command"] = command });

    /// <summary>
    /// Each worker owns one allow rule, <c>Bash(npm run w{w}-v{k}:*)</c>, and calls <c>npm run w{w}-v{k} …</c> with its
    /// current k. The PreToolUse hook rewrites the command and, before it answers, moves the worker's rule on to k+1 (while
    /// the other workers move theirs): the rules change between the first check and the re-check of every call. Decided
    /// on one whole version (the one the call started on), a rewrite to <c>v{k}</c> is allowed and a rewrite to
    /// <c>v{k+1}</c> denied; a gate that re-read the rules for the re-check would do the opposite.
    /// </summary>
    [Fact]
    public async Task ParallelCallsWhileTheRulesChange_EachDecisionIsMadeOnOneWholeRulesVersion()
    {
        var checker = new PermissionChecker(_dir.FullName, _dir.FullName);
        var versions = new int[Workers];
        PermissionRuleSet Rules() => PermissionRuleSet.Load(PermissionLayer.Project,
            [.. Enumerable.Range(0, Workers).Select(w => $"Bash(npm run w{w}-v{Volatile.Read(ref versions[w])}:*)")], [], []).Rules;
        checker.ReplaceLayer(PermissionLayer.Project, Rules());
        var hooks = Session(new InProcessHooks((_, input) =>
        {
            // "npm run w3-v7 same" → "npm run w3-v7 done"; "npm run w3-v7 next" → "npm run w3-v8 done"; then w3 moves to v8.
            var words = input.GetProperty("tool_input").GetProperty("command").GetString()!.Split(' ');
            var id = words[2];
            var w = int.Parse(id[1..id.IndexOf('-', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
            var k = int.Parse(id[(id.IndexOf('v', StringComparison.Ordinal) + 1)..], CultureInfo.InvariantCulture);
            var rewritten = $"npm run w{w}-v{(words[3] == "same" ? k : k + 1)} done";
            Volatile.Write(ref versions[w], k + 1);
            checker.Update(p => p.WithLayer(PermissionLayer.Project, Rules()));
            return "{\"hookSpecificOutput\": {\"hookEventName\": \"PreToolUse\", \"updatedInput\": {\"command\": \"" + rewritten + "\"}}}";
        }), (HookEvent.PreToolUse, "rewrite"));
        using var gate = new ToolCallGate(checker, new ToolCallGateOptions { Hooks = hooks });
        var wrong = new ConcurrentQueue<string>();
        var allowed = 0;

        await Stress.GatherAsync(Workers, async w =>
        {
            for (var i = 0; i < CallsPerWorker; i++)
            {
                var same = i % 2 == 0;
                var command = $"npm run w{w}-v{Volatile.Read(ref versions[w])} {(same ? "same" : "next")}";
                var verdict = await gate.AuthorizeAsync("Bash", Command(command), Ct);
                if (verdict.Allowed != same)
                {
                    wrong.Enqueue($"{command}: {(verdict.Allowed ? "allowed" : "denied")} ({verdict.Reason})");
                }
                if (verdict.Allowed)
                {
                    Interlocked.Increment(ref allowed);
                }
            }
        });

        Assert.Empty(wrong);
        Assert.Equal(Workers * CallsPerWorker / 2, allowed);
        Assert.All(versions, v => Assert.Equal(CallsPerWorker, v));
    }

    /// <summary>A thread-safe model whose answer is computed from the request.</summary>
    private sealed class FuncClient(Func<IReadOnlyList<ChatMessage>, ChatMessage> answer) : IChatClient
    {
        public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            return new ChatResponse(answer([.. messages]));
        }

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
            IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            foreach (var u in (await GetResponseAsync(messages, options, cancellationToken)).ToChatResponseUpdates())
            {
                yield return u;
            }
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    private sealed class EchoTool : ITool
    {
        public string Name => "Echo";

        public string Description => "echoes its id";

        public ToolCategory Category => ToolCategory.Other;

        public ToolSchema Schema { get; } = ToolSchema.FromJsonSchema(JsonElement.Parse(
            """{"type":"object","properties":{"id":{"type":"string","description":"an id"}},"required":["id"]}"""));

        public Task<ToolResult> ExecuteAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken) =>
            Task.FromResult(ToolResult.Ok("echo " + arguments.GetProperty("id").GetString()));
    }

    private static FunctionCallContent Call(string id, string name, IDictionary<string, object?> args) => new(id, name, args);

    /// <summary>
    /// The parent calls Task four times in one response; each subagent calls Echo three times in one response. Every
    /// call, the parent's and the subagents', passes the one gate: PreToolUse and PostToolUse fire exactly once for each
    /// (before the gate, a subagent's calls fired neither, and a model could walk around a hook by delegating).
    /// </summary>
    [Fact]
    public async Task ParallelSubagents_EveryCallFiresPreToolUseAndPostToolUseExactlyOnce()
    {
        const int subagents = 4;
        const int echoes = 3;
        var fired = new ConcurrentDictionary<string, int>();
        var hooks = Session(new InProcessHooks((command, input) =>
        {
            var tool = input.GetProperty("tool_name").GetString();
            var toolInput = input.GetProperty("tool_input");
            var key = tool == "Task" ? "Task " + toolInput.GetProperty("prompt").GetString() : $"{tool} {toolInput.GetProperty("id").GetString()}";
            fired.AddOrUpdate($"{command} {key}", 1, (_, n) => n + 1);
            return "";
        }), (HookEvent.PreToolUse, "pre"), (HookEvent.PostToolUse, "post"));
        var checker = new PermissionChecker(_dir.FullName, _dir.FullName);
        checker.AddSessionRule(PermissionBehavior.Allow, "Echo");
        var registry = new ToolRegistry();
        registry.Register(new EchoTool());
        var executor = new ToolExecutor(registry);
        var context = new ToolContext(_dir.FullName);
        using var gate = new ToolCallGate(checker, new ToolCallGateOptions { Hooks = hooks, Tools = registry });
        var client = new FuncClient(request =>
        {
            var last = request[^1];
            if (request[0].Text == "PARENT")
            {
                return last.Role == ChatRole.Tool
                    ? new ChatMessage(ChatRole.Assistant, "parent done")
                    : new ChatMessage(ChatRole.Assistant, [.. Enumerable.Range(0, subagents).Select(s => (AIContent)Call($"t{s}", "Task",
                        new Dictionary<string, object?> { ["description"] = "d", ["prompt"] = $"job{s}", ["subagent_type"] = "general-purpose" }))]);
            }
            var job = request.First(m => m.Role == ChatRole.User).Text;
            return last.Role == ChatRole.Tool
                ? new ChatMessage(ChatRole.Assistant, "child done")
                : new ChatMessage(ChatRole.Assistant, [.. Enumerable.Range(0, echoes).Select(e => (AIContent)Call($"{job}-e{e}", "Echo",
                    new Dictionary<string, object?> { ["id"] = $"{job}-e{e}" }))]);
        });
        using var task = new TaskTool(client, executor, context, gate, new AgentCatalog(AgentDefinition.BuiltIn, []), new SubagentOptions { MaxConcurrency = subagents });
        registry.Register(task);
        var loop = new AgentLoop(client, executor, context, gate);

        TurnFinished? finished = null;
        await foreach (var e in loop.RunAsync(new Conversation(), "go", new AgentOptions { SystemPrompt = "PARENT", Hooks = hooks }, cancellationToken: Ct)
            .WithCancellation(Ct))
        {
            finished = e as TurnFinished ?? finished;
        }

        Assert.Equal("parent done", finished!.FinalText);
        var expected = Enumerable.Range(0, subagents).SelectMany(s => new[] { $"Task job{s}" }.Concat(Enumerable.Range(0, echoes).Select(e => $"Echo job{s}-e{e}")))
            .SelectMany(k => new[] { $"pre {k}", $"post {k}" }).Order(StringComparer.Ordinal);
        Assert.Equal(expected, fired.Keys.Order(StringComparer.Ordinal));
        Assert.All(fired, f => Assert.Equal(1, f.Value));
    }
}
