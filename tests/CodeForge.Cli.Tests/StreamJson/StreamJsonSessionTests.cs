using System.Diagnostics;
using System.Text.Json;
using CodeForge.Testing;
using CodeForge.Testing.Forge;

namespace CodeForge.Cli.Tests.StreamJson;

/// <summary>
/// The real forge in <c>--input-format stream-json</c> with hand-written stdin lines: bad input gets a clear error and
/// loses nothing else; stdin closing while forge waits for the SDK ends the turn cleanly.
/// </summary>
public sealed class StreamJsonSessionTests() : ForgeWorkspaceTestBase("forge-streamjson-")
{
    private Func<Task>? _afterStdinClosed;

    private sealed record Output(int ExitCode, IReadOnlyList<JsonElement> Lines, string StdErr)
    {
        public IEnumerable<JsonElement> OfType(string type) => Lines.Where(l => l.GetProperty("type").GetString() == type);
    }

    /// <summary>Starts forge with the SDK's flags (stdin, stdout and stderr redirected).</summary>
    private Process StartForge(string[] extraArgs, string? model = "gpt-4o") =>
        Process.Start(ForgeLaunch.StartInfo(
            ["--output-format", "stream-json", "--verbose", "--input-format", "stream-json", "--provider", "openai", .. (model is null ? Array.Empty<string>() : ["--model", model]), .. extraArgs],
            Repo, Env(), redirectStandardInput: true))!;

    /// <summary>Runs forge with the SDK's flags, writes <paramref name="stdin"/> line by line, closes stdin, reads everything.</summary>
    private async Task<Output> RunAsync(IEnumerable<string> stdin, params string[] extraArgs)
    {
        using var process = StartForge(extraArgs);
        using var timeout = new CancellationTokenSource(ForgeProcess.Watchdog);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        foreach (var line in stdin)
        {
            await process.StandardInput.WriteLineAsync(line.AsMemory(), timeout.Token);
        }
        process.StandardInput.Close();
        if (_afterStdinClosed is { } after)
        {
            await after();
        }
        await process.WaitForExitAsync(timeout.Token);
        var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        return new Output(process.ExitCode, lines, await stderr);
    }

    [Fact]
    public async Task SettingsEditedBetweenTurns_ApplyToTheNextTurnsToolCall_AnnouncedOnceAsSettingsChanged()
    {
        var ct = TestContext.Current.CancellationToken;
        var settings = Path.Combine(Repo, ".forge", "settings.json");
        Directory.CreateDirectory(Path.GetDirectoryName(settings)!);
        await File.WriteAllTextAsync(settings, """{"permissions": {"allow": ["Write"]}}""", ct);
        var (first, second) = (Path.Combine(Repo, "first.txt"), Path.Combine(Repo, "second.txt"));
        string Write(string path, string content) => JsonSerializer.Serialize(new Dictionary<string, string> { ["file_path"] = path, ["content"] = content });
        _server.Enqueue(
            ScriptedTurn.CallTool("Write", Write(first, "one"), "call_1"),
            ScriptedTurn.Reply("wrote one"),
            ScriptedTurn.CallTool("Write", Write(second, "two"), "call_2"),
            ScriptedTurn.Reply("could not"));
        using var process = StartForge(["--trust-workspace"]);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        var lines = new List<JsonElement>();
        async Task<JsonElement> WaitFor(Func<JsonElement, bool> match)
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                var json = JsonDocument.Parse(line).RootElement;
                lines.Add(json);
                if (match(json))
                {
                    return json;
                }
            }
            Assert.Fail($"forge ended before the expected line: {await stderr}");
            return default;
        }
        static bool Is(JsonElement l, string type, string? subtype = null) =>
            l.GetProperty("type").GetString() == type && (subtype is null || l.GetProperty("subtype").GetString() == subtype);

        await process.StandardInput.WriteLineAsync(User("write the first file").AsMemory(), timeout.Token);
        await WaitFor(l => Is(l, "result"));
        await EditorSave.ReplaceAsync(settings, """{"permissions": {"deny": ["Write"]}}""", ct);
        var changed = await WaitFor(l => Is(l, "system", "settings_changed"));
        await process.StandardInput.WriteLineAsync(User("write the second file").AsMemory(), timeout.Token);
        var result = await WaitFor(l => Is(l, "result"));
        process.StandardInput.Close();
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } rest)
        {
            lines.Add(JsonDocument.Parse(rest).RootElement);
        }
        await process.WaitForExitAsync(timeout.Token);

        Assert.True(process.ExitCode == 0, await stderr);
        Assert.Equal("one", await File.ReadAllTextAsync(first, ct));
        Assert.False(File.Exists(second), "the second turn's Write ran although the settings denied it");
        Assert.Contains("permissions", changed.GetProperty("changed").EnumerateArray().Select(e => e.GetString()));
        Assert.Single(lines, l => Is(l, "system", "settings_changed"));
        Assert.Equal("call_2", Assert.Single(result.GetProperty("permission_denials").EnumerateArray()).GetProperty("tool_use_id").GetString());
    }

    [Fact]
    public async Task ModelEditedInSettingsBetweenTurns_TheNextTurnAsksTheNewModel()
    {
        var ct = TestContext.Current.CancellationToken;
        var settings = Path.Combine(Repo, ".forge", "settings.json");
        Directory.CreateDirectory(Path.GetDirectoryName(settings)!);
        await File.WriteAllTextAsync(settings, """{"model": "gpt-before"}""", ct);
        _server.Enqueue(ScriptedTurn.Reply("first"), ScriptedTurn.Reply("second"));
        using var process = StartForge(["--trust-workspace"], model: null);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        async Task<JsonElement> WaitFor(string type, string? subtype = null)
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                var json = JsonDocument.Parse(line).RootElement;
                if (json.GetProperty("type").GetString() == type && (subtype is null || json.GetProperty("subtype").GetString() == subtype))
                {
                    return json;
                }
            }
            Assert.Fail($"forge ended before a {type} {subtype} line: {await stderr}");
            return default;
        }
        string ModelAsked(int request) => JsonDocument.Parse(_server.Requests[request].Body).RootElement.GetProperty("model").GetString()!;

        await process.StandardInput.WriteLineAsync(User("one").AsMemory(), timeout.Token);
        await WaitFor("result");
        await EditorSave.ReplaceAsync(settings, """{"model": "gpt-after"}""", ct);
        var changed = await WaitFor("system", "settings_changed");
        await process.StandardInput.WriteLineAsync(User("two").AsMemory(), timeout.Token);
        var second = await WaitFor("result");
        process.StandardInput.Close();
        await process.StandardOutput.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);

        Assert.True(process.ExitCode == 0, await stderr);
        Assert.Equal(["model"], changed.GetProperty("changed").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(2, _server.Requests.Count);
        Assert.Equal("gpt-before", ModelAsked(0));
        Assert.Equal("gpt-after", ModelAsked(1));
        Assert.Equal("second", second.GetProperty("result").GetString());
    }

    [Fact]
    public async Task McpJsonGainsAServerBetweenTurns_TheNextTurnsToolListHasItsTools()
    {
        var ct = TestContext.Current.CancellationToken;
        var mcpJson = Path.Combine(Repo, ".mcp.json");
        await File.WriteAllTextAsync(mcpJson, """{"mcpServers": {}}""", ct);
        _server.Enqueue(ScriptedTurn.Reply("first"), ScriptedTurn.Reply("second"));
        using var process = StartForge(["--trust-workspace"]);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(90));
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        async Task<JsonElement> WaitFor(string type, string? subtype = null)
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                var json = JsonDocument.Parse(line).RootElement;
                if (json.GetProperty("type").GetString() == type && (subtype is null || json.GetProperty("subtype").GetString() == subtype))
                {
                    return json;
                }
            }
            Assert.Fail($"forge ended before a {type} {subtype} line: {await stderr}");
            return default;
        }
        List<string> ToolsOffered(int request) =>
            [.. JsonDocument.Parse(_server.Requests[request].Body).RootElement.GetProperty("tools").EnumerateArray()
                .Select(t => (t.TryGetProperty("function", out var f) ? f : t).GetProperty("name").GetString()!)];

        await process.StandardInput.WriteLineAsync(User("one").AsMemory(), timeout.Token);
        await WaitFor("result");
        await EditorSave.ReplaceAsync(mcpJson, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["mcpServers"] = new Dictionary<string, object> { ["everything"] = new Dictionary<string, object> { ["command"] = "node", ["args"] = new[] { McpTestServers.Everything, "stdio" } } },
        }), ct);
        var changed = await WaitFor("system", "settings_changed");
        await process.StandardInput.WriteLineAsync(User("two").AsMemory(), timeout.Token);
        await WaitFor("result");
        process.StandardInput.Close();
        await process.StandardOutput.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);

        Assert.True(process.ExitCode == 0, await stderr);
        Assert.Equal(["mcp"], changed.GetProperty("changed").EnumerateArray().Select(e => e.GetString()));
        Assert.DoesNotContain("mcp__everything__echo", ToolsOffered(0));
        Assert.Contains("mcp__everything__echo", ToolsOffered(1));
    }

    private static string User(string text) => JsonSerializer.Serialize(new { type = "user", message = new { role = "user", content = text }, parent_tool_use_id = (string?)null, session_id = "" });

    [Fact]
    public async Task MalformedLines_GetAnErrorEventNamingTheLine_AndTheNextMessageStillRuns()
    {
        _server.Enqueue(ScriptedTurn.Reply("still fine"));

        var run = await RunAsync(["{not json", "[1,2]", """{"type":"user","message":{}}""", """{"type":"telepathy"}""", User("hello")]);

        Assert.True(run.ExitCode == 0, run.StdErr);
        var errors = run.OfType("system").Where(l => l.GetProperty("subtype").GetString() == "error").ToList();
        Assert.Equal([1, 2, 3, 4], errors.Select(e => e.GetProperty("line").GetInt32()));
        Assert.Contains("not JSON", errors[0].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("unknown type 'telepathy'", errors[3].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("stdin line 1", run.StdErr, StringComparison.Ordinal);
        Assert.Equal("still fine", Assert.Single(run.OfType("result")).GetProperty("result").GetString());
    }

    [Fact]
    public async Task UnknownControlSubtype_GetsAnErrorResponseWithItsRequestId()
    {
        var run = await RunAsync(["""{"type":"control_request","request_id":"req_7","request":{"subtype":"teleport"}}"""]);

        Assert.True(run.ExitCode == 0, run.StdErr);
        var response = Assert.Single(run.OfType("control_response")).GetProperty("response");
        Assert.Equal("error", response.GetProperty("subtype").GetString());
        Assert.Equal("req_7", response.GetProperty("request_id").GetString());
        Assert.Contains("teleport", response.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ControlResponseForAnUnknownRequestId_IsIgnoredWithADebugNote()
    {
        _server.Enqueue(ScriptedTurn.Reply("answered"));

        var run = await RunAsync(["""{"type":"control_response","response":{"subtype":"success","request_id":"nobody-asked","response":{}}}""", User("hi")], "--debug");

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Contains("control_response for unknown request id 'nobody-asked' ignored", run.StdErr, StringComparison.Ordinal);
        Assert.Empty(run.OfType("control_response"));
        Assert.Equal("answered", Assert.Single(run.OfType("result")).GetProperty("result").GetString());
    }

    [Fact]
    public async Task Initialize_AnswersWithCommandsAgentsAndModels_AndSetPermissionModeChangesTheNextInit()
    {
        _server.Enqueue(ScriptedTurn.Reply("ok"));

        var run = await RunAsync([
            """{"type":"control_request","request_id":"req_1","request":{"subtype":"initialize","hooks":{"PreToolUse":[{"matcher":"Bash","hookCallbackIds":["hook_0"]}]}}}""",
            """{"type":"control_request","request_id":"req_2","request":{"subtype":"set_permission_mode","mode":"plan"}}""",
            """{"type":"control_request","request_id":"req_3","request":{"subtype":"set_permission_mode","mode":"sideways"}}""",
            """{"type":"control_request","request_id":"req_4","request":{"subtype":"mcp_status"}}""",
            User("hi")]);

        Assert.True(run.ExitCode == 0, run.StdErr);
        var responses = run.OfType("control_response").Select(r => r.GetProperty("response")).ToDictionary(r => r.GetProperty("request_id").GetString()!);
        var init = responses["req_1"].GetProperty("response");
        Assert.True(init.GetProperty("hooks_applied").GetBoolean());
        Assert.Contains("general-purpose", init.GetProperty("agents").EnumerateArray().Select(a => a.GetProperty("name").GetString()));
        Assert.Equal(JsonValueKind.Array, init.GetProperty("commands").ValueKind);
        Assert.Equal(JsonValueKind.Array, init.GetProperty("models").ValueKind);
        Assert.Equal("plan", responses["req_2"].GetProperty("response").GetProperty("mode").GetString());
        Assert.Equal("error", responses["req_3"].GetProperty("subtype").GetString());
        Assert.Equal(JsonValueKind.Array, responses["req_4"].GetProperty("response").GetProperty("mcpServers").ValueKind);
        Assert.Equal("plan", run.OfType("system").Single(l => l.GetProperty("subtype").GetString() == "init").GetProperty("permissionMode").GetString());
    }

    [Fact]
    public async Task StdinClosedWhileAPermissionQuestionIsOpen_DeniesTheCallAndFinishesTheTurn()
    {
        var file = Path.Combine(Repo, "never.txt");
        _server.Enqueue(ScriptedTurn.CallTool("Write", JsonSerializer.Serialize(new { file_path = file, content = "x" }), "call_1"), ScriptedTurn.Reply("gave up"));

        // stdin closes right after the message: the can_use_tool question can never be answered.
        var run = await RunAsync([User("write it")], "--permission-prompt-tool", "stdio");

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.False(File.Exists(file));
        var result = Assert.Single(run.OfType("result"));
        Assert.Equal("gave up", result.GetProperty("result").GetString());
        Assert.Equal("Write", Assert.Single(result.GetProperty("permission_denials").EnumerateArray()).GetProperty("tool_name").GetString());
        Assert.Contains("stdin closed", _server.Requests[1].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IncludePartialMessages_StreamsTextDeltasBeforeTheAssistantMessage()
    {
        _server.Enqueue(new ScriptedTurn { Text = "streamed in pieces", ChunkSize = 4 });

        var run = await RunAsync([User("go")], "--include-partial-messages");

        Assert.True(run.ExitCode == 0, run.StdErr);
        var events = run.OfType("stream_event").Select(e => e.GetProperty("event")).ToList();
        Assert.Equal("message_start", events[0].GetProperty("type").GetString());
        Assert.Equal("message_stop", events[^1].GetProperty("type").GetString());
        var text = string.Concat(events.Where(e => e.GetProperty("type").GetString() == "content_block_delta").Select(e => e.GetProperty("delta").GetProperty("text").GetString()));
        Assert.Equal("streamed in pieces", text);
        var types = run.Lines.Select(l => l.GetProperty("type").GetString()).ToList();
        Assert.True(types.LastIndexOf("stream_event") < types.IndexOf("assistant"));
    }

    [Fact]
    public async Task McpConfig_WithStrict_StartsTheGivenServerAndReportsItsTools()
    {
        var config = JsonSerializer.Serialize(new { mcpServers = new { everything = new { command = "node", args = new[] { McpTestServers.Everything } } } });

        var run = await RunAsync(["""{"type":"control_request","request_id":"req_1","request":{"subtype":"mcp_status"}}"""], "--mcp-config", config, "--strict-mcp-config");

        Assert.True(run.ExitCode == 0, run.StdErr);
        var server = Assert.Single(Assert.Single(run.OfType("control_response")).GetProperty("response").GetProperty("response").GetProperty("mcpServers").EnumerateArray());
        Assert.Equal("everything", server.GetProperty("name").GetString());
        Assert.Equal("connected", server.GetProperty("status").GetString());
        Assert.Contains("echo", server.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task Settings_AsAJsonString_AreLayeredUnderTheFlags()
    {
        _server.Enqueue(ScriptedTurn.Reply("ok"));

        var run = await RunAsync([User("hi")], "--settings", """{"permissions":{"defaultMode":"acceptEdits"}}""");

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Equal("acceptEdits", run.OfType("system").Single(l => l.GetProperty("subtype").GetString() == "init").GetProperty("permissionMode").GetString());
    }

    [Fact]
    public async Task SetModel_BetweenTurns_SendsTheNextTurnToTheNewModel()
    {
        _server.Enqueue(ScriptedTurn.Reply("from the first model"), ScriptedTurn.Reply("from the second model"));

        var run = await RunAsync([
            User("one"),
            """{"type":"control_request","request_id":"req_1","request":{"subtype":"set_model","model":"gpt-4o-mini"}}""",
            User("two")]);

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Equal("success", Assert.Single(run.OfType("control_response")).GetProperty("response").GetProperty("subtype").GetString());
        Assert.Equal(["gpt-4o", "gpt-4o-mini"], _server.Requests.Select(r => r.Model));
        Assert.Equal(2, run.OfType("result").Count());
    }

    [Fact]
    public async Task ReplayUserMessages_EchoesEachMessageReadWithIsReplay()
    {
        _server.Enqueue(ScriptedTurn.Reply("ok"));

        var run = await RunAsync([User("echo me")], "--replay-user-messages");

        Assert.True(run.ExitCode == 0, run.StdErr);
        var replay = Assert.Single(run.OfType("user"));
        Assert.True(replay.GetProperty("isReplay").GetBoolean());
        Assert.Equal("echo me", replay.GetProperty("message").GetProperty("content").GetString());
    }

    [Fact]
    public async Task StdinClosedWhileTheModelAnswers_FinishesTheTurnAndTheTranscriptKeepsIt()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Enqueue(new ScriptedTurn { Text = "the whole answer", HoldUntil = release.Task });
        _afterStdinClosed = async () =>
        {
            // stdin is closed and the model call is in flight: now let the answer come.
            await _server.WaitForRequestsAsync(1, TestContext.Current.CancellationToken);
            release.SetResult();
        };

        var run = await RunAsync([User("answer slowly")]);

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Equal("the whole answer", Assert.Single(run.OfType("result")).GetProperty("result").GetString());
        var sessionId = run.OfType("result").Single().GetProperty("session_id").GetString();
        var transcript = await File.ReadAllTextAsync(Assert.Single(Directory.GetFiles(Path.Combine(Home, ".forge", "projects"), $"{sessionId}.jsonl", SearchOption.AllDirectories)),
            TestContext.Current.CancellationToken);
        Assert.Contains("answer slowly", transcript, StringComparison.Ordinal);
        Assert.Contains("the whole answer", transcript, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FallbackModel_WhenTheMainModelIsNotFound_ReportsAModelFallbackEventAndAnswers()
    {
        _server.Enqueue(ScriptedTurn.ModelNotFound(), ScriptedTurn.Reply("from the fallback"));

        var run = await RunAsync([User("hi")], "--fallback-model", "gpt-4o-mini");

        Assert.True(run.ExitCode == 0, run.StdErr);
        var fallback = run.OfType("system").Single(l => l.GetProperty("subtype").GetString() == "model_fallback");
        Assert.Equal(("model_not_found", "gpt-4o", "gpt-4o-mini"),
            (fallback.GetProperty("trigger").GetString(), fallback.GetProperty("original_model").GetString(), fallback.GetProperty("fallback_model").GetString()));
        Assert.Equal("from the fallback", Assert.Single(run.OfType("result")).GetProperty("result").GetString());
        Assert.Equal(["gpt-4o", "gpt-4o-mini"], _server.Requests.Select(r => r.Model));
    }

    [Fact]
    public async Task Init_ReportsTheOutputStyleOfTheSettings_AndTheBuiltInStyles()
    {
        Directory.CreateDirectory(Path.Combine(Home, ".forge"));
        await File.WriteAllTextAsync(Path.Combine(Home, ".forge", "settings.json"), """{"outputStyle": "concise"}""", TestContext.Current.CancellationToken);
        _server.Enqueue(ScriptedTurn.Reply("ok"));

        var run = await RunAsync([
            """{"type":"control_request","request_id":"req_1","request":{"subtype":"initialize"}}""",
            User("hi")]);

        Assert.True(run.ExitCode == 0, run.StdErr);
        var init = Assert.Single(run.OfType("control_response")).GetProperty("response").GetProperty("response");
        Assert.Equal("concise", init.GetProperty("output_style").GetString());
        Assert.Equal(["default", "concise", "explanatory"], init.GetProperty("available_output_styles").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("concise", run.OfType("system").Single(l => l.GetProperty("subtype").GetString() == "init").GetProperty("output_style").GetString());
    }

    [Fact]
    public async Task Initialize_AgentsFromTheSdk_AreListedAndOfferedToTheTaskTool()
    {
        _server.Enqueue(ScriptedTurn.Reply("ok"));

        var run = await RunAsync([
            """{"type":"control_request","request_id":"req_1","request":{"subtype":"initialize","agents":{"sdk-reviewer":{"description":"Reviews what the SDK asks","prompt":"Review.","tools":["Read"]}}}}""",
            User("hi")]);

        Assert.True(run.ExitCode == 0, run.StdErr);
        var init = Assert.Single(run.OfType("control_response")).GetProperty("response").GetProperty("response");
        Assert.Contains("sdk-reviewer", init.GetProperty("agents").EnumerateArray().Select(a => a.GetProperty("name").GetString()));
        Assert.Contains("sdk-reviewer", run.OfType("system").Single(l => l.GetProperty("subtype").GetString() == "init").GetProperty("agents").EnumerateArray().Select(a => a.GetString()));
        Assert.Contains("Reviews what the SDK asks", Assert.Single(_server.Requests).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Initialize_AgentsThatAreMalformed_AreReportedAndTheSessionGoesOn()
    {
        _server.Enqueue(ScriptedTurn.Reply("ok"));

        var run = await RunAsync([
            """{"type":"control_request","request_id":"req_1","request":{"subtype":"initialize","agents":{"broken":{"prompt":"no description"}}}}""",
            User("hi")]);

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Contains("initialize agents: agent 'broken' needs a non-empty \"description\"", run.StdErr, StringComparison.Ordinal);
        Assert.Equal("success", Assert.Single(run.OfType("control_response")).GetProperty("response").GetProperty("subtype").GetString());
        Assert.Equal("ok", Assert.Single(run.OfType("result")).GetProperty("result").GetString());
    }

    [Fact]
    public async Task Agent_ThatNeitherInitializeNorAFileDefines_EndsTheSessionWithTheReasonBeforeAnyCall()
    {
        var run = await RunAsync([
            """{"type":"control_request","request_id":"req_1","request":{"subtype":"initialize","agents":{"helper":{"description":"Helps","prompt":"Help."}}}}""",
            User("hi")], "--agent", "ghost");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--agent ghost: no agent of that name", run.StdErr, StringComparison.Ordinal);
        Assert.Contains("helper", run.StdErr, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }
}
