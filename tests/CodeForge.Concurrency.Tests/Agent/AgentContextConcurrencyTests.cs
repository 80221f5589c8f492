using System.Runtime.CompilerServices;
using System.Text.Json;
using CodeForge.Concurrency.Tests.Infrastructure;
using CodeForge.Core.Agent;
using CodeForge.Core.Tokens;
using CodeForge.Core.Tools;
using Microsoft.Extensions.AI;

namespace CodeForge.Concurrency.Tests.Agent;

/// <summary>
/// The shared state of the agent's context features under real concurrency: the Task tool's bound on running
/// subagents, and manual compaction racing agent runs on one conversation (the run lock).
/// </summary>
[Collection(NonParallel.Name)]
public sealed class AgentContextConcurrencyTests
{
    private const string ParentPrompt = "PARENT";

    /// <summary>A thread-safe model whose answer is computed from the request.</summary>
    private sealed class FuncClient(Func<IReadOnlyList<ChatMessage>, Task<ChatMessage>> answer) : IChatClient
    {
        public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            new(await answer([.. messages])) { Usage = new UsageDetails { InputTokenCount = 1, OutputTokenCount = 1 } };

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

    [Fact]
    public async Task ManyParallelSubagents_NeverExceedTheBound_AndEachAnswerReachesItsCaller()
    {
        const int bound = 3;
        const int callers = 24;
        var inside = 0;
        var violations = 0;
        var client = new FuncClient(async request =>
        {
            var now = Interlocked.Increment(ref inside);
            if (now > bound)
            {
                Interlocked.Increment(ref violations);
            }
            await Task.Yield();
            Thread.SpinWait(2000);
            await Task.Yield();
            Interlocked.Decrement(ref inside);
            return new ChatMessage(ChatRole.Assistant, "answer:" + request[^1].Text);
        });
        var registry = new ToolRegistry();
        var executor = new ToolExecutor(registry);
        var context = new ToolContext(Path.GetTempPath());
        using var task = new TaskTool(client, executor, context, null, new AgentCatalog(AgentDefinition.BuiltIn, []), new SubagentOptions { MaxConcurrency = bound });
        registry.Register(task);
        var results = new string[callers];

        await Stress.GatherAsync(callers, async i =>
        {
            var args = JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["description"] = "d", ["prompt"] = $"job {i}", ["subagent_type"] = "Explore" });
            var result = await executor.ExecuteAsync("Task", args, context, TestContext.Current.CancellationToken);
            results[i] = result.Success ? result.Output : result.Error!;
        });

        Assert.Equal(0, Volatile.Read(ref violations));
        Assert.InRange(task.MaxObservedConcurrency, 1, bound);
        Assert.Equal(0, task.Running);
        Assert.Equal(Enumerable.Range(0, callers).Select(i => $"answer:job {i}"), results);
    }

    /// <summary>Records what the loop and the compactor told the sink, to replay it.</summary>
    private sealed class ReplaySink : IConversationSink
    {
        private readonly object _gate = new();
        private readonly List<ChatMessage> _replayed = [];
        private int _inside;

        public int Overlaps { get; private set; }

        public int Compactions { get; private set; }

        /// <summary>Completed when the first compaction has been replayed.</summary>
        public TaskCompletionSource FirstCompaction { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completed when the second compaction has been replayed.</summary>
        public TaskCompletionSource SecondCompaction { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlyList<ChatMessage> Replayed
        {
            get
            {
                lock (_gate)
                {
                    return [.. _replayed];
                }
            }
        }

        public ValueTask AppendAsync(ChatMessage message, CancellationToken cancellationToken) => Do(() => _replayed.Add(message));

        public ValueTask CommitTurnAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask CompactedAsync(CompactionRecord compaction, CancellationToken cancellationToken) => Do(() =>
        {
            Compactions++;
            (Compactions == 1 ? FirstCompaction : Compactions == 2 ? SecondCompaction : null)?.TrySetResult();
            var kept = compaction.Kept.ToList();
            _replayed.Clear();
            _replayed.Add(compaction.SummaryMessage);
            _replayed.AddRange(kept);
        });

        private ValueTask Do(Action action)
        {
            if (Interlocked.Increment(ref _inside) > 1)
            {
                Overlaps++;
            }
            lock (_gate)
            {
                action();
            }
            Interlocked.Decrement(ref _inside);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class EchoTool : ITool
    {
        public string Name => "Echo";

        public string Description => "echo";

        public ToolCategory Category => ToolCategory.Other;

        public ToolSchema Schema { get; } = ToolSchema.Empty;

        public async Task<ToolResult> ExecuteAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
        {
            await Task.Yield();
            return ToolResult.Ok("echoed " + new string('e', 200));
        }
    }

    [Fact]
    public async Task ManualCompaction_RacingRuns_NeverSplitsAToolExchangeAndTheSinkReplaysToTheSameConversation()
    {
        const int runs = 30;
        const int compactions = 30;
        var call = 0;
        var client = new FuncClient(async request =>
        {
            await Task.Yield();
            if (request[0].Text.StartsWith("You are summarizing", StringComparison.Ordinal))
            {
                return new ChatMessage(ChatRole.Assistant, "summary " + Interlocked.Increment(ref call));
            }
            return request[^1].Role == ChatRole.User
                ? new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c" + Interlocked.Increment(ref call), "Echo")])
                : new ChatMessage(ChatRole.Assistant, "done " + new string('d', 200));
        });
        var registry = new ToolRegistry();
        registry.Register(new EchoTool());
        var loop = new AgentLoop(client, new ToolExecutor(registry), new ToolContext(Path.GetTempPath()));
        var conversation = new Conversation();
        var sink = new ReplaySink();
        var contextOptions = new ContextOptions(100_000, EstimatingCounter.Instance) { KeepRecentTokens = 150 };
        var options = new AgentOptions { SystemPrompt = ParentPrompt, Context = contextOptions };
        var compactor = new Compactor(client, contextOptions);
        var ct = TestContext.Current.CancellationToken;

        var runner = Task.Run(async () =>
        {
            for (var i = 0; i < runs; i++)
            {
                // Compactions provably race the runs: the middle run waits for one, the last for a second one (each made
                // while runs remain, so each has new exchanges to fold) — events, not a hope about scheduling.
                if (i == runs / 2)
                {
                    await sink.FirstCompaction.Task.WaitAsync(ct);
                }
                else if (i == runs - 1)
                {
                    await sink.SecondCompaction.Task.WaitAsync(ct);
                }
                await foreach (var _ in loop.RunAsync(conversation, $"request {i}", options, sink, ct))
                {
                }
            }
        }, ct);
        var attempts = 0;
        var compacting = Task.Run(async () =>
        {
            // Compact continually while the runs go on (and at least a few times), racing each run for the run lock.
            while (!runner.IsCompleted || attempts < compactions)
            {
                await compactor.CompactAsync(conversation, sink: sink, cancellationToken: ct);
                attempts++;
                await Task.Yield();
            }
        }, ct);
        await Stress.WithinWatchdog(Task.WhenAll(new[] { runner, compacting }).ContinueWith(t => t.IsCompletedSuccessfully, TaskScheduler.Default), what: "runs racing compactions");
        await Task.WhenAll(new[] { runner, compacting });

        Assert.Equal(0, sink.Overlaps);
        Assert.True(sink.Compactions > 1, $"{sink.Compactions} compactions in {attempts} attempts");
        var messages = conversation.Messages;
        Assert.Equal(messages, sink.Replayed);   // the sink saw exactly the conversation's history of changes
        var calls = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in messages)
        {
            foreach (var c in m.Contents.OfType<FunctionCallContent>())
            {
                calls.Add(c.CallId);
            }
            foreach (var r in m.Contents.OfType<FunctionResultContent>())
            {
                Assert.True(calls.Contains(r.CallId), $"result {r.CallId} has no call before it");
            }
        }
        var lastRequest = messages.LastOrDefault(m => m.Role == ChatRole.User && !Compactor.IsSummary(m))?.Text
            ?? Compactor.ExtractTag(messages[0].Text, Compactor.RequestTag);
        Assert.Equal($"request {runs - 1}", lastRequest);   // kept as a message, or verbatim in the summary
    }
}
