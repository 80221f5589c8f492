using System.Buffers;
using System.Text;
using System.Text.Json;
using CodeForge.Core.Sessions;
using Microsoft.Extensions.AI;

namespace CodeForge.Core.Tests.Sessions;

/// <summary>The hand-written transcript lines are the serializer's bytes, and shapes it does not know go to the serializer.</summary>
public sealed class SessionLineWriterTests
{
    private const string Session = "5b6f0f55-2a47-4a4e-9d55-2f0b8f8c2a10";
    private static readonly DateTimeOffset At = new DateTimeOffset(2026, 12, 7, 5, 45, 47, 205, TimeSpan.Zero).AddTicks(6);

    private static SessionEntry Entry(SessionEntryType type, string? parent = "parent-uuid") => new(type, "entry-uuid", parent, Session, At);

    private static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>Every shape the hand-written path takes, by name.</summary>
    private static readonly Dictionary<string, Func<SessionEntry>> Written = new(StringComparer.Ordinal)
    {
        ["session start"] = () => Entry(SessionEntryType.Event, parent: null) with { Subtype = SessionEntry.SessionStartSubtype, Cwd = "/tmp/repo" },
        ["fork start"] = () => Entry(SessionEntryType.Event, parent: null) with { Subtype = SessionEntry.SessionStartSubtype, Cwd = "/r", ForkedFrom = "other" },
        ["compact boundary"] = () => Entry(SessionEntryType.Event) with
        {
            Subtype = SessionEntry.CompactBoundarySubtype, Summary = "so far: ü \"quoted\" <b>\n", KeepFromUuid = "keep",
        },
        ["event with data"] = () => Entry(SessionEntryType.Event) with { Subtype = "custom", Data = Json("""{"a":[1,2.5,"x",null,true],"b":{"c":"é"}}""") },
        ["user text"] = () => Entry(SessionEntryType.User) with { Message = new ChatMessage(ChatRole.User, "hello") },
        ["user text to escape"] = () => Entry(SessionEntryType.User) with
        {
            Message = new ChatMessage(ChatRole.User, "é <tag> & \"q\" \u2028 \ud83d\ude00 \\ \t\u0001"),
        },
        ["empty contents"] = () => Entry(SessionEntryType.User) with { Message = new ChatMessage(ChatRole.User, (string?)null) },
        ["assistant with id, author, time and usage"] = () => Entry(SessionEntryType.Assistant) with
        {
            Message = new ChatMessage(ChatRole.Assistant, "hi") { MessageId = "chatcmpl-1", AuthorName = "forge", CreatedAt = At },
            Usage = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 2, TotalTokenCount = 12, CachedInputTokenCount = 4, ReasoningTokenCount = 1 },
        },
        ["assistant with partial usage"] = () => Entry(SessionEntryType.Assistant) with
        {
            Message = new ChatMessage(ChatRole.Assistant, "hi"), Usage = new UsageDetails { OutputTokenCount = 2 },
        },
        ["assistant with reasoning and calls"] = () => Entry(SessionEntryType.Assistant) with
        {
            Message = new ChatMessage(ChatRole.Assistant,
            [
                new TextReasoningContent("thinking") { ProtectedData = "sig==" },
                new TextReasoningContent(null),
                new TextContent("I will read it."),
                new FunctionCallContent("call_1", "Read", new Dictionary<string, object?>
                {
                    ["file_path"] = "/tmp/ä.txt", ["Limit"] = 3, ["big"] = 5_000_000_000L, ["ratio"] = 1.5, ["all"] = true,
                    ["none"] = null, ["nested"] = Json("""{"x":[1,{"y":"z"}]}"""), ["ключ"] = "v",
                }),
                new FunctionCallContent("call_2", "Glob"),
                new FunctionCallContent("call_3", "Bash", new Dictionary<string, object?>()) { InformationalOnly = true },
            ]),
        },
        ["tool results"] = () => Entry(SessionEntryType.ToolResult) with
        {
            Message = new ChatMessage(ChatRole.Tool,
            [
                new FunctionResultContent("call_1", "line 1\nline 2"),
                new FunctionResultContent("call_2", Json("""{"ok":true}""")),
                new FunctionResultContent("call_3", null),
                new FunctionResultContent("call_4", true),
            ]),
        },
        ["system and custom role"] = () => Entry(SessionEntryType.System) with { Message = new ChatMessage(new ChatRole("developer"), "be brief") },
        ["tool call entry"] = () => Entry(SessionEntryType.ToolCall) with
        {
            Message = new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c", "Edit", new Dictionary<string, object?> { ["a"] = "b" })]),
        },
    };

    /// <summary>Shapes the hand-written path leaves to the serializer.</summary>
    private static readonly Dictionary<string, Func<SessionEntry>> Declined = new(StringComparer.Ordinal)
    {
        ["image data"] = () => Entry(SessionEntryType.User) with
        {
            Message = new ChatMessage(ChatRole.User, [new TextContent("see"), new DataContent(new byte[] { 1, 2, 3 }, "image/png")]),
        },
        ["uri content"] = () => Entry(SessionEntryType.User) with { Message = new ChatMessage(ChatRole.User, [new UriContent("http://x/", "image/png")]) },
        ["message properties"] = () => Entry(SessionEntryType.User) with
        {
            Message = new ChatMessage(ChatRole.User, "x") { AdditionalProperties = new() { ["k"] = 1 } },
        },
        ["content properties"] = () => Entry(SessionEntryType.User) with
        {
            Message = new ChatMessage(ChatRole.User, [new TextContent("x") { AdditionalProperties = new() { ["k"] = "v" } }]),
        },
        ["annotations"] = () => Entry(SessionEntryType.Assistant) with
        {
            Message = new ChatMessage(ChatRole.Assistant, [new TextContent("x") { Annotations = [new CitationAnnotation { Title = "t" }] }]),
        },
        ["argument of another type"] = () => Entry(SessionEntryType.Assistant) with
        {
            Message = new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c", "Read", new Dictionary<string, object?> { ["list"] = new[] { "a", "b" } })]),
        },
        ["result of another type"] = () => Entry(SessionEntryType.ToolResult) with
        {
            Message = new ChatMessage(ChatRole.Tool, [new FunctionResultContent("c", 12.5m)]),
        },
        ["usage with additional counts"] = () => Entry(SessionEntryType.Assistant) with
        {
            Message = new ChatMessage(ChatRole.Assistant, "hi"),
            Usage = new UsageDetails { InputTokenCount = 1, AdditionalCounts = new() { ["CacheWrite"] = 6 } },
        },
    };

    public static TheoryData<string> WrittenShapes => [.. Written.Keys];

    public static TheoryData<string> DeclinedShapes => [.. Declined.Keys];

    /// <summary>The line as the serializer alone writes it (the format before the hand-written path).</summary>
    private static string SerializerLine(SessionEntry entry)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            JsonSerializer.Serialize(writer, entry, SessionJsonContext.Default.SessionEntry);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan) + "\n";
    }

    [Theory]
    [MemberData(nameof(WrittenShapes))]
    public void ToLine_OfAShapeWrittenByHand_IsByteForByteTheSerializersLine(string shape)
    {
        var entry = Written[shape]();

        Assert.True(SessionLineWriter.CanWrite(entry), $"{shape} should take the hand-written path");
        Assert.Equal(SerializerLine(entry), Encoding.UTF8.GetString(SessionJson.ToLine(entry)));
    }

    [Theory]
    [MemberData(nameof(DeclinedShapes))]
    public void ToLine_OfAShapeLeftToTheSerializer_IsTheSerializersLine(string shape)
    {
        var entry = Declined[shape]();

        Assert.False(SessionLineWriter.CanWrite(entry), $"{shape} should be left to the serializer");
        Assert.Equal(SerializerLine(entry), Encoding.UTF8.GetString(SessionJson.ToLine(entry)));
    }

    [Theory]
    [MemberData(nameof(WrittenShapes))]
    public void ToLine_OfAShapeWrittenByHand_ReadsBackAsTheSameLine(string shape)
    {
        var line = SessionJson.ToLine(Written[shape]());

        Assert.True(SessionJson.TryParse(line.AsSpan(0, line.Length - 1), out var parsed, out var error), error);
        Assert.Equal(Encoding.UTF8.GetString(line), Encoding.UTF8.GetString(SessionJson.ToLine(parsed!)));
    }

    [Fact]
    public void ToLine_OfAOneTurnRun_WritesTheKnownBytes()
    {
        var start = Entry(SessionEntryType.Event, parent: null) with { Subtype = SessionEntry.SessionStartSubtype, Cwd = "/tmp/perf/w/repo" };
        var user = Entry(SessionEntryType.User) with { Message = new ChatMessage(ChatRole.User, "hello") };
        var assistant = Entry(SessionEntryType.Assistant) with
        {
            Message = new ChatMessage(ChatRole.Assistant, "hello") { MessageId = "chatcmpl-bench" },
            Usage = new UsageDetails { InputTokenCount = 7, OutputTokenCount = 1, TotalTokenCount = 8 },
        };

        var lines = string.Concat(new[] { start, user, assistant }.Select(e => Encoding.UTF8.GetString(SessionJson.ToLine(e))));

        Assert.Equal(
            """{"type":"event","uuid":"entry-uuid","parentUuid":null,"sessionId":"5b6f0f55-2a47-4a4e-9d55-2f0b8f8c2a10","timestamp":"2026-12-07T05:45:47.2050006+00:00","subtype":"session_start","cwd":"/tmp/perf/w/repo"}""" + "\n" +
            """{"type":"user","uuid":"entry-uuid","parentUuid":"parent-uuid","sessionId":"5b6f0f55-2a47-4a4e-9d55-2f0b8f8c2a10","timestamp":"2026-12-07T05:45:47.2050006+00:00","message":{"role":"user","contents":[{"$type":"text","text":"hello"}]}}""" + "\n" +
            """{"type":"assistant","uuid":"entry-uuid","parentUuid":"parent-uuid","sessionId":"5b6f0f55-2a47-4a4e-9d55-2f0b8f8c2a10","timestamp":"2026-12-07T05:45:47.2050006+00:00","message":{"role":"assistant","contents":[{"$type":"text","text":"hello"}],"messageId":"chatcmpl-bench"},"usage":{"inputTokenCount":7,"outputTokenCount":1,"totalTokenCount":8}}""" + "\n",
            lines);
    }
}
