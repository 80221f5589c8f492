using System.Text.Json;
using CodeForge.Core.Tools;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace CodeForge.Core.Tests.Tools;

[Collection(SharedToolRegistryCollection.Name)]
public sealed class ToolExecutorTests
{
    private static readonly ToolSchema ReadSchema = ToolSchema.For(TestToolArgsJsonContext.Default.LimitedReadArgs);

    private readonly ToolRegistry _registry = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));
    private readonly ToolContext _context = new("/work") { Timeout = TimeSpan.FromSeconds(5) };
    private readonly ToolExecutor _executor;

    public ToolExecutorTests() => _executor = new ToolExecutor(_registry, timeProvider: _time);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static JsonElement Json(string json) => JsonElement.Parse(json);

    private FakeTool Add(FakeTool tool)
    {
        _registry.Register(tool);
        return tool;
    }

    [Fact]
    public async Task ExecuteAsync_RunsTheToolWithTheArgumentsAndContext_AndMeasuresTheDuration()
    {
        ToolContext? seen = null;
        var tool = Add(new FakeTool("Read", schema: ReadSchema, execute: (args, context, _) =>
        {
            seen = context;
            _time.Advance(TimeSpan.FromMilliseconds(1500));
            return Task.FromResult(ToolResult.Ok($"read {args.GetProperty("file_path").GetString()}"));
        }));

        var result = await _executor.ExecuteAsync("Read", Json("""{"file_path":"/a","limit":3}"""), _context, Ct);

        Assert.True(result.Success, result.Error);
        Assert.Equal("read /a", result.Output);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), result.Duration);
        Assert.Same(_context, seen);
        Assert.Equal(1, tool.Calls);
    }

    [Fact]
    public async Task ExecuteAsync_WhenTheToolIsUnknown_FailsListingTheAvailableTools()
    {
        Add(new FakeTool("Read"));
        Add(new FakeTool("Bash"));

        var result = await _executor.ExecuteAsync("Write", default, _context, Ct);

        Assert.False(result.Success);
        Assert.Equal("Unknown tool: 'Write'. Available tools: Bash, Read.", result.Error);
    }

    [Fact]
    public async Task ExecuteAsync_WhenTheNameDiffersOnlyInCase_SuggestsTheRightOne()
    {
        Add(new FakeTool("Read"));

        var result = await _executor.ExecuteAsync("read", default, _context, Ct);

        Assert.Equal("Unknown tool: 'read'. Did you mean 'Read'? Tool names are case-sensitive. Available tools: Read.", result.Error);
    }

    [Fact]
    public async Task ExecuteAsync_WhenNoToolIsRegistered_SaysSo()
    {
        var result = await _executor.ExecuteAsync("Read", default, _context, Ct);

        Assert.Equal("Unknown tool: 'Read'. No tools are registered.", result.Error);
    }

    [Fact]
    public async Task ExecuteAsync_WithInvalidArguments_FailsWithEveryProblemAndDoesNotRunTheTool()
    {
        var tool = Add(new FakeTool("Read", schema: ReadSchema));

        var result = await _executor.ExecuteAsync("Read", Json("""{"limit":"3"}"""), _context, Ct);

        Assert.False(result.Success);
        Assert.Equal(
            "Invalid arguments for tool 'Read': 'file_path' is required; 'limit' must be an integer (a whole number such as 5, not 5.5 or \"5\"), got the string \"3\". Correct them and call the tool again.",
            result.Error);
        Assert.Equal(0, tool.Calls);
    }

    [Fact]
    public async Task ExecuteAsync_WithUndefinedOrNullArguments_PassesAnEmptyObject()
    {
        var tool = Add(new FakeTool("Ping"));

        await _executor.ExecuteAsync("Ping", default, _context, Ct);
        Assert.Equal(JsonValueKind.Object, tool.LastArguments.ValueKind);
        await _executor.ExecuteAsync("Ping", Json("null"), _context, Ct);
        Assert.Equal("{}", tool.LastArguments.GetRawText());
    }

    [Fact]
    public async Task ExecuteAsync_WhenTheToolThrows_FailsWithItsMessage()
    {
        Add(new FakeTool("Boom", execute: async (_, _, _) =>
        {
            await Task.Yield();
            throw new IOException("disk on fire");
        }));

        var result = await _executor.ExecuteAsync("Boom", default, _context, Ct);

        Assert.False(result.Success);
        Assert.Equal("Tool 'Boom' failed: disk on fire", result.Error);
    }

    [Fact]
    public async Task ExecuteAsync_WhenTheToolThrowsSynchronously_FailsWithItsMessage()
    {
        Add(new FakeTool("Boom", execute: (_, _, _) => throw new InvalidOperationException("no")));

        var result = await _executor.ExecuteAsync("Boom", default, _context, Ct);

        Assert.Equal("Tool 'Boom' failed: no", result.Error);
    }

    [Fact]
    public async Task ExecuteAsync_WhenTheToolReturnsANullTaskOrResult_Fails()
    {
#pragma warning disable VSTHRD114 // a broken tool that returns a null task is exactly what this test is about
        Add(new FakeTool("NullTask", execute: (_, _, _) => null!));
#pragma warning restore VSTHRD114
        Add(new FakeTool("NullResult", execute: (_, _, _) => Task.FromResult<ToolResult>(null!)));

        Assert.Equal("Tool 'NullTask' failed: ExecuteAsync returned a null task.", (await _executor.ExecuteAsync("NullTask", default, _context, Ct)).Error);
        Assert.Equal("Tool 'NullResult' returned no result.", (await _executor.ExecuteAsync("NullResult", default, _context, Ct)).Error);
    }

    [Fact]
    public async Task ExecuteAsync_WhenACooperativeToolOverrunsTheTimeout_FailsAndCancelsTheTool()
    {
        var toolToken = CancellationToken.None;
        Add(new FakeTool("Slow", execute: async (_, _, ct) =>
        {
            toolToken = ct;
            await Task.Delay(Timeout.Infinite, ct);
            return ToolResult.Ok("never");
        }));

        var pending = _executor.ExecuteAsync("Slow", default, _context, Ct);
        _time.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromTicks(1));
        Assert.False(pending.IsCompleted);
        _time.Advance(TimeSpan.FromTicks(1));
        var result = await pending;

        Assert.False(result.Success);
        Assert.Equal("Tool 'Slow' timed out after 5s.", result.Error);
        Assert.Equal(TimeSpan.FromSeconds(5), result.Duration);
        Assert.True(toolToken.IsCancellationRequested);
    }

    [Fact]
    public async Task ExecuteAsync_WhenAToolIgnoresCancellation_StillReturnsAtTheTimeout()
    {
        var never = new TaskCompletionSource<ToolResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        Add(new FakeTool("Stubborn", execute: (_, _, _) => never.Task));

        var pending = _executor.ExecuteAsync("Stubborn", default, _context with { Timeout = TimeSpan.FromMilliseconds(250) }, Ct);
        _time.Advance(TimeSpan.FromMilliseconds(250));
        var result = await pending;

        Assert.Equal("Tool 'Stubborn' timed out after 0.25s.", result.Error);
        never.SetException(new IOException("late failure is observed, not unobserved"));
    }

    [Fact]
    public async Task ExecuteAsync_WhenTheCallerCancels_PropagatesOperationCanceledExceptionAndRecordsNothing()
    {
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var toolToken = CancellationToken.None;
        Add(new FakeTool("Slow", execute: async (_, _, ct) =>
        {
            toolToken = ct;
            running.SetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return ToolResult.Ok("never");
        }));
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var pending = _executor.ExecuteAsync("Slow", default, _context, caller.Token);
        await running.Task;
        await caller.CancelAsync();

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        Assert.Equal(caller.Token, ex.CancellationToken);
        Assert.True(toolToken.IsCancellationRequested);
        Assert.Empty(_executor.GetExecutions());
        Assert.Equal(0, _executor.TotalExecutions);
    }

    [Fact]
    public async Task ExecuteAsync_WhenTheCallerCancelsAToolThatIgnoresIt_StillPropagatesPromptly()
    {
        var never = new TaskCompletionSource<ToolResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        Add(new FakeTool("Stubborn", execute: (_, _, _) => never.Task));
        using var caller = new CancellationTokenSource();

        var pending = _executor.ExecuteAsync("Stubborn", default, _context, caller.Token);
        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        never.SetResult(ToolResult.Ok("too late"));
    }

    [Fact]
    public async Task ExecuteAsync_WithAnAlreadyCancelledToken_ThrowsWithoutRunningTheTool()
    {
        var tool = Add(new FakeTool("Ping"));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => _executor.ExecuteAsync("Ping", default, _context, new CancellationToken(canceled: true)));

        Assert.Equal(0, tool.Calls);
    }

    [Fact]
    public async Task ExecuteAsync_WhenTheToolCancelsItself_FailsInsteadOfThrowing()
    {
        Add(new FakeTool("Quitter", execute: (_, _, _) => Task.FromCanceled<ToolResult>(new CancellationToken(canceled: true))));

        var result = await _executor.ExecuteAsync("Quitter", default, _context, Ct);

        Assert.False(result.Success);
        Assert.StartsWith("Tool 'Quitter' was cancelled:", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExecuteAsync_WithAnInfiniteTimeout_NeverTimesOut()
    {
        var gate = new TaskCompletionSource<ToolResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        Add(new FakeTool("Wait", execute: (_, _, _) => gate.Task));

        var pending = _executor.ExecuteAsync("Wait", default, _context with { Timeout = Timeout.InfiniteTimeSpan }, Ct);
        _time.Advance(TimeSpan.FromDays(365));
        Assert.False(pending.IsCompleted);
        gate.SetResult(ToolResult.Ok("finally"));

        Assert.Equal("finally", (await pending).Output);
    }

    [Fact]
    public async Task ExecuteAsync_WithATimeoutBeyondWhatATimerSupports_RunsWithoutOne()
    {
        Add(new FakeTool("Ping"));

        var result = await _executor.ExecuteAsync("Ping", default, _context with { Timeout = TimeSpan.MaxValue }, Ct);

        Assert.True(result.Success, result.Error);
    }

    [Fact]
    public async Task ExecuteAsync_WithNullNameOrContext_Throws()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(() => _executor.ExecuteAsync(null!, default, _context, Ct));
        await Assert.ThrowsAsync<ArgumentNullException>(() => _executor.ExecuteAsync("x", default, null!, Ct));
    }

    [Fact]
    public async Task History_RecordsEveryCallWithAPrivateCopyOfTheArguments()
    {
        Add(new FakeTool("Ping", execute: (_, _, _) =>
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            return Task.FromResult(ToolResult.Ok("pong"));
        }));
        var start = _time.GetUtcNow();
        using (var document = JsonDocument.Parse("""{"n":1}"""))
        {
            await _executor.ExecuteAsync("Ping", document.RootElement, _context, Ct);
        }
        await _executor.ExecuteAsync("Missing", default, _context, Ct);

        var history = _executor.GetExecutions();

        Assert.Equal(2, history.Length);
        Assert.Equal("Ping", history[0].ToolName);
        Assert.Equal("""{"n":1}""", history[0].Arguments.GetRawText());
        Assert.Equal(start, history[0].StartedAt);
        Assert.Equal(start.AddSeconds(1), history[0].CompletedAt);
        Assert.Same(_context, history[0].Context);
        Assert.Equal("pong", history[0].Result.Output);
        Assert.Equal("Missing", history[1].ToolName);
        Assert.False(history[1].Result.Success);
    }

    [Fact]
    public async Task History_IsBounded_DroppingTheOldestFirst()
    {
        Add(new FakeTool("Ping"));
        var executor = new ToolExecutor(_registry, maxHistory: 3, timeProvider: _time);

        for (var i = 0; i < 5; i++)
        {
            await executor.ExecuteAsync("Ping", Json($$"""{"i":{{i}}}"""), _context, Ct);
        }

        Assert.Equal([2, 3, 4], executor.GetExecutions().Select(e => e.Arguments.GetProperty("i").GetInt32()));
        Assert.Equal(5, executor.TotalExecutions);
        Assert.Equal(3, executor.MaxHistory);
    }

    [Fact]
    public async Task History_WithZeroBound_KeepsNothingButCounts()
    {
        Add(new FakeTool("Ping"));
        var executor = new ToolExecutor(_registry, maxHistory: 0);

        await executor.ExecuteAsync("Ping", default, _context, Ct);

        Assert.Empty(executor.GetExecutions());
        Assert.Equal(1, executor.TotalExecutions);
    }

    [Fact]
    public async Task GetExecutions_IsASnapshot_AndClearExecutionsEmptiesTheHistory()
    {
        Add(new FakeTool("Ping"));
        await _executor.ExecuteAsync("Ping", default, _context, Ct);
        var snapshot = _executor.GetExecutions();

        await _executor.ExecuteAsync("Ping", default, _context, Ct);
        _executor.ClearExecutions();

        Assert.Single(snapshot);
        Assert.Empty(_executor.GetExecutions());
        Assert.Equal(0, _executor.TotalExecutions);
        Assert.Equal(ToolExecutor.DefaultMaxHistory, _executor.MaxHistory);
    }

    [Fact]
    public void Constructor_WithNegativeHistory_ThrowsNamingIt()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new ToolExecutor(_registry, maxHistory: -1));

        Assert.Equal("maxHistory", ex.ParamName);
    }

    [Fact]
    public async Task Registry_WhenNoneIsGiven_IsTheCurrentSharedOneEvenAfterAReset()
    {
        var executor = new ToolExecutor();
        try
        {
            ToolRegistry.ResetShared();
            ToolRegistry.Shared.Register(new FakeTool("SharedPing"));
            Assert.Same(ToolRegistry.Shared, executor.Registry);
            Assert.True((await executor.ExecuteAsync("SharedPing", default, _context, Ct)).Success);

            ToolRegistry.ResetShared();

            Assert.Same(ToolRegistry.Shared, executor.Registry);
            Assert.False((await executor.ExecuteAsync("SharedPing", default, _context, Ct)).Success);
        }
        finally
        {
            ToolRegistry.ResetShared();
        }
    }

    [Fact]
    public void GetDefinitions_ListsToolsSortedByName_InTheRequestedFormat()
    {
        Add(new FakeTool("Write", ToolCategory.File));
        Add(new FakeTool("Bash", ToolCategory.Execution));
        Add(new FakeTool("Read", ToolCategory.File, ReadSchema));

        var openAi = _executor.GetDefinitions(ToolSchemaFormat.OpenAI);
        var anthropic = _executor.GetDefinitions(ToolSchemaFormat.Anthropic);

        Assert.Equal(["Bash", "Read", "Write"], openAi.Select(d => (string)d!["function"]!["name"]!));
        Assert.Equal(["Bash", "Read", "Write"], anthropic.Select(d => (string)d!["name"]!));
        Assert.Equal(
            ToolDefinitions.Render(_registry.GetRequired("Read"), ToolSchemaFormat.Anthropic).ToJsonString(),
            anthropic[1]!.ToJsonString());
    }

    [Fact]
    public void GetDefinitions_ForACategory_ListsOnlyThatCategory()
    {
        Add(new FakeTool("Write", ToolCategory.File));
        Add(new FakeTool("Bash", ToolCategory.Execution));
        Add(new FakeTool("Read", ToolCategory.File));

        var definitions = _executor.GetDefinitions(ToolSchemaFormat.Anthropic, ToolCategory.File);

        Assert.Equal(["Read", "Write"], definitions.Select(d => (string)d!["name"]!));
        Assert.Empty(_executor.GetDefinitions(ToolSchemaFormat.OpenAI, ToolCategory.Mcp));
    }

    [Fact]
    public void GetDefinitions_WithAnUnknownFormat_ThrowsNamingIt()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => _executor.GetDefinitions((ToolSchemaFormat)9));

        Assert.Equal("format", ex.ParamName);
    }

    [Fact]
    public void AsAITools_DescribesEachToolWithItsSchema_SortedByName()
    {
        Add(new FakeTool("Write", ToolCategory.File) { Description = "Writes" });
        var read = Add(new FakeTool("Read", ToolCategory.File, ReadSchema) { Description = "Reads" });

        var functions = _executor.AsAITools(_context);

        Assert.Equal(["Read", "Write"], functions.Select(f => f.Name));
        Assert.Equal("Reads", functions[0].Description);
        Assert.True(JsonElement.DeepEquals(ReadSchema.JsonSchema, functions[0].JsonSchema));
        Assert.Same(read, functions[0].GetService<ITool>());
        Assert.Single(_executor.AsAITools(_context, ToolCategory.File).Where(f => f.Name == "Read"));
        Assert.Empty(_executor.AsAITools(_context, ToolCategory.Web));
        Assert.Throws<ArgumentNullException>(() => _executor.AsAITools(null!));
    }

    [Fact]
    public async Task AsAITools_Invoking_RunsThroughTheExecutorAndReturnsWhatTheModelShouldRead()
    {
        var read = Add(new FakeTool("Read", schema: ReadSchema));
        var function = Assert.Single(_executor.AsAITools(_context));

        var output = await function.InvokeAsync(
            new AIFunctionArguments { ["file_path"] = JsonElement.Parse("\"/a\""), ["limit"] = 3 }, Ct);
        var invalid = await function.InvokeAsync(new AIFunctionArguments { ["limit"] = 3.5 }, Ct);

        Assert.Equal("ran Read", output);
        Assert.Equal("""{"file_path":"/a","limit":3}""", read.LastArguments.GetRawText());
        Assert.StartsWith("Error: Invalid arguments for tool 'Read': 'file_path' is required", (string)invalid!, StringComparison.Ordinal);
        Assert.Equal(2, _executor.GetExecutions().Length);
    }

    [Fact]
    public async Task AsAITools_Invoking_ConvertsEveryPlainValueKindToJson()
    {
        var tool = Add(new FakeTool("Echo"));
        var function = Assert.Single(_executor.AsAITools(_context));

        await function.InvokeAsync(
            new AIFunctionArguments
            {
                ["s"] = "x", ["b"] = true, ["i"] = 1, ["l"] = 2L, ["d"] = 0.5, ["f"] = 1.5f, ["m"] = 2.5m, ["n"] = null,
                ["node"] = new System.Text.Json.Nodes.JsonObject { ["k"] = 1 }, ["u"] = default(JsonElement), ["arr"] = new[] { 1, 2 },
            },
            Ct);

        Assert.Equal(
            """{"s":"x","b":true,"i":1,"l":2,"d":0.5,"f":1.5,"m":2.5,"n":null,"node":{"k":1},"u":null,"arr":[1,2]}""",
            tool.LastArguments.GetRawText());
    }

    [Fact]
    public async Task AsAITools_Invoking_UsesAContextPassedInTheArguments()
    {
        ToolContext? seen = null;
        Add(new FakeTool("Where", execute: (_, context, _) =>
        {
            seen = context;
            return Task.FromResult(ToolResult.Ok(context.WorkingDirectory));
        }));
        var function = Assert.Single(_executor.AsAITools(_context));
        var other = new ToolContext("/elsewhere");

        var output = await function.InvokeAsync(
            new AIFunctionArguments { Context = new Dictionary<object, object?> { [typeof(ToolContext)] = other } }, Ct);

        Assert.Equal("/elsewhere", output);
        Assert.Same(other, seen);
    }

    [Fact]
    public async Task AsAITools_Invoking_AfterTheToolWasRemoved_ReportsAnUnknownTool()
    {
        Add(new FakeTool("Gone"));
        var function = Assert.Single(_executor.AsAITools(_context));
        _registry.Deregister("Gone");

        var output = await function.InvokeAsync(new AIFunctionArguments(), Ct);

        Assert.Equal("Error: Unknown tool: 'Gone'. No tools are registered.", output);
    }
}
