using System.Text.Json;
using CodeForge.Testing;

namespace CodeForge.Cli.Tests.Headless;

/// <summary>The real <c>forge -p</c> against the fake Anthropic server: thinking is asked for as configured, its blocks
/// come back unchanged after a tool call, stream-json carries them, text output does not, and every request carries the
/// prompt-cache breakpoints.</summary>
public sealed class HeadlessThinkingTests() : ForgeWorkspaceTestBase("forge-thinking-")
{
    private const string Signature = "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrk+sig/=";

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await File.WriteAllTextAsync(Path.Combine(Repo, "notes.md"), "the bug is in the parser", TestContext.Current.CancellationToken);
    }

    private static JsonElement Last(JsonElement array) => array[array.GetArrayLength() - 1];

    private void EnqueueThinkingToolCallThenAnswer() => _server.Enqueue(
        ScriptedTurn.CallTool("Glob", """{"pattern":"*.md"}""") with
        {
            Thinking = [new ScriptedThinking("Look for notes first.", Signature), new ScriptedThinking("REDACTED-DATA", Redacted: true)],
        },
        ScriptedTurn.Reply("The bug is in the parser."));

    [Fact]
    public async Task StreamJson_CarriesThinkingBlocks_AndTheNextRequestSendsThemBackUnchanged()
    {
        EnqueueThinkingToolCallThenAnswer();

        var run = await ForgeProcess.RunAsync(["-p", "where is the bug?", "--output-format", "stream-json", "--provider", "anthropic", "--model", "sonnet"], Repo, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        var lines = run.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var assistant = lines.First(l => l.GetProperty("type").GetString() == "assistant").GetProperty("message").GetProperty("content");
        Assert.Equal(("thinking", "Look for notes first.", Signature),
            (assistant[0].GetProperty("type").GetString(), assistant[0].GetProperty("thinking").GetString(), assistant[0].GetProperty("signature").GetString()));
        Assert.Equal(("redacted_thinking", "REDACTED-DATA"), (assistant[1].GetProperty("type").GetString(), assistant[1].GetProperty("data").GetString()));

        Assert.Equal(2, _server.Requests.Count);
        var sentBack = _server.Requests[1].Json.GetProperty("messages")[1].GetProperty("content");
        Assert.Equal(("thinking", "Look for notes first.", Signature),
            (sentBack[0].GetProperty("type").GetString(), sentBack[0].GetProperty("thinking").GetString(), sentBack[0].GetProperty("signature").GetString()));
        Assert.Equal(("redacted_thinking", "REDACTED-DATA"), (sentBack[1].GetProperty("type").GetString(), sentBack[1].GetProperty("data").GetString()));
        foreach (var request in _server.Requests)
        {
            // claude-sonnet-5-5 (the sonnet alias) thinks adaptively by default, as in Claude Code.
            Assert.Equal("adaptive", request.Json.GetProperty("thinking").GetProperty("type").GetString());
            Assert.True(Last(request.Json.GetProperty("system")).TryGetProperty("cache_control", out _), "system prompt breakpoint");
            Assert.True(Last(request.Json.GetProperty("tools")).TryGetProperty("cache_control", out _), "tool definitions breakpoint");
            Assert.True(Last(Last(request.Json.GetProperty("messages")).GetProperty("content")).TryGetProperty("cache_control", out _), "newest message breakpoint");
        }
    }

    [Fact]
    public async Task TextOutput_ShowsTheAnswerButNotTheThinking()
    {
        EnqueueThinkingToolCallThenAnswer();

        var run = await ForgeProcess.RunAsync(["-p", "where is the bug?", "--provider", "anthropic", "--model", "sonnet"], Repo, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Contains("The bug is in the parser.", run.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("Look for notes first.", run.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("REDACTED-DATA", run.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EffortSetting_AndMaxThinkingTokens_ReachTheRequest()
    {
        Directory.CreateDirectory(Path.Combine(Repo, ".forge"));
        await File.WriteAllTextAsync(Path.Combine(Repo, ".forge", "settings.json"), """{ "effort": "low" }""", TestContext.Current.CancellationToken);
        _server.Enqueue(ScriptedTurn.Reply("one"), ScriptedTurn.Reply("two"));

        var low = await ForgeProcess.RunAsync(["-p", "hi", "--provider", "anthropic", "--model", "sonnet"], Repo, Env());
        var budget = await ForgeProcess.RunAsync(["-p", "hi", "--provider", "anthropic", "--model", "claude-sonnet-4-5"], Repo, Env(("MAX_THINKING_TOKENS", "6000")));

        Assert.True(low.ExitCode == 0, low.StdErr);
        Assert.True(budget.ExitCode == 0, budget.StdErr);
        Assert.Equal("low", _server.Requests[0].Json.GetProperty("output_config").GetProperty("effort").GetString());
        var thinking = _server.Requests[1].Json.GetProperty("thinking");
        Assert.Equal(("enabled", 6000), (thinking.GetProperty("type").GetString(), thinking.GetProperty("budget_tokens").GetInt32()));
    }

    [Fact]
    public async Task EffortAndMaxThinkingTokensFlags_WinOverTheSettingAndTheEnvironment()
    {
        Directory.CreateDirectory(Path.Combine(Repo, ".forge"));
        await File.WriteAllTextAsync(Path.Combine(Repo, ".forge", "settings.json"), """{ "effort": "low" }""", TestContext.Current.CancellationToken);
        _server.Enqueue(ScriptedTurn.Reply("one"), ScriptedTurn.Reply("two"));

        var high = await ForgeProcess.RunAsync(["-p", "hi", "--provider", "anthropic", "--model", "sonnet", "--effort", "high"], Repo, Env());
        var budget = await ForgeProcess.RunAsync(["-p", "hi", "--provider", "anthropic", "--model", "claude-sonnet-4-5", "--max-thinking-tokens", "9000"],
            Repo, Env(("MAX_THINKING_TOKENS", "6000")));
        var bad = await ForgeProcess.RunAsync(["-p", "hi", "--effort", "extreme"], Repo, Env());

        Assert.True(high.ExitCode == 0, high.StdErr);
        Assert.True(budget.ExitCode == 0, budget.StdErr);
        Assert.Equal("high", _server.Requests[0].Json.GetProperty("output_config").GetProperty("effort").GetString());
        var thinking = _server.Requests[1].Json.GetProperty("thinking");
        Assert.Equal(("enabled", 9000), (thinking.GetProperty("type").GetString(), thinking.GetProperty("budget_tokens").GetInt32()));
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("extreme", bad.StdErr, StringComparison.Ordinal);
        Assert.Equal(2, _server.Requests.Count);
    }
}
