using System.Text.Json;
using CodeForge.Testing;

namespace CodeForge.Cli.Tests.Composition;

/// <summary>The real <c>forge -p</c> process: the model calls WebFetch / WebSearch on pages served on 127.0.0.1.</summary>
public sealed class HeadlessWebToolsTests() : ForgeWorkspaceTestBase("forge-web-")
{
    private LocalWebServer _web = null!;

    /// <summary>The fake model server (this class's name for <see cref="ForgeWorkspaceTestBase._server"/>).</summary>
    private FakeModelServer _model => _server;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        _web = await LocalWebServer.StartAsync(TestContext.Current.CancellationToken);
    }

    public override async ValueTask DisposeAsync()
    {
        await _web.DisposeAsync();
        await base.DisposeAsync();
    }

    private async Task WriteProjectSettingsAsync(string json)
    {
        Directory.CreateDirectory(Path.Combine(Repo, ".forge"));
        await File.WriteAllTextAsync(Path.Combine(Repo, ".forge", "settings.json"), json, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Print_WhenTheModelFetchesALoopbackPageAllowedBySettings_TheMarkdownReachesTheModel()
    {
        _web.MapText("/guide", "text/html; charset=utf-8",
            "<html><head><title>Guide</title><script>STEAL()</script></head><body><nav>MENU</nav><h2>Setup</h2><p>The magic number is <b>4217</b>.</p>"
            + "<table><tr><th>Key</th><th>Value</th></tr><tr><td>port</td><td>8080</td></tr></table></body></html>");
        await WriteProjectSettingsAsync("""
            {
              "permissions": { "allow": ["WebFetch(domain:127.0.0.1)"] },
              "webFetch": { "allowedHosts": ["127.0.0.1"] }
            }
            """);
        var url = _web.Url("/guide");
        _model.Enqueue(
            ScriptedTurn.CallTool("WebFetch", JsonSerializer.Serialize(new Dictionary<string, string> { ["url"] = url, ["prompt"] = "What is the magic number?" }), "call_web"),
            ScriptedTurn.Reply("It is 4217."));

        var run = await ForgeProcess.RunAsync(["--trust-workspace", "-p", "read the guide", "--output-format", "stream-json", "--provider", "openai"], Repo, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Equal(1, _web.CountOf("/guide"));
        Assert.Equal(2, _model.Requests.Count);
        var toolMessage = ToolResultContent(_model.Requests[1].Body);
        Assert.Contains("The magic number is **4217**.", toolMessage, StringComparison.Ordinal);
        Assert.Contains("| port | 8080 |", toolMessage, StringComparison.Ordinal);
        Assert.Contains("<untrusted-web-content", toolMessage, StringComparison.Ordinal);
        Assert.Contains("What is the magic number?", toolMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("STEAL", toolMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("MENU", toolMessage, StringComparison.Ordinal);
        Assert.Contains("It is 4217.", run.StdOut, StringComparison.Ordinal);
        Assert.True(Directory.Exists(Path.Combine(Home, ".forge", "cache", "web")));
    }

    [Fact]
    public async Task Print_WithoutTheWebFetchSetting_ALoopbackFetchIsRefusedAndTheServerIsNeverCalled()
    {
        _web.MapText("/secret", "text/plain", "internal secret");
        await WriteProjectSettingsAsync("""{ "permissions": { "allow": ["WebFetch"] } }""");
        _model.Enqueue(
            ScriptedTurn.CallTool("WebFetch", JsonSerializer.Serialize(new Dictionary<string, string> { ["url"] = _web.Url("/secret"), ["prompt"] = "p" }), "call_web"),
            ScriptedTurn.Reply("Refused."));

        var run = await ForgeProcess.RunAsync(["--trust-workspace", "-p", "fetch it", "--output-format", "json", "--provider", "openai"], Repo, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Empty(_web.Requests);
        var toolMessage = ToolResultContent(_model.Requests[1].Body);
        Assert.Contains("loopback address", toolMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("internal secret", toolMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Print_WhenTheModelSearches_TheDuckDuckGoResultsReachTheModel()
    {
        _web.MapText("/html/", "text/html", """
            <html><body><div class="result web-result"><a class="result__a" href="//duckduckgo.com/l/?uddg=https%3A%2F%2Fdocs.example.com%2Fasync">Async guide</a>
            <a class="result__snippet">All about async.</a></div>
            <div class="result web-result"><a class="result__a" href="https://evil-example.com/async">Lookalike</a></div></body></html>
            """);
        await WriteProjectSettingsAsync("""{ "permissions": { "allow": ["WebSearch"] } }""");
        _model.Enqueue(
            ScriptedTurn.CallTool("WebSearch", """{"query":"async guide","allowed_domains":["example.com"]}""", "call_search"),
            ScriptedTurn.Reply("Found it."));

        var run = await ForgeProcess.RunAsync(["--trust-workspace", "-p", "search", "--output-format", "json", "--provider", "openai"], Repo,
            Env(("FORGE_DUCKDUCKGO_URL", _web.BaseUrl.AbsoluteUri)));

        Assert.True(run.ExitCode == 0, run.StdErr);
        var toolMessage = ToolResultContent(_model.Requests[1].Body);
        Assert.Contains("[Async guide](https://docs.example.com/async)", toolMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("evil-example.com", toolMessage, StringComparison.Ordinal);
        Assert.Equal("?q=async%20guide", Assert.Single(_web.Requests).Query);
    }

    /// <summary>The content of the tool message in an OpenAI chat request (Chat Completions <c>messages</c>, or the
    /// Responses API's <c>function_call_output</c> input item, which OpenAI's default model uses).</summary>
    private static string ToolResultContent(string requestBody)
    {
        var root = JsonDocument.Parse(requestBody).RootElement;
        if (root.TryGetProperty("input", out var input))
        {
            var output = input.EnumerateArray().Single(i => i.TryGetProperty("type", out var t) && t.GetString() == "function_call_output").GetProperty("output");
            return output.ValueKind == JsonValueKind.String
                ? output.GetString()!
                : string.Concat(output.EnumerateArray().Select(p => p.GetProperty("text").GetString()));
        }
        var messages = root.GetProperty("messages");
        var tool = messages.EnumerateArray().Single(m => m.GetProperty("role").GetString() == "tool");
        var content = tool.GetProperty("content");
        return content.ValueKind == JsonValueKind.String
            ? content.GetString()!
            : string.Concat(content.EnumerateArray().Select(p => p.GetProperty("text").GetString()));
    }
}
