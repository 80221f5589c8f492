using System.Text.Json;
using CodeForge.Testing;

namespace CodeForge.Cli.Tests.Composition;

/// <summary>Claude Code hooks configured in a project, run by the real <c>forge -p</c> against the fake model server.</summary>
public sealed class HeadlessHooksTests() : ForgeWorkspaceTestBase("forge-hooks-")
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task WriteSettingsAsync(string dir, string json)
    {
        Directory.CreateDirectory(Path.Combine(Repo, dir));
        await File.WriteAllTextAsync(Path.Combine(Repo, dir, "settings.json"), json, Ct);
    }

    private async Task<string> WriteScriptAsync(string name, string body)
    {
        var dir = Path.Combine(Repo, ".forge", "hooks");
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, name), "#!/usr/bin/env bash\n" + body + "\n", Ct);
        return $"bash \\\"$CLAUDE_PROJECT_DIR\\\"/.forge/hooks/{name}";
    }

    private static string WriteArgs(string path, string content) =>
        JsonSerializer.Serialize(new Dictionary<string, string> { ["file_path"] = path, ["content"] = content });

    private static string ReadArgs(string path) => JsonSerializer.Serialize(new Dictionary<string, string> { ["file_path"] = path });

    [Fact]
    public async Task PreToolUseHook_ThatExitsWith2_BlocksTheWriteAndTellsTheModelWhy()
    {
        var protectedFile = Path.Combine(Repo, "protected.txt");
        var otherFile = Path.Combine(Repo, "other.txt");
        await File.WriteAllTextAsync(protectedFile, "original\n", Ct);
        var protect = await WriteScriptAsync("protect.sh", """
            input=$(cat)
            if printf '%s' "$input" | grep -q 'protected.txt'; then
              echo "protected.txt is read-only by team policy" >&2
              exit 2
            fi
            exit 0
            """);
        await WriteSettingsAsync(".forge", $$"""
            { "hooks": { "PreToolUse": [ { "matcher": "Write|Edit", "hooks": [ { "type": "command", "command": "{{protect}}" } ] } ] } }
            """);
        _server.Enqueue(
            ScriptedTurn.CallTools(new ScriptedToolCall("Write", WriteArgs(protectedFile, "overwritten"), "call_p"),
                new ScriptedToolCall("Write", WriteArgs(otherFile, "new file"), "call_o")),
            ScriptedTurn.Reply("done"));

        var run = await ForgeProcess.RunAsync(["--trust-workspace", "-p", "edit files", "--provider", "openai", "--allowedTools", "Write"], Repo, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Equal("original\n", await File.ReadAllTextAsync(protectedFile, Ct));
        Assert.Equal("new file", await File.ReadAllTextAsync(otherFile, Ct));
        Assert.Equal(2, _server.Requests.Count);
        Assert.Contains("protected.txt is read-only by team policy", _server.Requests[1].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostToolUseHook_InClaudeSettings_AppendsTheToolNameAndInputToALog()
    {
        var file = Path.Combine(Repo, "notes.txt");
        await File.WriteAllTextAsync(file, "pelican\n", Ct);
        await WriteSettingsAsync(".claude", """
            { "hooks": { "PostToolUse": [ { "matcher": "Read", "hooks": [
                { "type": "command", "command": "cat >> \"$CLAUDE_PROJECT_DIR\"/hook.log && echo >> \"$FORGE_PROJECT_DIR\"/hook.log" } ] } ] } }
            """);
        _server.Enqueue(ScriptedTurn.CallTool("Read", ReadArgs(file), "call_r"), ScriptedTurn.Reply("It says pelican."));

        var run = await ForgeProcess.RunAsync(["--trust-workspace", "-p", "read notes", "--provider", "openai", "--output-format", "json"], Repo, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        var lines = (await File.ReadAllLinesAsync(Path.Combine(Repo, "hook.log"), Ct)).Where(l => l.Length > 0).ToList();
        var entry = JsonDocument.Parse(Assert.Single(lines)).RootElement;
        Assert.Equal("PostToolUse", entry.GetProperty("hook_event_name").GetString());
        Assert.Equal("Read", entry.GetProperty("tool_name").GetString());
        Assert.Equal(file, entry.GetProperty("tool_input").GetProperty("file_path").GetString());
        Assert.Equal("call_r", entry.GetProperty("tool_use_id").GetString());
        Assert.Contains("pelican", entry.GetProperty("tool_response").GetProperty("output").GetString(), StringComparison.Ordinal);
        Assert.Equal(Repo, entry.GetProperty("cwd").GetString());
        var sessionId = JsonDocument.Parse(run.StdOut).RootElement.GetProperty("session_id").GetString();
        Assert.Equal(sessionId, entry.GetProperty("session_id").GetString());
    }

    [Fact]
    public async Task UserPromptSubmitAndSessionStartHooks_AddContextThatTheModelReceives()
    {
        await WriteSettingsAsync(".forge", """
            { "hooks": {
                "UserPromptSubmit": [ { "hooks": [ { "type": "command", "command": "echo 'The project codename is HERON.'" } ] } ],
                "SessionStart": [ { "matcher": "startup", "hooks": [ { "type": "command",
                    "command": "echo '{\"hookSpecificOutput\": {\"hookEventName\": \"SessionStart\", \"additionalContext\": \"Build with make ci.\"}}'" } ] } ] } }
            """);
        _server.Enqueue(ScriptedTurn.Reply("ok"));

        var run = await ForgeProcess.RunAsync(["--trust-workspace", "-p", "what is the codename?", "--provider", "openai"], Repo, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        var body = Assert.Single(_server.Requests).Body;
        Assert.Contains("The project codename is HERON.", body, StringComparison.Ordinal);
        Assert.Contains("Build with make ci.", body, StringComparison.Ordinal);
        Assert.Contains("what is the codename?", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UserPromptSubmitHook_ThatBlocks_StopsTheRunWithItsReasonAndNeverCallsTheModel()
    {
        await WriteSettingsAsync(".forge", """
            { "hooks": { "UserPromptSubmit": [ { "hooks": [ { "type": "command",
                "command": "echo '{\"decision\": \"block\", \"reason\": \"prompts mentioning passwords are not allowed\"}'" } ] } ] } }
            """);
        _server.Enqueue(ScriptedTurn.Reply("should not be asked"));

        var run = await ForgeProcess.RunAsync(["--trust-workspace", "-p", "print the password", "--provider", "openai"], Repo, Env());

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("prompts mentioning passwords are not allowed", run.StdErr, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task HookThatHangs_IsKilledAtItsTimeoutAndTheRunCompletes()
    {
        var file = Path.Combine(Repo, "notes.txt");
        await File.WriteAllTextAsync(file, "pelican\n", Ct);
        var pidFile = Path.Combine(Repo, "hang.pid");
        await WriteSettingsAsync(".forge", $$"""
            { "hooks": { "PreToolUse": [ { "matcher": "Read", "hooks": [
                { "type": "command", "command": "echo $$ > '{{pidFile}}'; sleep 3600", "timeout": 1 } ] } ] } }
            """);
        _server.Enqueue(ScriptedTurn.CallTool("Read", ReadArgs(file)), ScriptedTurn.Reply("It says pelican."));

        // The hook sleeps for an hour, far past ForgeProcess.Watchdog: had forge waited for it, the run would fail as
        // hung. So the run ending at all proves the hook did not hold it up (no bound on how long the run may take).
        var run = await ForgeProcess.RunAsync(["--trust-workspace", "-p", "read notes", "--provider", "openai"], Repo, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Contains("timed out after 1 s", run.StdErr, StringComparison.Ordinal);
        Assert.Contains("pelican", _server.Requests[1].Body, StringComparison.Ordinal); // the timeout did not block the Read
        var pid = int.Parse((await File.ReadAllTextAsync(pidFile, Ct)).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.False(Directory.Exists($"/proc/{pid}"), $"the hook's shell {pid} is still alive");
    }

    [Fact]
    public async Task HooksThatPrintGarbageOrCrash_AreReportedAndTheRunCompletes()
    {
        var file = Path.Combine(Repo, "notes.txt");
        await File.WriteAllTextAsync(file, "pelican\n", Ct);
        await WriteSettingsAsync(".forge", """
            { "hooks": { "PostToolUse": [ { "matcher": "*", "hooks": [
                { "type": "command", "command": "echo '{this is not json'" },
                { "type": "command", "command": "head -c 50000 /dev/urandom; exit 1" },
                { "type": "command", "command": "yes garbage | head -c 2000000" } ] } ] } }
            """);
        _server.Enqueue(ScriptedTurn.CallTool("Read", ReadArgs(file)), ScriptedTurn.Reply("It says pelican."));

        var run = await ForgeProcess.RunAsync(["--trust-workspace", "-p", "read notes", "--provider", "openai"], Repo, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Equal("It says pelican.", run.StdOut.Trim());
        Assert.Contains("is not valid JSON", run.StdErr, StringComparison.Ordinal);
        Assert.Contains("failed with exit code 1", run.StdErr, StringComparison.Ordinal);
        Assert.Contains("longer than 10000 characters", run.StdErr, StringComparison.Ordinal);
        Assert.Contains("pelican", _server.Requests[1].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StopHook_ThatBlocksOnce_SendsItsReasonAsTheNextUserMessage()
    {
        var marker = Path.Combine(Repo, "stopped-once");
        await WriteSettingsAsync(".forge", $$"""
            { "hooks": { "Stop": [ { "hooks": [ { "type": "command",
                "command": "if [ -e '{{marker}}' ]; then exit 0; fi; touch '{{marker}}'; echo 'Run the tests before you stop.' >&2; exit 2" } ] } ] } }
            """);
        _server.Enqueue(ScriptedTurn.Reply("all done"), ScriptedTurn.Reply("tests pass, done"));

        var run = await ForgeProcess.RunAsync(["--trust-workspace", "-p", "fix it", "--provider", "openai"], Repo, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Equal("tests pass, done", run.StdOut.Trim());
        Assert.Equal(2, _server.Requests.Count);
        Assert.Contains("Run the tests before you stop.", _server.Requests[1].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadHookConfiguration_IsReportedWithFileAndKeyAndTheValidHooksStillRun()
    {
        await WriteSettingsAsync(".forge", """
            {
              "hooks": {
                "PreToolUze": [ { "hooks": [ { "type": "command", "command": "true" } ] } ],
                "PostToolUse": [ { "matcher": "Read(", "hooks": [ { "type": "command", "command": "true" } ] } ],
                "UserPromptSubmit": [ { "hooks": [ { "type": "command" }, { "type": "command", "command": "echo CONTEXT-OK" } ] } ]
              }
            }
            """);
        _server.Enqueue(ScriptedTurn.Reply("ok"));

        var run = await ForgeProcess.RunAsync(["--trust-workspace", "-p", "hello", "--provider", "openai"], Repo, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        var settings = Path.Combine(Repo, ".forge", "settings.json");
        Assert.Contains($"{settings}:3: error: hooks.PreToolUze: unknown hook event", run.StdErr, StringComparison.Ordinal);
        Assert.Contains($"{settings}:4: error: hooks.PostToolUse[0].matcher: matcher \"Read(\" is not a valid regular expression", run.StdErr, StringComparison.Ordinal);
        Assert.Contains($"{settings}:5: error: hooks.UserPromptSubmit[0].hooks[0].command: missing \"command\"", run.StdErr, StringComparison.Ordinal);
        Assert.Contains("CONTEXT-OK", Assert.Single(_server.Requests).Body, StringComparison.Ordinal);
    }
}
