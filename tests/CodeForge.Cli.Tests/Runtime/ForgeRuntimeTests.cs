using System.Text.Json;
using CodeForge.Testing;

namespace CodeForge.Cli.Tests.Runtime;

/// <summary>
/// Settings that apply while forge runs, end to end: the real <c>forge -p</c> process, the fake model server holding its
/// second model call until the test has edited <c>.forge/settings.json</c> and seen forge announce the change.
/// </summary>
public sealed class ForgeRuntimeTests() : ForgeWorkspaceTestBase("forge-live-")
{
    private string ProjectSettings => Path.Combine(Repo, ".forge", "settings.json");

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Directory.CreateDirectory(Path.Combine(Repo, ".forge"));
    }

    private static string WriteArgs(string path, string content) =>
        JsonSerializer.Serialize(new Dictionary<string, string> { ["file_path"] = path, ["content"] = content });

    private static bool IsToolResult(string line, string callId) =>
        line.Contains("\"tool_result\"", StringComparison.Ordinal) && line.Contains($"\"{callId}\"", StringComparison.Ordinal);

    private static bool IsSettingsChanged(string line) => line.Contains("\"settings_changed\"", StringComparison.Ordinal);

    /// <summary>Scripts Write(first) then, held until <paramref name="edited"/>, Write(second), then a reply; starts forge.</summary>
    private LiveForgeProcess StartTwoWrites(string first, string second, Task edited)
    {
        _server.Enqueue(
            ScriptedTurn.CallTool("Write", WriteArgs(first, "one"), "call_1"),
            ScriptedTurn.CallTool("Write", WriteArgs(second, "two"), "call_2") with { HoldUntil = edited },
            ScriptedTurn.Reply("done"));
        return LiveForgeProcess.Start(["-p", "write two files", "--output-format", "stream-json", "--provider", "openai", "--trust-workspace"], Repo, Env());
    }

    [Fact]
    public async Task Print_ASubagentsCallPassesTheSameGate_APreToolUseHookBlocksIt()
    {
        var ct = TestContext.Current.CancellationToken;
        // Bash is allowed, but a PreToolUse hook blocks it; the model delegates the command to a subagent.
        await File.WriteAllTextAsync(ProjectSettings, """
            {"permissions": {"allow": ["Bash"]},
             "hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "echo 'no shell for anyone' >&2; exit 2"}]}]}}
            """, ct);
        var marker = Path.Combine(Repo, "walked-around.txt");
        _server.Enqueue(
            ScriptedTurn.CallTool("Task", JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["description"] = "run it", ["prompt"] = "run the command", ["subagent_type"] = "general-purpose",
            }), "call_task"),
            ScriptedTurn.CallTool("Bash", JsonSerializer.Serialize(new Dictionary<string, string> { ["command"] = $"touch {marker}" }), "call_bash"),
            ScriptedTurn.Reply("child could not run it"),
            ScriptedTurn.Reply("done"));

        var run = await ForgeProcess.RunAsync(["-p", "run a command through a subagent", "--provider", "openai", "--trust-workspace"], Repo, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.False(File.Exists(marker), "the subagent's Bash call walked around the PreToolUse hook");
        Assert.Contains("blocked by a PreToolUse hook: no shell for anyone", _server.Requests[2].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Print_WhenTheProjectSettingsDenyWriteBetweenTwoCalls_DeniesTheSecondWriteAndAnnouncesTheChangeOnce()
    {
        var ct = TestContext.Current.CancellationToken;
        await File.WriteAllTextAsync(ProjectSettings, """{"permissions": {"allow": ["Write"]}}""", ct);
        var (first, second) = (Path.Combine(Repo, "first.txt"), Path.Combine(Repo, "second.txt"));
        var edited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var forge = StartTwoWrites(first, second, edited.Task);

        await forge.WaitForLineAsync(l => IsToolResult(l, "call_1"), ct);
        await EditorSave.ReplaceAsync(ProjectSettings, """{"permissions": {"deny": ["Write"]}}""", ct);
        var changed = JsonDocument.Parse(await forge.WaitForLineAsync(IsSettingsChanged, ct)).RootElement;
        edited.SetResult();
        var (exitCode, stdout, stderr) = await forge.WaitForExitAsync(ct);

        Assert.True(exitCode == 0, stderr);
        Assert.Equal("one", await File.ReadAllTextAsync(first, ct));
        Assert.False(File.Exists(second), "the second Write ran although the settings denied it");
        Assert.Contains("permissions", changed.GetProperty("changed").EnumerateArray().Select(e => e.GetString()));
        Assert.Empty(changed.GetProperty("problems").EnumerateArray());
        Assert.Single(stdout, IsSettingsChanged);
        var result = JsonDocument.Parse(stdout[^1]).RootElement;
        var denial = Assert.Single(result.GetProperty("permission_denials").EnumerateArray());
        Assert.Equal("call_2", denial.GetProperty("tool_use_id").GetString());
    }

    [Fact]
    public async Task Print_WhenTheProjectSettingsBreakMidRun_KeepsTheLastGoodRulesAndReportsTheFileAndLine()
    {
        var ct = TestContext.Current.CancellationToken;
        await File.WriteAllTextAsync(ProjectSettings, """{"permissions": {"allow": ["Write"]}}""", ct);
        var (first, second) = (Path.Combine(Repo, "first.txt"), Path.Combine(Repo, "second.txt"));
        var edited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var forge = StartTwoWrites(first, second, edited.Task);

        await forge.WaitForLineAsync(l => IsToolResult(l, "call_1"), ct);
        await EditorSave.ReplaceAsync(ProjectSettings, "{\n  \"permissions\": {\n    \"allow\": [\"Write\",, ]\n  }\n}\n", ct);
        var changed = JsonDocument.Parse(await forge.WaitForLineAsync(IsSettingsChanged, ct)).RootElement;
        edited.SetResult();
        var (exitCode, _, stderr) = await forge.WaitForExitAsync(ct);

        Assert.True(exitCode == 0, stderr);
        Assert.Equal("two", await File.ReadAllTextAsync(second, ct));
        Assert.Empty(changed.GetProperty("changed").EnumerateArray());
        var problems = changed.GetProperty("problems").EnumerateArray().ToList();
        var error = Assert.Single(problems, p => p.GetProperty("severity").GetString() == "error");
        Assert.Equal(ProjectSettings, error.GetProperty("file").GetString());
        Assert.Equal(3, error.GetProperty("line").GetInt32());
        Assert.StartsWith($"{ProjectSettings}:3: error: invalid JSON", error.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains(problems, p => p.GetProperty("message").GetString()!.Contains("last good settings", StringComparison.Ordinal));
    }

    private static string BashArgs(string command) => JsonSerializer.Serialize(new Dictionary<string, string> { ["command"] = command });

    [Fact]
    public async Task Print_WhenAPreToolUseHookIsAddedBetweenTwoCalls_TheSecondCallIsBlockedByIt()
    {
        var ct = TestContext.Current.CancellationToken;
        await File.WriteAllTextAsync(ProjectSettings, """{"permissions": {"allow": ["Bash"]}}""", ct);
        var (first, second) = (Path.Combine(Repo, "first.txt"), Path.Combine(Repo, "second.txt"));
        var edited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Enqueue(
            ScriptedTurn.CallTool("Bash", BashArgs($"touch {first}"), "call_1"),
            ScriptedTurn.CallTool("Bash", BashArgs($"touch {second}"), "call_2") with { HoldUntil = edited.Task },
            ScriptedTurn.Reply("done"));
        await using var forge = LiveForgeProcess.Start(["-p", "touch two files", "--output-format", "stream-json", "--provider", "openai", "--trust-workspace"], Repo, Env());

        await forge.WaitForLineAsync(l => IsToolResult(l, "call_1"), ct);
        await EditorSave.ReplaceAsync(ProjectSettings, """
            {"permissions": {"allow": ["Bash"]},
             "hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "echo 'hooks changed' >&2; exit 2"}]}]}}
            """, ct);
        var changed = JsonDocument.Parse(await forge.WaitForLineAsync(IsSettingsChanged, ct)).RootElement;
        edited.SetResult();
        var (exitCode, _, stderr) = await forge.WaitForExitAsync(ct);

        Assert.True(exitCode == 0, stderr);
        Assert.True(File.Exists(first));
        Assert.False(File.Exists(second), "the second Bash call ran although the new PreToolUse hook blocks it");
        Assert.Equal(["hooks"], changed.GetProperty("changed").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("blocked by a PreToolUse hook: hooks changed", _server.Requests[2].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Print_WhenTheSettingsEnvChangesBetweenTwoCalls_TheSecondBashCallSeesTheNewValue()
    {
        var ct = TestContext.Current.CancellationToken;
        await File.WriteAllTextAsync(ProjectSettings, """{"permissions": {"allow": ["Bash"]}, "env": {"FORGE_LIVE_VALUE": "before"}}""", ct);
        var edited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Enqueue(
            ScriptedTurn.CallTool("Bash", BashArgs("echo value=$FORGE_LIVE_VALUE"), "call_1"),
            ScriptedTurn.CallTool("Bash", BashArgs("echo value=$FORGE_LIVE_VALUE"), "call_2") with { HoldUntil = edited.Task },
            ScriptedTurn.Reply("done"));
        await using var forge = LiveForgeProcess.Start(["-p", "echo twice", "--output-format", "stream-json", "--provider", "openai", "--trust-workspace"], Repo, Env());

        var firstResult = await forge.WaitForLineAsync(l => IsToolResult(l, "call_1"), ct);
        await EditorSave.ReplaceAsync(ProjectSettings, """{"permissions": {"allow": ["Bash"]}, "env": {"FORGE_LIVE_VALUE": "after"}}""", ct);
        var changed = JsonDocument.Parse(await forge.WaitForLineAsync(IsSettingsChanged, ct)).RootElement;
        edited.SetResult();
        var secondResult = await forge.WaitForLineAsync(l => IsToolResult(l, "call_2"), ct);
        var (exitCode, _, stderr) = await forge.WaitForExitAsync(ct);

        Assert.True(exitCode == 0, stderr);
        Assert.Contains("value=before", firstResult, StringComparison.Ordinal);
        Assert.Contains("value=after", secondResult, StringComparison.Ordinal);
        Assert.Equal(["env"], changed.GetProperty("changed").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Print_WhenAnMcpServerIsAddedToTheUserSettingsBetweenTwoCalls_TheSecondCallReachesIt()
    {
        var ct = TestContext.Current.CancellationToken;
        var userSettings = Path.Combine(Home, ".forge", "settings.json");
        Directory.CreateDirectory(Path.GetDirectoryName(userSettings)!);
        await File.WriteAllTextAsync(userSettings, """{"permissions": {"allow": ["Bash"]}}""", ct);
        var edited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Enqueue(
            ScriptedTurn.CallTool("Bash", BashArgs("echo first"), "call_1"),
            ScriptedTurn.CallTool("mcp__everything__echo", """{"message":"hello live"}""", "call_2") with { HoldUntil = edited.Task },
            ScriptedTurn.Reply("done"));
        await using var forge = LiveForgeProcess.Start(["-p", "use the new server", "--output-format", "stream-json", "--provider", "openai", "--trust-workspace"], Repo, Env());

        await forge.WaitForLineAsync(l => IsToolResult(l, "call_1"), ct);
        await EditorSave.ReplaceAsync(userSettings, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["permissions"] = new Dictionary<string, string[]> { ["allow"] = ["Bash", "mcp__everything__echo"] },
            ["mcpServers"] = new Dictionary<string, object> { ["everything"] = new Dictionary<string, object> { ["command"] = "node", ["args"] = new[] { McpTestServers.Everything, "stdio" } } },
        }), ct);
        // The permission change is announced at once; the MCP set on its own once the server answered.
        var changed = JsonDocument.Parse(await forge.WaitForLineAsync(IsMcpChanged, ct)).RootElement;
        edited.SetResult();
        var result = await forge.WaitForLineAsync(l => IsToolResult(l, "call_2"), ct);
        var (exitCode, _, stderr) = await forge.WaitForExitAsync(ct);

        Assert.True(exitCode == 0, stderr);
        Assert.Contains("mcp", changed.GetProperty("changed").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("Echo: hello live", result, StringComparison.Ordinal);
    }

    private static bool IsMcpChanged(string line) => IsSettingsChanged(line) && line.Contains("\"changed\":[\"mcp\"]", StringComparison.Ordinal);

    /// <summary>The tool names a model request offered (its <c>tools</c>: chat-completions or responses shape).</summary>
    private static List<string> ToolsOffered(string body) =>
        [.. JsonDocument.Parse(body).RootElement.GetProperty("tools").EnumerateArray()
            .Select(t => (t.TryGetProperty("function", out var f) ? f : t).GetProperty("name").GetString()!)];

    private string ProjectMcpJson => Path.Combine(Repo, ".mcp.json");

    private static string EverythingMcpJson() => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["mcpServers"] = new Dictionary<string, object> { ["everything"] = new Dictionary<string, object> { ["command"] = "node", ["args"] = new[] { McpTestServers.Everything, "stdio" } } },
    });

    [Fact]
    public async Task Print_WhenTheProjectMcpJsonAloneGainsAServerBetweenTwoCalls_TheNextCallReachesIt()
    {
        var ct = TestContext.Current.CancellationToken;
        await File.WriteAllTextAsync(ProjectSettings, """{"permissions": {"allow": ["Bash", "mcp__everything__echo"]}}""", ct);
        await File.WriteAllTextAsync(ProjectMcpJson, """{"mcpServers": {}}""", ct);
        var edited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Enqueue(
            ScriptedTurn.CallTool("Bash", BashArgs("echo first"), "call_1"),
            ScriptedTurn.CallTool("mcp__everything__echo", """{"message":"hello mcp.json"}""", "call_2") with { HoldUntil = edited.Task },
            ScriptedTurn.Reply("done"));
        await using var forge = LiveForgeProcess.Start(["-p", "use the new server", "--output-format", "stream-json", "--provider", "openai", "--trust-workspace"], Repo, Env());

        await forge.WaitForLineAsync(l => IsToolResult(l, "call_1"), ct);
        await EditorSave.ReplaceAsync(ProjectMcpJson, EverythingMcpJson(), ct);
        var changed = JsonDocument.Parse(await forge.WaitForLineAsync(IsSettingsChanged, ct)).RootElement;
        edited.SetResult();
        var result = await forge.WaitForLineAsync(l => IsToolResult(l, "call_2"), ct);
        var (exitCode, _, stderr) = await forge.WaitForExitAsync(ct);

        Assert.True(exitCode == 0, stderr);
        Assert.Equal(["mcp"], changed.GetProperty("changed").EnumerateArray().Select(e => e.GetString()));
        Assert.Empty(changed.GetProperty("problems").EnumerateArray());
        Assert.Contains("Echo: hello mcp.json", result, StringComparison.Ordinal);
        // The turn's tool list was fixed when it started; the next turn's has the server's tools (StreamJsonSessionTests).
        Assert.DoesNotContain("mcp__everything__echo", ToolsOffered(_server.Requests[0].Body));
    }

    [Fact]
    public async Task Print_WhenTheProjectMcpJsonBreaksBetweenTwoCalls_TheServerStaysAndTheProblemIsReportedWithItsLine()
    {
        var ct = TestContext.Current.CancellationToken;
        await File.WriteAllTextAsync(ProjectSettings, """{"permissions": {"allow": ["Bash", "mcp__everything__echo"]}}""", ct);
        await File.WriteAllTextAsync(ProjectMcpJson, EverythingMcpJson(), ct);
        var edited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Enqueue(
            ScriptedTurn.CallTool("Bash", BashArgs("echo first"), "call_1"),
            ScriptedTurn.CallTool("mcp__everything__echo", """{"message":"still here"}""", "call_2") with { HoldUntil = edited.Task },
            ScriptedTurn.Reply("done"));
        await using var forge = LiveForgeProcess.Start(["-p", "use the server", "--output-format", "stream-json", "--provider", "openai", "--trust-workspace"], Repo, Env());

        await forge.WaitForLineAsync(l => IsToolResult(l, "call_1"), ct);
        await EditorSave.ReplaceAsync(ProjectMcpJson, "{\n  \"mcpServers\": {\n    \"everything\": \n}", ct);
        var changed = JsonDocument.Parse(await forge.WaitForLineAsync(IsSettingsChanged, ct)).RootElement;
        edited.SetResult();
        var result = await forge.WaitForLineAsync(l => IsToolResult(l, "call_2"), ct);
        var (exitCode, _, stderr) = await forge.WaitForExitAsync(ct);

        Assert.True(exitCode == 0, stderr);
        Assert.Empty(changed.GetProperty("changed").EnumerateArray());
        var problems = changed.GetProperty("problems").EnumerateArray().ToList();
        var error = Assert.Single(problems, p => p.GetProperty("severity").GetString() == "error");
        Assert.Equal(ProjectMcpJson, error.GetProperty("file").GetString());
        Assert.Equal(4, error.GetProperty("line").GetInt32());
        Assert.Contains("invalid JSON", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains(problems, p => p.GetProperty("message").GetString()!.Contains("last good MCP servers", StringComparison.Ordinal));
        Assert.Contains("Echo: still here", result, StringComparison.Ordinal);
    }
}
