using System.Collections.Concurrent;
using System.Text.Json;
using CodeForge.Core.Agent;
using CodeForge.Core.Tokens;
using CodeForge.Core.Tools;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.AI;

namespace CodeForge.Core.Tests.Agent;

public sealed class AgentLoopTests
{
    private sealed class EchoTool(string name = "Echo") : ITool
    {
        public ConcurrentQueue<string> Seen { get; } = new();

        public TaskCompletionSource? Gate { get; init; }

        public string Name => name;

        public string Description => "Echoes its text.";

        public ToolCategory Category => ToolCategory.Other;

        public ToolSchema Schema { get; } = ToolSchema.FromJsonSchema(JsonElement.Parse(
            """{"type":"object","properties":{"text":{"type":"string","description":"what to echo"}},"required":["text"]}"""));

        public async Task<ToolResult> ExecuteAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
        {
            var text = arguments.GetProperty("text").GetString()!;
            Seen.Enqueue(text);
            if (Gate is not null)
            {
                await Gate.Task.WaitAsync(cancellationToken);
            }
            return ToolResult.Ok($"echo: {text}");
        }
    }

    private static (AgentLoop Loop, ToolRegistry Registry) Build(IChatClient client, IToolCallAuthorizer? authorizer = null, params ITool[] tools)
    {
        var registry = new ToolRegistry();
        registry.RegisterMany(tools);
        var loop = new AgentLoop(client, new ToolExecutor(registry), new ToolContext(Path.GetTempPath()), authorizer);
        return (loop, registry);
    }

    private static async Task<List<AgentEvent>> Collect(IAsyncEnumerable<AgentEvent> events)
    {
        var list = new List<AgentEvent>();
        await foreach (var e in events)
        {
            list.Add(e);
        }
        return list;
    }

    [Fact]
    public async Task Run_WhenModelAnswersWithText_StreamsItAndCompletes()
    {
        var model = new ScriptedChatClient().Text("Hello there", chunks: 3);
        var (loop, _) = Build(model);
        var conversation = new Conversation();

        var events = await Collect(loop.RunAsync(conversation, "hi", new AgentOptions { SystemPrompt = "You are CodeForge." }, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal("Hello there", string.Concat(events.OfType<TextDelta>().Select(d => d.Text)));
        var finished = Assert.IsType<TurnFinished>(events[^1]);
        Assert.Equal(AgentStopReason.Completed, finished.Reason);
        Assert.Equal("Hello there", finished.FinalText);
        Assert.Equal(ChatRole.System, model.Requests[0][0].Role);
        Assert.Equal("You are CodeForge.", model.Requests[0][0].Text);
        Assert.Equal([ChatRole.User, ChatRole.Assistant], conversation.Messages.Select(m => m.Role));
    }

    [Fact]
    public async Task Run_WhenModelCallsTools_RunsThemAndSendsResultsBackInCallOrder()
    {
        var model = new ScriptedChatClient()
            .ToolCalls(ScriptedChatClient.Call("c1", "Echo", ("text", "one")), ScriptedChatClient.Call("c2", "Echo", ("text", "two")))
            .Text("done");
        var echo = new EchoTool();
        var (loop, _) = Build(model, null, echo);
        var conversation = new Conversation();

        var events = await Collect(loop.RunAsync(conversation, "go", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(2, model.Requests.Count);
        var results = model.Requests[1][^1].Contents.OfType<FunctionResultContent>().ToList();
        Assert.Equal(["c1", "c2"], results.Select(r => r.CallId));
        Assert.Equal(["echo: one", "echo: two"], results.Select(r => r.Result as string));
        Assert.Equal(2, events.OfType<ToolCallFinished>().Count(f => f.Outcome == ToolCallOutcome.Executed));
        Assert.Contains(model.Options[0]!.Tools!, t => t.Name == "Echo");
        Assert.Equal(AgentStopReason.Completed, ((TurnFinished)events[^1]).Reason);
    }

    [Fact]
    public async Task Run_WhenToolIsUnknown_TellsTheModelInsteadOfFailing()
    {
        var model = new ScriptedChatClient().ToolCalls(ScriptedChatClient.Call("c1", "Nope")).Text("ok");
        var (loop, _) = Build(model, null, new EchoTool());

        await Collect(loop.RunAsync(new Conversation(), "go", cancellationToken: TestContext.Current.CancellationToken));

        var result = Assert.Single(model.Requests[1][^1].Contents.OfType<FunctionResultContent>());
        Assert.Contains("Nope", (string)result.Result!, StringComparison.Ordinal);
        Assert.Contains("Echo", (string)result.Result!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WhenArgumentsAreMalformed_ReturnsAnErrorTheModelCanActOn()
    {
        var bad = new FunctionCallContent("c1", "Echo") { Exception = new JsonException("unexpected end of data") };
        var model = new ScriptedChatClient().ToolCalls(bad).Text("sorry");
        var echo = new EchoTool();
        var (loop, _) = Build(model, null, echo);

        var events = await Collect(loop.RunAsync(new Conversation(), "go", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Empty(echo.Seen);
        Assert.Equal(ToolCallOutcome.Malformed, events.OfType<ToolCallFinished>().Single().Outcome);
        var result = (string)model.Requests[1][^1].Contents.OfType<FunctionResultContent>().Single().Result!;
        Assert.Contains("not valid JSON", result, StringComparison.Ordinal);
    }

    private sealed class DenyAll : IToolCallAuthorizer
    {
        public ValueTask<ToolCallAuthorization> AuthorizeAsync(string toolName, JsonElement arguments, CancellationToken cancellationToken) =>
            ValueTask.FromResult(ToolCallAuthorization.Deny("not allowed in this test"));
    }

    [Fact]
    public async Task Run_WhenAuthorizerDenies_DoesNotRunTheToolAndTellsTheModelWhy()
    {
        var model = new ScriptedChatClient().ToolCalls(ScriptedChatClient.Call("c1", "Echo", ("text", "x"))).Text("ok");
        var echo = new EchoTool();
        var (loop, _) = Build(model, new DenyAll(), echo);

        var events = await Collect(loop.RunAsync(new Conversation(), "go", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Empty(echo.Seen);
        Assert.Equal(ToolCallOutcome.Denied, events.OfType<ToolCallFinished>().Single().Outcome);
        Assert.Contains("not allowed in this test", (string)model.Requests[1][^1].Contents.OfType<FunctionResultContent>().Single().Result!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_WhenMaxTurnsIsReached_StopsWithThatReason()
    {
        var model = new ScriptedChatClient()
            .ToolCalls(ScriptedChatClient.Call("c1", "Echo", ("text", "1")))
            .ToolCalls(ScriptedChatClient.Call("c2", "Echo", ("text", "2")));
        var (loop, _) = Build(model, null, new EchoTool());

        var events = await Collect(loop.RunAsync(new Conversation(), "go", new AgentOptions { MaxTurns = 2 }, cancellationToken: TestContext.Current.CancellationToken));

        var finished = (TurnFinished)events[^1];
        Assert.Equal(AgentStopReason.MaxTurns, finished.Reason);
        Assert.Equal(2, finished.ModelCalls);
    }

    [Fact]
    public async Task Run_WhenTheModelFails_ReportsTheErrorAndKeepsTheConversationValid()
    {
        var model = new ScriptedChatClient().Fails(new HttpRequestException("connection refused"));
        var (loop, _) = Build(model);
        var conversation = new Conversation();

        var events = await Collect(loop.RunAsync(conversation, "go", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("connection refused", events.OfType<AgentError>().Single().Message, StringComparison.Ordinal);
        Assert.Equal(AgentStopReason.Failed, ((TurnFinished)events[^1]).Reason);
        Assert.Equal([ChatRole.User], conversation.Messages.Select(m => m.Role));
    }

    [Fact]
    public async Task Run_WhenCancelledDuringATool_GivesEveryCallAResultAndStops()
    {
        var gate = new TaskCompletionSource();
        var echo = new EchoTool { Gate = gate };
        var model = new ScriptedChatClient()
            .ToolCalls(ScriptedChatClient.Call("c1", "Echo", ("text", "a")), ScriptedChatClient.Call("c2", "Echo", ("text", "b")));
        var (loop, _) = Build(model, null, echo);
        var conversation = new Conversation();
        using var cts = new CancellationTokenSource();

        var events = new List<AgentEvent>();
        await foreach (var e in loop.RunAsync(conversation, "go", cancellationToken: cts.Token))
        {
            events.Add(e);
            if (e is ToolCallStarted)
            {
                await cts.CancelAsync();
            }
        }

        Assert.Equal(AgentStopReason.Cancelled, ((TurnFinished)events[^1]).Reason);
        var toolMessage = conversation.Messages[^1];
        Assert.Equal(ChatRole.Tool, toolMessage.Role);
        Assert.Equal(["c1", "c2"], toolMessage.Contents.OfType<FunctionResultContent>().Select(r => r.CallId));
        Assert.All(events.OfType<ToolCallFinished>(), f => Assert.Equal(ToolCallOutcome.Cancelled, f.Outcome));
    }

    private sealed class RecordingSink : IConversationSink
    {
        public List<ChatRole> Appended { get; } = [];

        public int Commits { get; private set; }

        public ValueTask AppendAsync(ChatMessage message, CancellationToken cancellationToken)
        {
            Appended.Add(message.Role);
            return ValueTask.CompletedTask;
        }

        public ValueTask CommitTurnAsync(CancellationToken cancellationToken)
        {
            Commits++;
            return ValueTask.CompletedTask;
        }

        public ValueTask CompactedAsync(CompactionRecord compaction, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Run_RecordsEveryMessageInOrderAndCommitsTheTurn()
    {
        var model = new ScriptedChatClient().ToolCalls(ScriptedChatClient.Call("c1", "Echo", ("text", "x"))).Text("ok");
        var (loop, _) = Build(model, null, new EchoTool());
        var sink = new RecordingSink();

        await Collect(loop.RunAsync(new Conversation(), "go", sink: sink, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal([ChatRole.User, ChatRole.Assistant, ChatRole.Tool, ChatRole.Assistant], sink.Appended);
        Assert.Equal(1, sink.Commits);
    }

    [Fact]
    public async Task Run_WhenResumed_SendsThePreviousConversationFirst()
    {
        var model = new ScriptedChatClient().Text("again");
        var (loop, _) = Build(model);
        var conversation = new Conversation([new ChatMessage(ChatRole.User, "first"), new ChatMessage(ChatRole.Assistant, "answer")]);

        await Collect(loop.RunAsync(conversation, "second", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(["first", "answer", "second"], model.Requests[0].Select(m => m.Text));
    }

    private static ChatMessage[] BigHistory() =>
    [
        new(ChatRole.User, "build the feature"),
        new(ChatRole.Assistant, "working on it " + new string('a', 1400)),
        new(ChatRole.User, "status?"),
        new(ChatRole.Assistant, "half done " + new string('b', 1400)),
    ];

    [Fact]
    public async Task Run_WhenTheRequestReachesTheThreshold_CompactsBeforeCallingTheModel()
    {
        var model = new ScriptedChatClient().Text("SUMMARY OF EARLIER WORK").Text("done");
        var (loop, _) = Build(model);
        var conversation = new Conversation(BigHistory());
        var sink = new CompactorTests.CountingSink();
        var options = new AgentOptions
        {
            SystemPrompt = "sys",
            Context = new ContextOptions(1000, EstimatingCounter.Instance) { AutoCompactThreshold = 0.5, KeepRecentTokens = 50 },
        };

        var events = await Collect(loop.RunAsync(conversation, "now finish it", options, sink, TestContext.Current.CancellationToken));

        var compacted = Assert.Single(events.OfType<ConversationCompacted>());
        Assert.Equal(CompactionTrigger.Auto, compacted.Result.Trigger);
        Assert.True(compacted.Result.TokensBefore >= 500, compacted.Result.TokensBefore.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(1, sink.Compactions);
        Assert.Equal(2, model.Requests.Count);
        var request = model.Requests[1];
        Assert.Equal("sys", request[0].Text);
        Assert.Contains("SUMMARY OF EARLIER WORK", request[1].Text, StringComparison.Ordinal);
        Assert.Equal("now finish it", request[2].Text);   // the latest request, kept verbatim
        Assert.Equal(AgentStopReason.Completed, ((TurnFinished)events[^1]).Reason);
        Assert.True(events.IndexOf(compacted) < events.FindIndex(e => e is AssistantMessage));
    }

    [Fact]
    public async Task Run_BelowTheThreshold_DoesNotCompact()
    {
        var model = new ScriptedChatClient().Text("done");
        var (loop, _) = Build(model);
        var options = new AgentOptions { Context = new ContextOptions(100_000, EstimatingCounter.Instance) };

        var events = await Collect(loop.RunAsync(new Conversation(BigHistory()), "go", options, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Empty(events.OfType<ConversationCompacted>());
        Assert.Single(model.Requests);
    }

    [Fact]
    public async Task Run_WhenTheBoundStaysBelowTheThreshold_NeverCallsTheExactCounter()
    {
        // A tool call and an answer: the second call's threshold check has a conversation to count.
        var model = new ScriptedChatClient().ToolCalls(ScriptedChatClient.Call("c1", "Echo", ("text", "hi"))).Text("done");
        var (loop, _) = Build(model, null, new EchoTool());
        var exact = new Tokens.LengthCounter();
        var options = new AgentOptions
        {
            SystemPrompt = "sys",
            Context = new ContextOptions(100_000, exact) { UpperBoundCounter = TokenUpperBound.Utf8ByteBound.Instance },
        };

        var events = await Collect(loop.RunAsync(new Conversation(), "go", options, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(AgentStopReason.Completed, ((TurnFinished)events[^1]).Reason);
        Assert.Equal(2, model.Requests.Count);
        Assert.Equal(0, exact.TotalCalls);
    }

    [Fact]
    public async Task Run_WhenTheBoundReachesTheThresholdButTheExactCountDoesNot_CountsExactlyAndDoesNotCompact()
    {
        var model = new ScriptedChatClient().Text("done");
        var (loop, _) = Build(model);
        var exact = new Tokens.LengthCounter();
        var options = new AgentOptions
        {
            // The history is about 2,900 characters: the bound (10 per character) is over 0.5 x 10,000, the exact count is not.
            Context = new ContextOptions(10_000, exact) { AutoCompactThreshold = 0.5, UpperBoundCounter = new TimesTen() },
        };

        var events = await Collect(loop.RunAsync(new Conversation(BigHistory()), "go", options, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Empty(events.OfType<ConversationCompacted>());
        Assert.Single(model.Requests);
        Assert.True(exact.TotalCalls > 0);
    }

    private sealed class TimesTen : ITokenCounter
    {
        public int Count(string text) => text.Length * 10;

        public int CountMessages(IEnumerable<ChatMessage> messages) => ChatMessageTokens.Count(this, messages);
    }

    [Fact]
    public async Task Run_WhenAutoCompactionFails_ReportsItAndStillCallsTheModel()
    {
        var model = new ScriptedChatClient().Fails(new HttpRequestException("summary refused")).Text("done anyway");
        var (loop, _) = Build(model);
        var conversation = new Conversation(BigHistory());
        var options = new AgentOptions { Context = new ContextOptions(1000, EstimatingCounter.Instance) { AutoCompactThreshold = 0.5 } };

        var events = await Collect(loop.RunAsync(conversation, "go", options, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("summary refused", Assert.Single(events.OfType<CompactionFailed>()).Message, StringComparison.Ordinal);
        Assert.Equal("done anyway", ((TurnFinished)events[^1]).FinalText);
        Assert.Equal("build the feature", conversation.Messages[0].Text);
    }

    [Fact]
    public async Task Run_WhenAToolResultIsOverTheBudget_CutsItInTheConversationAndSavesTheWholeText()
    {
        var big = string.Concat(Enumerable.Range(0, 400).Select(i => $"line {i}\n"));
        var model = new ScriptedChatClient().ToolCalls(ScriptedChatClient.Call("c1", "Echo", ("text", big))).Text("ok");
        var (loop, _) = Build(model, null, new EchoTool());
        var directory = Path.Combine(Path.GetTempPath(), "forge-trunc-" + Guid.NewGuid().ToString("N"));
        var options = new AgentOptions
        {
            Context = new ContextOptions(100_000, EstimatingCounter.Instance) { ToolResultMaxTokens = 100, ToolOutputDirectory = directory },
        };
        try
        {
            var events = await Collect(loop.RunAsync(new Conversation(), "go", options, cancellationToken: TestContext.Current.CancellationToken));

            Assert.Equal("echo: " + big, events.OfType<ToolCallFinished>().Single().Result.Output);   // printers get it whole
            var sent = (string)model.Requests[1][^1].Contents.OfType<FunctionResultContent>().Single().Result!;
            Assert.StartsWith("echo: line 0\n", sent, StringComparison.Ordinal);
            Assert.EndsWith("line 399\n", sent, StringComparison.Ordinal);
            Assert.Contains("output truncated", sent, StringComparison.Ordinal);
            Assert.True(EstimatingCounter.Instance.Count(sent) <= 100 + 100, sent.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var saved = Assert.Single(Directory.GetFiles(directory));
            Assert.Contains(saved, sent, StringComparison.Ordinal);
            Assert.Equal("echo: " + big, await File.ReadAllTextAsync(saved, TestContext.Current.CancellationToken));
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    [Fact]
    public async Task Run_WithAllowedTools_OffersOnlyThoseAndRefusesACallToAnother()
    {
        var model = new ScriptedChatClient().ToolCalls(ScriptedChatClient.Call("c1", "Other", ("text", "x"))).Text("ok");
        var other = new EchoTool("Other");
        var (loop, _) = Build(model, null, new EchoTool(), other);
        var options = new AgentOptions { AllowedTools = ["Echo"] };

        var events = await Collect(loop.RunAsync(new Conversation(), "go", options, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(["Echo"], model.Options[0]!.Tools!.Select(t => t.Name));
        Assert.Empty(other.Seen);
        Assert.Equal(ToolCallOutcome.Malformed, events.OfType<ToolCallFinished>().Single().Outcome);
        Assert.Contains("not available here", (string)model.Requests[1][^1].Contents.OfType<FunctionResultContent>().Single().Result!, StringComparison.Ordinal);
    }

    private sealed class WaitingTool(string name, bool longRunning) : ITool
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool LongRunning => longRunning;

        public string Name => name;

        public string Description => "Waits.";

        public ToolCategory Category => ToolCategory.Other;

        public ToolSchema Schema { get; } = ToolSchema.Empty;

        public async Task<ToolResult> ExecuteAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
        {
            Started.TrySetResult();
            await Release.Task.WaitAsync(cancellationToken);
            return ToolResult.Ok("finished");
        }
    }

    private sealed class LongTool : ITool, ILongRunningTool
    {
        private readonly WaitingTool _inner = new("Long", true);

        public WaitingTool Inner => _inner;

        public string Name => _inner.Name;

        public string Description => _inner.Description;

        public ToolCategory Category => _inner.Category;

        public ToolSchema Schema => _inner.Schema;

        public Task<ToolResult> ExecuteAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken) =>
            _inner.ExecuteAsync(arguments, context, cancellationToken);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Run_ALongRunningTool_IsExemptFromThePerCallTimeout(bool longRunning)
    {
        var time = new FakeTimeProvider();
        ITool tool = longRunning ? new LongTool() : new WaitingTool("Long", false);
        var waiting = tool is LongTool l ? l.Inner : (WaitingTool)tool;
        var registry = new ToolRegistry();
        registry.Register(tool);
        var model = new ScriptedChatClient().ToolCalls(ScriptedChatClient.Call("c1", "Long")).Text("ok");
        var loop = new AgentLoop(model, new ToolExecutor(registry, timeProvider: time), new ToolContext(Path.GetTempPath()) { Timeout = TimeSpan.FromSeconds(5) });

        var run = Collect(loop.RunAsync(new Conversation(), "go", cancellationToken: TestContext.Current.CancellationToken));
        await waiting.Started.Task.WaitAsync(TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromMinutes(10));
        waiting.Release.TrySetResult();
        var events = await run;

        var result = events.OfType<ToolCallFinished>().Single().Result;
        if (longRunning)
        {
            Assert.True(result.Success, result.Error);
        }
        else
        {
            Assert.Contains("timed out", result.Error, StringComparison.Ordinal);
        }
    }
}
