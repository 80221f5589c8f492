using CodeForge.Core.Sessions;
using Microsoft.Extensions.AI;

namespace CodeForge.Core.Tests.Sessions;

public sealed class SessionConversationTests
{
    private const string Id = "0f8fad5b-d9cb-469f-a165-70867728950e";
    private int _n;

    private SessionEntry Entry(SessionEntryType type, ChatMessage? message) =>
        new(type, $"u{++_n}", null, Id, DateTimeOffset.UnixEpoch) { Message = message };

    private SessionEntry Event(string subtype) =>
        new(SessionEntryType.Event, $"u{++_n}", null, Id, DateTimeOffset.UnixEpoch) { Subtype = subtype };

    private static ChatMessage Result(string callId) => new(ChatRole.Tool, [new FunctionResultContent(callId, callId + "!")]);

    [Fact]
    public void Build_JoinsToolResultsRecordedInCompletionOrderIntoOneMessageInCallOrder()
    {
        var entries = new[]
        {
            Entry(SessionEntryType.User, new ChatMessage(ChatRole.User, "go")),
            Entry(SessionEntryType.Assistant, new ChatMessage(ChatRole.Assistant,
                [Conversations.Call("c1", "Read", "a"), Conversations.Call("c2", "Read", "b"), Conversations.Call("c3", "Read", "c")])),
            Entry(SessionEntryType.ToolResult, Result("c3")),
            Event("hook"),
            Entry(SessionEntryType.ToolResult, Result("c1")),
            Entry(SessionEntryType.ToolResult, Result("c2")),
            Entry(SessionEntryType.Assistant, new ChatMessage(ChatRole.Assistant, "done")),
        };

        var messages = SessionConversation.Build(entries);

        Assert.Equal([ChatRole.User, ChatRole.Assistant, ChatRole.Tool, ChatRole.Assistant], messages.Select(m => m.Role));
        Assert.Equal(["c1", "c2", "c3"], messages[2].Contents.Cast<FunctionResultContent>().Select(r => r.CallId));
    }

    [Fact]
    public void Build_KeepsTheOrderOfAToolMessageRecordedWhole()
    {
        var whole = new ChatMessage(ChatRole.Tool, [new FunctionResultContent("c2", "x"), new FunctionResultContent("c1", "y")]);
        var entries = new[]
        {
            Entry(SessionEntryType.Assistant, new ChatMessage(ChatRole.Assistant, [Conversations.Call("c1", "R", "a"), Conversations.Call("c2", "R", "b")])),
            Entry(SessionEntryType.ToolResult, whole),
        };

        var messages = SessionConversation.Build(entries);

        Assert.Same(whole, messages[1]);
    }

    [Fact]
    public void Build_JoinsToolCallEntriesToTheAssistantMessageBeforeThem()
    {
        var entries = new[]
        {
            Entry(SessionEntryType.Assistant, new ChatMessage(ChatRole.Assistant, "thinking")),
            Entry(SessionEntryType.ToolCall, new ChatMessage(ChatRole.Assistant, [Conversations.Call("c1", "Read", "a")])),
            Entry(SessionEntryType.ToolCall, new ChatMessage(ChatRole.Assistant, [Conversations.Call("c2", "Read", "b")])),
        };

        var message = Assert.Single(SessionConversation.Build(entries));

        Assert.Equal("thinking", message.Text);
        Assert.Equal(["c1", "c2"], message.Contents.OfType<FunctionCallContent>().Select(c => c.CallId));
    }

    [Fact]
    public void Build_WithAToolCallAfterAUserMessage_StartsANewAssistantMessage()
    {
        var entries = new[]
        {
            Entry(SessionEntryType.User, new ChatMessage(ChatRole.User, "u")),
            Entry(SessionEntryType.ToolCall, new ChatMessage(ChatRole.Assistant, [Conversations.Call("c1", "Read", "a")])),
        };

        Assert.Equal([ChatRole.User, ChatRole.Assistant], SessionConversation.Build(entries).Select(m => m.Role));
    }

    [Fact]
    public void Build_NeverChangesTheEntriesOwnMessages()
    {
        var assistant = new ChatMessage(ChatRole.Assistant, "a");
        var first = Result("c1");
        var entries = new[]
        {
            Entry(SessionEntryType.Assistant, assistant),
            Entry(SessionEntryType.ToolCall, new ChatMessage(ChatRole.Assistant, [Conversations.Call("c1", "R", "x")])),
            Entry(SessionEntryType.ToolResult, first),
            Entry(SessionEntryType.ToolResult, Result("c2")),
        };

        SessionConversation.Build(entries);
        SessionConversation.Build(entries);

        Assert.Single(assistant.Contents);
        Assert.Single(first.Contents);
    }

    [Fact]
    public void BuildEffective_WithoutABoundary_IsTheWholeConversation()
    {
        var entries = new[] { Entry(SessionEntryType.User, new ChatMessage(ChatRole.User, "a")), Event("hook") };

        Assert.Equal(["a"], Conversations.Texts(SessionConversation.BuildEffective(entries)));
    }

    [Fact]
    public void BuildEffective_UsesOnlyTheLastBoundary()
    {
        var entries = new[]
        {
            Entry(SessionEntryType.User, new ChatMessage(ChatRole.User, "a")),
            Event(SessionEntry.CompactBoundarySubtype) with { Summary = "first summary" },
            Entry(SessionEntryType.User, new ChatMessage(ChatRole.User, "b")),
            Event(SessionEntry.CompactBoundarySubtype) with { Summary = "second summary" },
            Entry(SessionEntryType.User, new ChatMessage(ChatRole.User, "c")),
        };

        Assert.Equal(["second summary", "c"], Conversations.Texts(SessionConversation.BuildEffective(entries)));
        Assert.Equal(["a", "b", "c"], Conversations.Texts(SessionConversation.Build(entries)));
    }

    [Fact]
    public void BuildEffective_WhenTheBoundaryIsTheFirstEntry_StartsFromItsSummary()
    {
        var boundary = Event(SessionEntry.CompactBoundarySubtype) with { Summary = "what came before" };
        var after = Entry(SessionEntryType.User, new ChatMessage(ChatRole.User, "next"));

        var effective = SessionConversation.BuildEffective([boundary, after]);

        Assert.Equal(["what came before", "next"], Conversations.Texts(effective));
    }
}
