using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CodeForge.Core.Sessions;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace CodeForge.Core.Tests.Sessions;

/// <summary>A temp folder deleted after the test, standing in for <c>~/.forge</c> and a project's working directory.</summary>
internal sealed class TempRoot : IDisposable
{
    public TempRoot()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "forge-sessions-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
        Home = System.IO.Path.Combine(Path, "home", ".forge");
        Project = System.IO.Path.Combine(Path, "work", "my.project");
        Directory.CreateDirectory(Project);
    }

    public string Path { get; }

    /// <summary>The sessions root (<c>~/.forge</c>).</summary>
    public string Home { get; }

    /// <summary>A project working directory.</summary>
    public string Project { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));

    public SessionManager Manager(bool persist = true, SessionWriterOptions? writer = null) =>
        new(Project, new SessionManagerOptions
        {
            RootDirectory = Home,
            TimeProvider = Time,
            PersistSessions = persist,
            WriterOptions = writer ?? SessionWriterOptions.Default,
        });

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}

internal static class Conversations
{
    private static JsonTypeInfo<ChatMessage> MessageInfo =>
        (JsonTypeInfo<ChatMessage>)AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(ChatMessage));

    /// <summary>A conversation as JSON, for exact comparison (ChatMessage has no value equality).</summary>
    public static string ToJson(IEnumerable<ChatMessage> messages) =>
        string.Join("\n", messages.Select(m => JsonSerializer.Serialize(m, MessageInfo).ReplaceLineEndings(" ")));

    public static FunctionCallContent Call(string id, string name, string argument) =>
        new(id, name, new Dictionary<string, object?> { ["path"] = argument, ["limit"] = 10 });

    /// <summary>
    /// One turn with parallel tool calls as the model had it: user prompt, assistant text + two calls + usage, one tool
    /// message with both results in call order, final assistant answer.
    /// </summary>
    public static List<ChatMessage> WithParallelToolCalls() =>
    [
        new(ChatRole.System, "You are a coding agent."),
        new(ChatRole.User, "Read a.txt and b.txt"),
        new(ChatRole.Assistant,
        [
            new TextContent("Reading both."),
            Call("call_1", "Read", "a.txt"),
            Call("call_2", "Read", "b.txt"),
            new UsageContent(new UsageDetails { InputTokenCount = 120, OutputTokenCount = 30, TotalTokenCount = 150 }),
        ]) { MessageId = "msg_1" },
        new(ChatRole.Tool,
        [
            new FunctionResultContent("call_1", "contents of a"),
            new FunctionResultContent("call_2", JsonSerializer.SerializeToElement(new[] { "line 1", "line 2" }, AIJsonUtilities.DefaultOptions)),
        ]),
        new(ChatRole.Assistant, "a says hello; b has two lines.") { MessageId = "msg_2" },
    ];

    public static string[] Texts(IEnumerable<ChatMessage> messages) => messages.Select(m => m.Text).ToArray();
}
