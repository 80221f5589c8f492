using System.Text.Json;
using CodeForge.Core.Tokens;
using Microsoft.Extensions.AI;

namespace CodeForge.Core.Tests.Tokens;

/// <summary>Message counting, with a counter where a text has as many tokens as characters so the arithmetic is visible.</summary>
public sealed class ChatMessageTokensTests
{
    private readonly LengthCounter _counter = new();

    private int Count(params ChatMessage[] messages) => ChatMessageTokens.Count(_counter, messages);

    [Fact]
    public void Count_WhenConversationIsEmpty_IsTheReplyPriming()
    {
        Assert.Equal(ChatMessageTokens.ReplyPriming, Count());
        Assert.Equal(3, ChatMessageTokens.ReplyPriming);
    }

    [Fact]
    public void Count_WhenMessageIsText_AddsFramingRoleAndText()
    {
        // 3 priming + 4 framing + "user" + "hello".
        Assert.Equal(3 + 4 + 4 + 5, Count(new ChatMessage(ChatRole.User, "hello")));
    }

    [Fact]
    public void Count_WhenMessagesAreSeveral_AddsFramingPerMessageAndPrimingOnce()
    {
        var total = Count(new ChatMessage(ChatRole.System, "be brief"), new ChatMessage(ChatRole.User, "hi"));

        Assert.Equal(3 + (4 + 6 + 8) + (4 + 4 + 2), total);
    }

    [Fact]
    public void Count_WhenMessageHasAuthorName_AddsNameAndOne()
    {
        var message = new ChatMessage(ChatRole.User, "hi") { AuthorName = "ann" };

        Assert.Equal(3 + 4 + 4 + 2 + 3 + 1, Count(message));
    }

    [Fact]
    public void Count_WhenMessageHasFunctionCall_AddsTenNameAndArgumentsJson()
    {
        var call = new FunctionCallContent("call_1", "Read", new Dictionary<string, object?> { ["path"] = "a.txt", ["offset"] = 3 });
        var message = new ChatMessage(ChatRole.Assistant, [call]);

        const string json = """{"path":"a.txt","offset":3}""";
        Assert.Equal(json, ChatMessageTokens.ArgumentsJson(call.Arguments));
        Assert.Equal(3 + 4 + 9 + 10 + 4 + json.Length, Count(message));
    }

    [Fact]
    public void Count_WhenFunctionCallHasNoArguments_CountsAnEmptyObject()
    {
        var message = new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c", "Now")]);

        Assert.Equal(3 + 4 + 9 + 10 + 3 + 2, Count(message));
    }

    [Fact]
    public void Count_WhenArgumentsHoldJsonElementsAndNulls_WritesThemAsJson()
    {
        using var doc = JsonDocument.Parse("""{"a":[1,2],"b":{"c":true}}""");
        var arguments = new Dictionary<string, object?>
        {
            ["list"] = doc.RootElement.GetProperty("a"),
            ["obj"] = doc.RootElement.GetProperty("b"),
            ["none"] = null,
            ["flag"] = false,
            ["ratio"] = 0.5,
        };

        Assert.Equal("""{"list":[1,2],"obj":{"c":true},"none":null,"flag":false,"ratio":0.5}""", ChatMessageTokens.ArgumentsJson(arguments));
    }

    [Fact]
    public void Count_WhenArgumentHasNoJsonContract_CountsItsTextAsAJsonString()
    {
        // System.Text.Json refuses to serialize System.Type: the value's text is used instead.
        var arguments = new Dictionary<string, object?> { ["x"] = typeof(int) };

        Assert.Equal("""{"x":"System.Int32"}""", ChatMessageTokens.ArgumentsJson(arguments));
    }

    [Fact]
    public void Count_WhenMessageHasFunctionResult_AddsCallIdAndResult()
    {
        var message = new ChatMessage(ChatRole.Tool, [new FunctionResultContent("call_1", "file contents")]);

        Assert.Equal(3 + 4 + 4 + 6 + 13, Count(message));
    }

    [Fact]
    public void Count_WhenFunctionResultIsNotAString_CountsItsJson()
    {
        using var doc = JsonDocument.Parse("""{"ok":true}""");

        Assert.Equal("", ChatMessageTokens.ResultText(null));
        Assert.Equal("""{"ok":true}""", ChatMessageTokens.ResultText(doc.RootElement));
        Assert.Equal("42", ChatMessageTokens.ResultText(42));
        Assert.Equal("text", ChatMessageTokens.ResultText(new TextContent("text")));
        Assert.Equal("""{"name":"n","size":2}""", ChatMessageTokens.ResultText(new Listing("n", 2)));
        Assert.Equal("System.Int32", ChatMessageTokens.ResultText(typeof(int)));
    }

    [Fact]
    public void Count_WhenMessageMixesTextCallsReasoningAndData_CountsTextParts()
    {
        var message = new ChatMessage(ChatRole.Assistant,
        [
            new TextReasoningContent("think"),
            new TextContent("ok"),
            new FunctionCallContent("1", "A"),
            new FunctionCallContent("2", "B"),
            new DataContent(new byte[] { 1, 2, 3 }, "image/png"),
        ]);

        Assert.Equal(3 + 4 + 9 + 5 + 2 + (10 + 1 + 2) * 2, Count(message));
    }

    [Fact]
    public void Count_WhenConversationHasAToolRoundTrip_MatchesTheRealTokenizerPartByPart()
    {
        var o200k = TiktokenCounter.O200kBase;
        var args = new Dictionary<string, object?> { ["pattern"] = "src/**/*.cs" };
        var messages = new[]
        {
            new ChatMessage(ChatRole.User, "Find the C# files"),
            new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("call_9", "Glob", args)]),
            new ChatMessage(ChatRole.Tool, [new FunctionResultContent("call_9", "src/a.cs\nsrc/b.cs")]),
        };

        var expected = 3
            + 4 + o200k.Count("user") + o200k.Count("Find the C# files")
            + 4 + o200k.Count("assistant") + 10 + o200k.Count("Glob") + o200k.Count("""{"pattern":"src/**/*.cs"}""")
            + 4 + o200k.Count("tool") + o200k.Count("call_9") + o200k.Count("src/a.cs\nsrc/b.cs");
        Assert.Equal(expected, o200k.CountMessages(messages));
    }

    [Fact]
    public void Count_WhenAMessageIsNull_ThrowsArgumentNullNamingIt()
    {
        var ex = Assert.Throws<ArgumentNullException>(() => Count(new ChatMessage(ChatRole.User, "a"), null!));

        Assert.Contains("Message 1 is null", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Count_WhenArgumentsAreNull_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => ChatMessageTokens.Count(null!, []));
        Assert.Throws<ArgumentNullException>(() => ChatMessageTokens.Count(_counter, null!));
    }

    public sealed record Listing(string Name, int Size);
}
