using CodeForge.Core.Agent;
using CodeForge.Core.Tokens;
using Microsoft.Extensions.AI;

namespace CodeForge.Core.Tests.Agent;

public sealed class CompactorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ContextOptions Options(int window = 10_000, int keep = 60) =>
        new(window, EstimatingCounter.Instance) { KeepRecentTokens = keep };

    private static List<ChatMessage> LongConversation() =>
    [
        new(ChatRole.User, "Please refactor the parser in src/parser.cs"),
        new(ChatRole.Assistant, [new FunctionCallContent("t1", "TodoWrite", new Dictionary<string, object?>
        {
            ["todos"] = System.Text.Json.JsonDocument.Parse("""[{"content":"Split the tokenizer","status":"in_progress"},{"content":"Add tests","status":"pending"}]""").RootElement,
        })]),
        new(ChatRole.Tool, [new FunctionResultContent("t1", "Todos updated")]),
        new(ChatRole.Assistant, [new FunctionCallContent("r1", "Read", new Dictionary<string, object?> { ["file_path"] = "/repo/src/parser.cs" })]),
        new(ChatRole.Tool, [new FunctionResultContent("r1", new string('x', 3000))]),
        new(ChatRole.User, "Also keep the public API unchanged, exactly as it is today."),
        new(ChatRole.Assistant, new string('y', 1500)),
        new(ChatRole.Assistant, "Recent answer one"),
        new(ChatRole.User, "ok"),
        new(ChatRole.Assistant, "Recent answer two"),
    ];

    [Fact]
    public async Task Compact_ReplacesOlderMessagesWithTheSummaryAndKeepsTheRecentOnesVerbatim()
    {
        var model = new ScriptedChatClient().Text("SUMMARY: parser refactor in progress");
        var conversation = new Conversation(LongConversation());
        var recent = conversation.Messages.TakeLast(3).ToList();

        var result = await new Compactor(model, Options()).CompactAsync(conversation, cancellationToken: Ct);

        Assert.NotNull(result);
        Assert.Equal(CompactionTrigger.Manual, result.Trigger);
        var messages = conversation.Messages;
        Assert.True(Compactor.IsSummary(messages[0]));
        Assert.Contains("SUMMARY: parser refactor in progress", messages[0].Text, StringComparison.Ordinal);
        Assert.Equal(recent, messages.Skip(1));   // the same message objects, untouched
        Assert.Equal(7, result.MessagesSummarized);
        Assert.Equal(3, result.MessagesKept);
        Assert.True(result.TokensAfter < result.TokensBefore, $"{result.TokensAfter} >= {result.TokensBefore}");
    }

    [Fact]
    public async Task Compact_KeepsTheLatestUserRequestAndTheTaskListVerbatim()
    {
        var model = new ScriptedChatClient().Text("summary");
        var conversation = new Conversation(LongConversation().Take(7));   // the latest request is summarized away

        await new Compactor(model, Options(keep: 10)).CompactAsync(conversation, cancellationToken: Ct);

        var summary = conversation.Messages[0].Text;
        Assert.Equal("Also keep the public API unchanged, exactly as it is today.", Compactor.ExtractTag(summary, Compactor.RequestTag));
        Assert.Equal("- [in_progress] Split the tokenizer\n- [pending] Add tests", Compactor.ExtractTag(summary, Compactor.TasksTag));
    }

    [Fact]
    public async Task Compact_KeepsTheActiveSkillVerbatim()
    {
        var model = new ScriptedChatClient().Text("summary");
        var conversation = new Conversation(
        [
            new(ChatRole.User, "review this"),
            new(ChatRole.Assistant, [new FunctionCallContent("s1", "Skill", new Dictionary<string, object?> { ["skill"] = "review" })]),
            new(ChatRole.Tool, [new FunctionResultContent("s1", "SKILL BODY: check every public method")]),
            new(ChatRole.Assistant, new string('z', 2000)),
        ]);

        await new Compactor(model, Options(keep: 10)).CompactAsync(conversation, cancellationToken: Ct);

        Assert.Equal("SKILL BODY: check every public method", Compactor.ExtractTag(conversation.Messages[0].Text, Compactor.SkillsTag));
    }

    [Fact]
    public async Task Compact_Twice_CarriesTheKeptRequestAndTasksForward()
    {
        var model = new ScriptedChatClient().Text("first summary").Text("second summary");
        var conversation = new Conversation(LongConversation().Take(7));
        var compactor = new Compactor(model, Options(keep: 10));
        await compactor.CompactAsync(conversation, cancellationToken: Ct);
        conversation.Add(new ChatMessage(ChatRole.Assistant, new string('w', 2000)));

        await compactor.CompactAsync(conversation, cancellationToken: Ct);

        var summary = conversation.Messages[0].Text;
        Assert.Contains("second summary", summary, StringComparison.Ordinal);
        Assert.Equal("Also keep the public API unchanged, exactly as it is today.", Compactor.ExtractTag(summary, Compactor.RequestTag));
        Assert.Contains("Split the tokenizer", Compactor.ExtractTag(summary, Compactor.TasksTag), StringComparison.Ordinal);
        Assert.Contains("first summary", model.Requests[1][1].Text, StringComparison.Ordinal);   // the old summary was summarized
    }

    [Fact]
    public async Task Compact_SendsTheOlderPartAndTheUserInstructionsWithoutTools()
    {
        var model = new ScriptedChatClient().Text("summary");
        var conversation = new Conversation(LongConversation());

        await new Compactor(model, Options()).CompactAsync(conversation, "focus on the API decisions", chatOptions: new ChatOptions
        {
            ModelId = "m1",
            Tools = [AIFunctionFactory.Create(() => 1, "Nope")],
        }, cancellationToken: Ct);

        var request = Assert.Single(model.Requests);
        Assert.Equal(ChatRole.System, request[0].Role);
        Assert.Contains("Please refactor the parser", request[1].Text, StringComparison.Ordinal);
        Assert.Contains("focus on the API decisions", request[1].Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Recent answer two", request[1].Text, StringComparison.Ordinal);
        Assert.Contains($"[... {3000 - Compactor.RenderedResultChars:N0} more characters]", request[1].Text, StringComparison.Ordinal);
        Assert.Null(model.Options[0]!.Tools);
        Assert.Equal("m1", model.Options[0]!.ModelId);
    }

    [Fact]
    public async Task Compact_WhenTheModelFails_ThrowsAndLeavesTheConversationAsItWas()
    {
        var model = new ScriptedChatClient().Fails(new HttpRequestException("server down"));
        var original = LongConversation();
        var conversation = new Conversation(original);
        var sink = new CountingSink();

        var error = await Assert.ThrowsAsync<CompactionException>(() => new Compactor(model, Options()).CompactAsync(conversation, sink: sink, cancellationToken: Ct));

        Assert.Contains("server down", error.Message, StringComparison.Ordinal);
        Assert.Equal(original, conversation.Messages);
        Assert.Equal(0, sink.Compactions);
    }

    [Fact]
    public async Task Compact_WhenTheSummaryIsEmpty_ThrowsAndLeavesTheConversationAsItWas()
    {
        var model = new ScriptedChatClient().Text("   ");
        var original = LongConversation();
        var conversation = new Conversation(original);

        await Assert.ThrowsAsync<CompactionException>(() => new Compactor(model, Options()).CompactAsync(conversation, cancellationToken: Ct));

        Assert.Equal(original, conversation.Messages);
    }

    [Fact]
    public async Task Compact_WhenTheSinkFails_LeavesTheConversationAsItWas()
    {
        var model = new ScriptedChatClient().Text("summary");
        var original = LongConversation();
        var conversation = new Conversation(original);

        await Assert.ThrowsAsync<IOException>(() => new Compactor(model, Options()).CompactAsync(conversation, sink: new CountingSink { Fail = true }, cancellationToken: Ct));

        Assert.Equal(original, conversation.Messages);
    }

    [Fact]
    public async Task Compact_WhenThereIsNothingToSummarize_ReturnsNullWithoutCallingTheModel()
    {
        var model = new ScriptedChatClient();
        var compactor = new Compactor(model, Options());

        Assert.Null(await compactor.CompactAsync(new Conversation(), cancellationToken: Ct));
        Assert.Null(await compactor.CompactAsync(new Conversation([new ChatMessage(ChatRole.User, Compactor.SummaryPreamble + " x")]), cancellationToken: Ct));
        Assert.Empty(model.Requests);
    }

    [Fact]
    public async Task Compact_NeverStartsTheKeptPartWithToolResults()
    {
        var model = new ScriptedChatClient().Text("summary");
        var conversation = new Conversation(
        [
            new(ChatRole.User, "go"),
            new(ChatRole.Assistant, [new FunctionCallContent("c1", "Read", new Dictionary<string, object?> { ["file_path"] = "/a" })]),
            new(ChatRole.Tool, [new FunctionResultContent("c1", "short")]),
        ]);

        // The tool result alone fits the keep budget, but keeping it without its call would orphan it: it is summarized.
        await new Compactor(model, Options(keep: 12)).CompactAsync(conversation, cancellationToken: Ct);

        var only = Assert.Single(conversation.Messages);
        Assert.True(Compactor.IsSummary(only));
    }

    [Fact]
    public async Task Compact_RunsThePreCompactHookAndAddsItsInstructions()
    {
        var model = new ScriptedChatClient().Text("summary");
        var hook = new Hook();
        var options = Options() with { PreCompactHook = hook };

        await new Compactor(model, options).CompactAsync(new Conversation(LongConversation()), "user says", cancellationToken: Ct);

        var seen = Assert.Single(hook.Seen);
        Assert.Equal(CompactionTrigger.Manual, seen.Trigger);
        Assert.Equal("user says", seen.CustomInstructions);
        Assert.Contains("user says\nhook says", model.Requests[0][1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompactAsync_WaitsForTheRunningTurn()
    {
        var model = new ScriptedChatClient().Text("summary");
        var conversation = new Conversation(LongConversation());
        await conversation.RunLock.WaitAsync(Ct);   // a run in progress

        var compaction = new Compactor(model, Options()).CompactAsync(conversation, cancellationToken: Ct);
        await Task.Yield();
        Assert.False(compaction.IsCompleted);
        Assert.Empty(model.Requests);
        conversation.RunLock.Release();

        Assert.NotNull(await compaction);
    }

    private sealed class Hook : IPreCompactHook
    {
        public List<PreCompactContext> Seen { get; } = [];

        public ValueTask<string?> OnPreCompactAsync(PreCompactContext context, CancellationToken cancellationToken)
        {
            Seen.Add(context);
            return ValueTask.FromResult<string?>("hook says");
        }
    }

    internal sealed class CountingSink : IConversationSink
    {
        public bool Fail { get; init; }

        public int Compactions { get; private set; }

        public ValueTask AppendAsync(ChatMessage message, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask CommitTurnAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask CompactedAsync(CompactionRecord compaction, CancellationToken cancellationToken)
        {
            if (Fail)
            {
                throw new IOException("disk full");
            }
            Compactions++;
            return ValueTask.CompletedTask;
        }
    }
}
