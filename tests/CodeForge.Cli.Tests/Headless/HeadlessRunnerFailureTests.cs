using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using CodeForge.Testing;

namespace CodeForge.Cli.Tests.Headless;

/// <summary>
/// How the real <c>forge -p</c> process behaves when the model or the network misbehaves, over both wire protocols
/// (OpenAI Chat Completions and Anthropic Messages, streamed from the fake model server): parallel and malformed tool
/// calls, unknown tools, rate limits, dropped streams, context-length errors, bad keys and unreachable servers. Each
/// test asserts on the files changed, the printed events and the requests the server received.
/// </summary>
public sealed class HeadlessRunnerFailureTests() : ForgeWorkspaceTestBase("forge-failures-")
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Protocols => new("openai", "anthropic");

    private Task<ForgeProcess.Result> ForgeAsync(string provider, params string[] args) => ForgeAsync(provider, Env(), args);

    private Task<ForgeProcess.Result> ForgeAsync(string provider, Dictionary<string, string> env, params string[] args) =>
        ForgeProcess.RunAsync([.. args, "--provider", provider, "--model", provider == "anthropic" ? "sonnet" : "gpt-4o"], Repo, env);

    private static string Args(object value) => JsonSerializer.Serialize(value);

    private static List<JsonElement> Lines(string stdout) =>
        [.. stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)];

    private static string[] ErrorLines(ForgeProcess.Result run) => run.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The tool results a request sends back, in wire order: OpenAI <c>tool</c> messages after the last
    /// assistant message, Anthropic <c>tool_result</c> blocks of the last user message.</summary>
    private static List<(string Id, string Content, bool IsError)> ToolResults(RecordedRequest request)
    {
        var messages = request.Json.GetProperty("messages").EnumerateArray().ToList();
        if (request.Protocol == ModelProtocol.Anthropic)
        {
            var last = messages[^1];
            Assert.Equal("user", last.GetProperty("role").GetString());
            return [.. last.GetProperty("content").EnumerateArray()
                .Where(b => b.GetProperty("type").GetString() == "tool_result")
                .Select(b => (b.GetProperty("tool_use_id").GetString()!, Text(b.GetProperty("content")),
                    b.TryGetProperty("is_error", out var e) && e.ValueKind == JsonValueKind.True))];
        }
        return [.. messages.AsEnumerable().Reverse().TakeWhile(m => m.GetProperty("role").GetString() == "tool").Reverse()
            .Select(m => (m.GetProperty("tool_call_id").GetString()!, Text(m.GetProperty("content")), false))];

        static string Text(JsonElement content) => content.ValueKind == JsonValueKind.String
            ? content.GetString()!
            : string.Concat(content.EnumerateArray().Select(p => p.TryGetProperty("text", out var t) ? t.GetString() : ""));
    }

    /// <summary>The one session transcript of the project: every line is whole JSON.</summary>
    private List<JsonElement> SessionLines()
    {
        var file = Assert.Single(Directory.GetFiles(Path.Combine(Home, ".forge", "projects"), "*.jsonl", SearchOption.AllDirectories),
            f => Guid.TryParse(Path.GetFileNameWithoutExtension(f), out _));
        return [.. File.ReadAllLines(file).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement.Clone())];
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task ParallelToolCalls_BothRun_AndBothResultsGoBackInCallOrder(string provider)
    {
        var first = Path.Combine(Repo, "first.txt");
        var second = Path.Combine(Repo, "second.txt");
        var id = provider == "anthropic" ? "toolu_" : "call_";
        _server.Enqueue(
            ScriptedTurn.CallTools(
                new ScriptedToolCall("Write", Args(new { file_path = first, content = "one\n" }), id + "w1"),
                new ScriptedToolCall("Write", Args(new { file_path = second, content = "two\n" }), id + "w2")) with { ChunkSize = 5 },
            ScriptedTurn.Reply("Both written."));

        var run = await ForgeAsync(provider, "-p", "write two files", "--output-format", "stream-json", "--permission-mode", "acceptEdits");

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Equal("one\n", await File.ReadAllTextAsync(first, Ct));
        Assert.Equal("two\n", await File.ReadAllTextAsync(second, Ct));
        Assert.Equal(2, _server.Requests.Count);
        var results = ToolResults(_server.Requests[1]);
        Assert.Equal([id + "w1", id + "w2"], results.Select(r => r.Id));
        Assert.All(results, r => Assert.False(r.IsError));
        var lines = Lines(run.StdOut);
        var user = Assert.Single(lines, l => l.GetProperty("type").GetString() == "user");
        Assert.Equal([id + "w1", id + "w2"], user.GetProperty("message").GetProperty("content").EnumerateArray().Select(c => c.GetProperty("tool_use_id").GetString()));
        Assert.Equal("Both written.", lines[^1].GetProperty("result").GetString());
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task MalformedToolCallJson_IsReportedToTheModel_AndTheRunGoesOn(string provider)
    {
        var target = Path.Combine(Repo, "never.txt");
        _server.Enqueue(
            ScriptedTurn.CallTool("Write", $$"""{"file_path": "{{target}}", "content": "x"""),
            ScriptedTurn.Reply("Sorry, I will fix my JSON."));

        var run = await ForgeAsync(provider, "-p", "write a file", "--output-format", "json", "--permission-mode", "acceptEdits");

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.False(File.Exists(target));
        var result = Assert.Single(ToolResults(_server.Requests[1]));
        Assert.Contains("not valid JSON", result.Content, StringComparison.Ordinal);
        var summary = JsonDocument.Parse(run.StdOut).RootElement;
        Assert.Equal(("success", 2), (summary.GetProperty("subtype").GetString(), summary.GetProperty("num_turns").GetInt32()));
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task UnknownToolName_GetsAnErrorResultNamingIt_AndTheRunGoesOn(string provider)
    {
        _server.Enqueue(ScriptedTurn.CallTool("delete_everything", """{"confirm":true}"""), ScriptedTurn.Reply("That tool does not exist."));

        var run = await ForgeAsync(provider, "-p", "clean up", "--output-format", "stream-json");

        Assert.True(run.ExitCode == 0, run.StdErr);
        var result = Assert.Single(ToolResults(_server.Requests[1]));
        Assert.Contains("delete_everything", result.Content, StringComparison.Ordinal);
        var user = Assert.Single(Lines(run.StdOut), l => l.GetProperty("type").GetString() == "user");
        Assert.True(user.GetProperty("message").GetProperty("content")[0].GetProperty("is_error").GetBoolean());
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task RateLimitedWithRetryAfter_IsRetriedOnceAfterTheWait_AndStreamJsonShowsTheRetry(string provider)
    {
        _server.Enqueue(ScriptedTurn.RateLimited(TimeSpan.FromSeconds(1)), ScriptedTurn.Reply("made it"));

        var run = await ForgeAsync(provider, "-p", "hello", "--output-format", "stream-json");

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Equal(2, _server.Requests.Count);
        Assert.Equal(_server.Requests[0].Body, _server.Requests[1].Body);
        var lines = Lines(run.StdOut);
        var retry = Assert.Single(lines, l => l.GetProperty("type").GetString() == "system" && l.GetProperty("subtype").GetString() == "api_retry");
        Assert.Equal((1, 3, 1000L, 429, "rate_limit"), (retry.GetProperty("attempt").GetInt32(), retry.GetProperty("max_retries").GetInt32(),
            retry.GetProperty("retry_delay_ms").GetInt64(), retry.GetProperty("error_status").GetInt32(), retry.GetProperty("error").GetString()));
        var result = lines[^1];
        Assert.Equal(("success", "made it"), (result.GetProperty("subtype").GetString(), result.GetProperty("result").GetString()));
        // The wait is time spent in the API call: duration_api_ms covers it, and never exceeds the whole run.
        var apiMs = result.GetProperty("duration_api_ms").GetInt64();
        Assert.InRange(apiMs, 1000, result.GetProperty("duration_ms").GetInt64());
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StreamDroppedBeforeAnyOutput_IsRetried_AndTheRunSucceeds(string provider)
    {
        _server.Enqueue(ScriptedTurn.DropConnection(), ScriptedTurn.Reply("second try"));

        var run = await ForgeAsync(provider, "-p", "hello");

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Equal("second try", run.StdOut.Trim());
        Assert.Equal(2, _server.Requests.Count);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task StreamDroppedAfterText_FailsWithOneClearLine_WithoutReplaying_AndKeepsTheSession(string provider)
    {
        _server.Enqueue(ScriptedTurn.DropConnection("I was saying"), ScriptedTurn.Reply("must not be requested"));

        var run = await ForgeAsync(provider, "-p", "tell me a story");

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(ErrorLines(run));
        Assert.StartsWith("forge: The connection to ", line, StringComparison.Ordinal);
        Assert.Contains("dropped mid-response", line, StringComparison.Ordinal);
        Assert.Empty(run.StdOut);
        Assert.Single(_server.Requests);
        Assert.Contains(SessionLines(), l => l.GetRawText().Contains("tell me a story", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task ContextLengthError_SaysToCompactInOneLine_ExitsOne_AndLeavesTheSessionIntact(string provider)
    {
        _server.Enqueue(ScriptedTurn.ContextLengthExceeded());

        var run = await ForgeAsync(provider, "-p", "summarise the universe");

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(ErrorLines(run));
        Assert.StartsWith("forge: The conversation is too long for ", line, StringComparison.Ordinal);
        Assert.Contains("run /compact or start a new session", line, StringComparison.Ordinal);
        Assert.Single(_server.Requests);
        Assert.Contains(SessionLines(), l => l.GetRawText().Contains("summarise the universe", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task ContextLengthError_InJson_IsAnErrorResultWithTheMessage(string provider)
    {
        _server.Enqueue(ScriptedTurn.ContextLengthExceeded());

        var run = await ForgeAsync(provider, "-p", "summarise", "--output-format", "json");

        Assert.Equal(1, run.ExitCode);
        var result = JsonDocument.Parse(run.StdOut).RootElement;
        Assert.True(result.GetProperty("is_error").GetBoolean());
        Assert.Equal("error_during_execution", result.GetProperty("subtype").GetString());
        Assert.Contains("too long", result.GetProperty("errors")[0].GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task BadApiKey_GivesOneLineNamingTheKeyVariable_AndExitsOne(string provider)
    {
        _server.Enqueue(ScriptedTurn.Unauthorized(), ScriptedTurn.Reply("not reached"));

        var run = await ForgeAsync(provider, "-p", "hello");

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(ErrorLines(run));
        Assert.Contains(provider == "anthropic" ? "check ANTHROPIC_API_KEY" : "check OPENAI_API_KEY", line, StringComparison.Ordinal);
        Assert.Contains("401", line, StringComparison.Ordinal);
        Assert.Empty(run.StdOut);
        Assert.Single(_server.Requests);
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public async Task UnreachableServer_GivesOneLineNamingTheUrlAndVariable_AndExitsOne(string provider)
    {
        var port = FreePort();
        var env = Env();
        env["OPENAI_BASE_URL"] = $"http://127.0.0.1:{port}/v1";
        env["ANTHROPIC_BASE_URL"] = $"http://127.0.0.1:{port}";

        var run = await ForgeAsync(provider, env, "-p", "hello");

        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(ErrorLines(run));
        Assert.Contains($"http://127.0.0.1:{port}", line, StringComparison.Ordinal);
        Assert.Contains(provider == "anthropic" ? "ANTHROPIC_BASE_URL" : "OPENAI_BASE_URL", line, StringComparison.Ordinal);
        Assert.Contains("gave up after 4 attempts", line, StringComparison.Ordinal);
        Assert.Empty(run.StdOut);
        Assert.Empty(_server.Requests);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
