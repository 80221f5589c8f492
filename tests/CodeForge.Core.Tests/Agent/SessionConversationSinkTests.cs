using CodeForge.Core.Agent;
using CodeForge.Core.Sessions;
using CodeForge.Core.Tests.Sessions;
using CodeForge.Core.Tokens;
using Microsoft.Extensions.AI;

namespace CodeForge.Core.Tests.Agent;

public sealed class SessionConversationSinkTests : IDisposable
{
    private readonly TempRoot _root = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _root.Dispose();

    private static async Task RecordAsync(SessionConversationSink sink, Conversation conversation, params ChatMessage[] messages)
    {
        foreach (var m in messages)
        {
            conversation.Add(m);
            await sink.AppendAsync(m, Ct);
        }
    }

    private static ChatMessage[] History() =>
    [
        new(ChatRole.User, "first request"),
        new(ChatRole.Assistant, [new FunctionCallContent("c1", "Read", new Dictionary<string, object?> { ["file_path"] = "/a" })]),
        new(ChatRole.Tool, [new FunctionResultContent("c1", new string('r', 2000))]),
        new(ChatRole.Assistant, "first answer " + new string('a', 600)),
        new(ChatRole.User, "second request"),
        new(ChatRole.Assistant, "second answer"),
    ];

    [Fact]
    public async Task Compacted_KeepsEveryLineAndMarksTheBoundary_AndTheResumedViewIsTheCompactedConversation()
    {
        var manager = _root.Manager();
        string id;
        string compacted;
        var original = History();
        await using (var session = await manager.CreateAsync(cancellationToken: Ct))
        {
            id = session.Id;
            var sink = new SessionConversationSink(session);
            var conversation = new Conversation();
            await RecordAsync(sink, conversation, original);
            var model = new ScriptedChatClient().Text("the summary");

            var result = await new Compactor(model, new ContextOptions(10_000, EstimatingCounter.Instance) { KeepRecentTokens = 40 })
                .CompactAsync(conversation, sink: sink, cancellationToken: Ct);

            Assert.Equal(2, result!.MessagesKept);
            compacted = Conversations.ToJson(conversation.Messages);
            Assert.Equal(compacted, Conversations.ToJson(session.EffectiveMessages));
            Assert.Equal(Conversations.ToJson(original), Conversations.ToJson(session.Messages));   // nothing lost
        }

        var lines = await File.ReadAllLinesAsync(Directory.GetFiles(_root.Home, $"{id}.jsonl", SearchOption.AllDirectories).Single(), Ct);
        Assert.Contains(lines, l => l.Contains("\"compact_boundary\"", StringComparison.Ordinal) && l.Contains("the summary", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("first request", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(new string('r', 2000), StringComparison.Ordinal));

        await using var resumed = await manager.OpenAsync(id, Ct);
        Assert.Equal(compacted, Conversations.ToJson(resumed.EffectiveMessages));
        Assert.Equal(Conversations.ToJson(original), Conversations.ToJson(resumed.Messages));
    }

    [Fact]
    public async Task Compacted_AfterAResume_FindsTheKeptMessagesAmongTheLoadedEntries()
    {
        var manager = _root.Manager();
        string id;
        await using (var session = await manager.CreateAsync(cancellationToken: Ct))
        {
            id = session.Id;
            await RecordAsync(new SessionConversationSink(session), new Conversation(), History());
        }

        await using var resumed = await manager.OpenAsync(id, Ct);
        var sink = new SessionConversationSink(resumed);
        var conversation = new Conversation(resumed.EffectiveMessages);
        await new Compactor(new ScriptedChatClient().Text("s"), new ContextOptions(10_000, EstimatingCounter.Instance) { KeepRecentTokens = 40 })
            .CompactAsync(conversation, sink: sink, cancellationToken: Ct);

        Assert.Equal(Conversations.ToJson(conversation.Messages), Conversations.ToJson(resumed.EffectiveMessages));
        var boundary = resumed.Entries.Single(e => e.Subtype == SessionEntry.CompactBoundarySubtype);
        Assert.NotNull(boundary.KeepFromUuid);
        Assert.Equal(boundary, resumed.Entries[^1]);   // no message was written twice
    }

    [Fact]
    public async Task Compacted_WhenTheKeptMessagesAreNotInTheTranscript_RecordsThemAgainAfterTheBoundary()
    {
        await using var session = await _root.Manager().CreateAsync(cancellationToken: Ct);
        var sink = new SessionConversationSink(session);
        var kept = new ChatMessage(ChatRole.Assistant, "kept but never recorded");
        var summary = new ChatMessage(ChatRole.User, Compactor.SummaryPreamble + " s");

        await sink.CompactedAsync(new CompactionRecord(summary, [kept], new CompactionResult(CompactionTrigger.Manual, 10, 5, 3, 1, summary.Text, null)), Ct);

        Assert.Equal(Conversations.ToJson([summary, kept]), Conversations.ToJson(session.EffectiveMessages));
    }
}
