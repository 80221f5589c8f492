using System.Collections.Concurrent;
using System.Text.Json;
using CodeForge.Core.Hooks;

namespace CodeForge.Core.Tests.Hooks;

public sealed class HookRunnerTests
{
    private static readonly HookSessionInfo Session = new("s-1", "/t/s-1.jsonl", "/repo", "acceptEdits");
    private static readonly JsonElement Input = JsonDocument.Parse("""{"file_path": "/repo/a.txt", "content": "x"}""").RootElement;

    private static HookDefinition Hook(HookEvent e, string command, string? matcher = null) =>
        new(e, HookMatcher.Parse(matcher), command, "test");

    private static (HookRunner Runner, HookRegistry Registry, ConcurrentQueue<HookReport> Reports) Create(
        IHookProcessRunner processes, params HookDefinition[] hooks)
    {
        var registry = new HookRegistry();
        registry.SetSource("test", hooks);
        var reports = new ConcurrentQueue<HookReport>();
        var runner = new HookRunner(registry, processes, new HookRunnerOptions
        {
            ProjectDirectory = "/repo",
            HomeDirectory = "/home/u",
            Report = reports.Enqueue,
            DefaultTimeout = TimeSpan.FromSeconds(7),
        });
        return (runner, registry, reports);
    }

    private static HookInvocation Tool(HookEvent e, string tool) => HookInvocation.ForTool(e, Session, tool, Input);

    [Fact]
    public async Task RunAsync_SendsTheDocumentedFieldsOnStdinWithTheProjectDirectoryAndDefaultTimeout()
    {
        var fake = new FakeHookProcessRunner(_ => FakeHookProcessRunner.Ok());
        var (runner, _, _) = Create(fake, Hook(HookEvent.PreToolUse, "check"));

        await runner.RunAsync(Tool(HookEvent.PreToolUse, "Write") with { ToolUseId = "call_1" }, TestContext.Current.CancellationToken);

        var request = Assert.Single(fake.Requests);
        Assert.Equal("/repo", request.WorkingDirectory);
        Assert.Equal("/repo", request.Environment["CLAUDE_PROJECT_DIR"]);
        Assert.Equal("/repo", request.Environment["FORGE_PROJECT_DIR"]);
        Assert.Equal(TimeSpan.FromSeconds(7), request.Timeout);
        var json = JsonDocument.Parse(request.Stdin).RootElement;
        Assert.Equal("s-1", json.GetProperty("session_id").GetString());
        Assert.Equal("/t/s-1.jsonl", json.GetProperty("transcript_path").GetString());
        Assert.Equal("/repo", json.GetProperty("cwd").GetString());
        Assert.Equal("acceptEdits", json.GetProperty("permission_mode").GetString());
        Assert.Equal("PreToolUse", json.GetProperty("hook_event_name").GetString());
        Assert.Equal("Write", json.GetProperty("tool_name").GetString());
        Assert.Equal("/repo/a.txt", json.GetProperty("tool_input").GetProperty("file_path").GetString());
        Assert.Equal("call_1", json.GetProperty("tool_use_id").GetString());
    }

    [Fact]
    public async Task RunAsync_RunsOnlyHooksWhoseMatcherMatchesTheToolName()
    {
        var fake = new FakeHookProcessRunner(_ => FakeHookProcessRunner.Ok());
        var (runner, _, _) = Create(fake,
            Hook(HookEvent.PreToolUse, "write-or-edit", "Write|Edit"),
            Hook(HookEvent.PreToolUse, "bash", "Bash"),
            Hook(HookEvent.PreToolUse, "regex", "W.*e"),
            Hook(HookEvent.PostToolUse, "post", "Write"));

        var r = await runner.RunAsync(Tool(HookEvent.PreToolUse, "Write"), TestContext.Current.CancellationToken);

        Assert.Equal(["write-or-edit", "regex"], r.Executions.Select(e => e.Definition.Command));
        Assert.Equal(2, fake.Requests.Count);
    }

    [Fact]
    public async Task RunAsync_WhenTheSameCommandIsConfiguredTwice_RunsItOnce()
    {
        var fake = new FakeHookProcessRunner(_ => FakeHookProcessRunner.Ok());
        var (runner, registry, _) = Create(fake, Hook(HookEvent.Stop, "same"), Hook(HookEvent.Stop, "same"));
        registry.SetSource("another-layer", [Hook(HookEvent.Stop, "same"), Hook(HookEvent.Stop, "different")]);

        var r = await runner.RunAsync(new HookInvocation(HookEvent.Stop, Session), TestContext.Current.CancellationToken);

        Assert.Equal(["same", "different"], r.Executions.Select(e => e.Definition.Command));
        Assert.Equal(["same", "different"], fake.Requests.Select(q => q.Command).Order(StringComparer.Ordinal).Reverse());
    }

    [Fact]
    public async Task RunAsync_RunsTheMatchingHooksOfOneEventInParallel()
    {
        var bothStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = 0;
        var fake = new FakeHookProcessRunner(async _ =>
        {
            if (Interlocked.Increment(ref started) == 2)
            {
                bothStarted.SetResult();
            }
            await bothStarted.Task; // neither finishes until both have started: deadlocks if sequential
            return FakeHookProcessRunner.Ok();
        });
        var (runner, _, _) = Create(fake, Hook(HookEvent.Stop, "a"), Hook(HookEvent.Stop, "b"));

        var r = await runner.RunAsync(new HookInvocation(HookEvent.Stop, Session), TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);

        Assert.Equal(2, r.Executions.Length);
    }

    [Fact]
    public async Task RunAsync_WhenAnIfRuleIsSet_RunsTheHookOnlyForCallsItMatches()
    {
        var fake = new FakeHookProcessRunner(_ => FakeHookProcessRunner.Ok());
        var (runner, _, _) = Create(fake,
            Assert.Single(HookConfigParser.ParseDocument("""{"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "rm-guard", "if": "Bash(rm *)"}]}]}}""", "t").Definitions));

        var safe = await runner.RunAsync(HookInvocation.ForTool(HookEvent.PreToolUse, Session, "Bash", JsonDocument.Parse("""{"command": "ls"}""").RootElement), TestContext.Current.CancellationToken);
        var risky = await runner.RunAsync(HookInvocation.ForTool(HookEvent.PreToolUse, Session, "Bash", JsonDocument.Parse("""{"command": "rm -rf build"}""").RootElement), TestContext.Current.CancellationToken);

        Assert.Empty(safe.Executions);
        Assert.Single(risky.Executions);
    }

    [Fact]
    public async Task RunAsync_WhenHooksDisagree_DenyBeatsAskBeatsAllow()
    {
        var outputs = new Dictionary<string, string>
        {
            ["allow"] = """{"hookSpecificOutput": {"permissionDecision": "allow", "permissionDecisionReason": "fine"}}""",
            ["ask"] = """{"hookSpecificOutput": {"permissionDecision": "ask", "permissionDecisionReason": "hmm"}}""",
            ["deny"] = """{"hookSpecificOutput": {"permissionDecision": "deny", "permissionDecisionReason": "no way"}}""",
        };
        var fake = new FakeHookProcessRunner(q => FakeHookProcessRunner.Ok(outputs[q.Command]));
        var (runner, registry, _) = Create(fake, Hook(HookEvent.PreToolUse, "allow"), Hook(HookEvent.PreToolUse, "ask"));

        var askWins = await runner.RunAsync(Tool(HookEvent.PreToolUse, "Write"), TestContext.Current.CancellationToken);
        registry.SetSource("more", [Hook(HookEvent.PreToolUse, "deny")]);
        var denyWins = await runner.RunAsync(Tool(HookEvent.PreToolUse, "Write"), TestContext.Current.CancellationToken);

        Assert.Equal(HookPermissionDecision.Ask, askWins.PermissionDecision);
        Assert.Equal("hmm", askWins.PermissionDecisionReason);
        Assert.False(askWins.Blocked);
        Assert.Equal(HookPermissionDecision.Deny, denyWins.PermissionDecision);
        Assert.True(denyWins.Blocked);
        Assert.Equal("no way", denyWins.BlockReason);
    }

    [Fact]
    public async Task RunAsync_WhenAHookExitsWith2_BlocksWithItsStderrEvenIfAnotherAllows()
    {
        var fake = new FakeHookProcessRunner(q => q.Command == "blocker"
            ? new HookProcessResult(2, """{"hookSpecificOutput": {"permissionDecision": "allow"}}""", "secrets are off limits\n")
            : FakeHookProcessRunner.Ok("""{"hookSpecificOutput": {"permissionDecision": "allow"}}"""));
        var (runner, _, reports) = Create(fake, Hook(HookEvent.PreToolUse, "blocker"), Hook(HookEvent.PreToolUse, "allower"));

        var r = await runner.RunAsync(Tool(HookEvent.PreToolUse, "Read"), TestContext.Current.CancellationToken);

        Assert.True(r.Blocked);
        Assert.Equal("secrets are off limits", r.BlockReason);
        Assert.Empty(reports); // a block is an answer, not a problem
    }

    [Theory]
    [InlineData(HookEvent.PermissionRequest)]
    [InlineData(HookEvent.Notification)]
    public async Task RunAsync_OnEventsWhereExit2IsNotHonoured_DoesNotBlock(HookEvent e)
    {
        var fake = new FakeHookProcessRunner(_ => new HookProcessResult(2, "", "no"));
        var (runner, _, _) = Create(fake, Hook(e, "h"));

        var r = await runner.RunAsync(new HookInvocation(e, Session) { MatchTarget = "Write" }, TestContext.Current.CancellationToken);

        Assert.False(r.Blocked);
    }

    [Fact]
    public async Task RunAsync_OnSessionStart_Exit2StderrIsShownToTheUserAndPlainStdoutBecomesContext()
    {
        var fake = new FakeHookProcessRunner(q => q.Command == "warn" ? new HookProcessResult(2, "", "disk almost full") : FakeHookProcessRunner.Ok("branch: main\n"));
        var (runner, _, _) = Create(fake, Hook(HookEvent.SessionStart, "warn"), Hook(HookEvent.SessionStart, "ctx", "startup"));

        var r = await runner.RunAsync(new HookInvocation(HookEvent.SessionStart, Session) { MatchTarget = "startup", Source = "startup" }, TestContext.Current.CancellationToken);

        Assert.False(r.Blocked);
        Assert.Equal(["disk almost full"], r.SystemMessages);
        Assert.Equal("branch: main", r.AdditionalContext);
    }

    [Fact]
    public async Task RunAsync_OnPostToolUse_PlainStdoutIsNotContext()
    {
        var fake = new FakeHookProcessRunner(_ => FakeHookProcessRunner.Ok("debug noise"));
        var (runner, _, _) = Create(fake, Hook(HookEvent.PostToolUse, "h"));

        var r = await runner.RunAsync(Tool(HookEvent.PostToolUse, "Write"), TestContext.Current.CancellationToken);

        Assert.Null(r.AdditionalContext);
    }

    [Fact]
    public async Task RunAsync_WhenAHookSaysContinueFalse_AsksToStopTheRunWithItsReason()
    {
        var fake = new FakeHookProcessRunner(_ => FakeHookProcessRunner.Ok("""{"continue": false, "stopReason": "budget exhausted", "systemMessage": "bye"}"""));
        var (runner, _, _) = Create(fake, Hook(HookEvent.PostToolUse, "h"));

        var r = await runner.RunAsync(Tool(HookEvent.PostToolUse, "Write"), TestContext.Current.CancellationToken);

        Assert.True(r.StopRun);
        Assert.Equal("budget exhausted", r.StopReason);
        Assert.Equal(["bye"], r.SystemMessages);
    }

    [Fact]
    public async Task RunAsync_WhenSeveralHooksRewriteTheInput_TheFirstInDefinitionOrderWins()
    {
        var fake = new FakeHookProcessRunner(q => FakeHookProcessRunner.Ok("{\"hookSpecificOutput\": {\"updatedInput\": {\"by\": \"" + q.Command + "\"}}}"));
        var (runner, _, _) = Create(fake, Hook(HookEvent.PreToolUse, "first"), Hook(HookEvent.PreToolUse, "second"));

        var r = await runner.RunAsync(Tool(HookEvent.PreToolUse, "Write"), TestContext.Current.CancellationToken);

        Assert.Equal("first", r.UpdatedInput!.Value.GetProperty("by").GetString());
    }

    [Fact]
    public async Task RunAsync_WhenHooksTimeOutCrashPrintGarbageOrCannotStart_ReportsEachAndStillCompletes()
    {
        var fake = new FakeHookProcessRunner(q => q.Command switch
        {
            "hang" => new HookProcessResult(137, "{\"decision\": \"block\"}", "", TimedOut: true),
            "crash" => new HookProcessResult(139, "", "Segmentation fault"),
            "garbage" => FakeHookProcessRunner.Ok("{\u0001\u0002 not json"),
            "huge" => new HookProcessResult(0, new string('x', 100), "", OutputTruncated: true),
            "missing" => throw new InvalidOperationException("bash: not found"),
            _ => FakeHookProcessRunner.Ok("""{"decision": "block", "reason": "real reason"}"""),
        });
        var (runner, _, reports) = Create(fake,
            Hook(HookEvent.PostToolUse, "hang"), Hook(HookEvent.PostToolUse, "crash"), Hook(HookEvent.PostToolUse, "garbage"),
            Hook(HookEvent.PostToolUse, "huge"), Hook(HookEvent.PostToolUse, "missing"), Hook(HookEvent.PostToolUse, "fine"));

        var r = await runner.RunAsync(Tool(HookEvent.PostToolUse, "Write"), TestContext.Current.CancellationToken);

        Assert.Equal(6, r.Executions.Length);
        Assert.True(r.Blocked);
        Assert.Equal("real reason", r.BlockReason); // the timed-out hook's output was discarded
        var byCommand = reports.ToDictionary(x => x.Command, x => x.Message);
        Assert.Equal(["crash", "garbage", "hang", "huge", "missing"], byCommand.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("timed out after 7 s", byCommand["hang"], StringComparison.Ordinal);
        Assert.Contains("exit code 139: Segmentation fault", byCommand["crash"], StringComparison.Ordinal);
        Assert.Contains("not valid JSON", byCommand["garbage"], StringComparison.Ordinal);
        Assert.Contains("longer than 10000 characters", byCommand["huge"], StringComparison.Ordinal);
        Assert.Contains("could not be started: bash: not found", byCommand["missing"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_WhenTheReporterThrows_TheEventStillCompletes()
    {
        var registry = new HookRegistry();
        registry.SetSource("t", [Hook(HookEvent.Stop, "crash")]);
        var runner = new HookRunner(registry, new FakeHookProcessRunner(_ => new HookProcessResult(1, "", "")),
            new HookRunnerOptions { ProjectDirectory = "/repo", Report = _ => throw new InvalidOperationException("reporter broke") });

        var r = await runner.RunAsync(new HookInvocation(HookEvent.Stop, Session), TestContext.Current.CancellationToken);

        Assert.Equal("failed with exit code 1", Assert.Single(r.Executions).Problem);
    }

    [Fact]
    public async Task RunAsync_SessionEndHooksWithoutATimeout_GetTheShortSessionEndBudget()
    {
        var fake = new FakeHookProcessRunner(_ => FakeHookProcessRunner.Ok());
        var (runner, _, _) = Create(fake, Hook(HookEvent.SessionEnd, "bye"), Hook(HookEvent.SessionEnd, "slow") with { Timeout = TimeSpan.FromSeconds(5) });

        await runner.RunAsync(new HookInvocation(HookEvent.SessionEnd, Session) { Reason = "other" }, TestContext.Current.CancellationToken);

        Assert.Equal(TimeSpan.FromSeconds(1.5), fake.Requests.Single(q => q.Command == "bye").Timeout);
        Assert.Equal(TimeSpan.FromSeconds(5), fake.Requests.Single(q => q.Command == "slow").Timeout);
    }

    [Fact]
    public async Task RunAsync_WithNoMatchingHook_RunsNothingAndReportsTheSnapshotVersion()
    {
        var fake = new FakeHookProcessRunner(_ => FakeHookProcessRunner.Ok());
        var (runner, _, _) = Create(fake, Hook(HookEvent.PreToolUse, "bash-only", "Bash"));

        var r = await runner.RunAsync(Tool(HookEvent.PreToolUse, "Write"), TestContext.Current.CancellationToken);

        Assert.Empty(r.Executions);
        Assert.Equal(1, r.SnapshotVersion);
        Assert.Empty(fake.Requests);
    }

    [Fact]
    public async Task RunAsync_WhenThePluginHookRuns_ExportsClaudePluginRoot()
    {
        var fake = new FakeHookProcessRunner(_ => FakeHookProcessRunner.Ok());
        var (runner, _, _) = Create(fake, Hook(HookEvent.Stop, "x") with { PluginRoot = "/plugins/p" });

        await runner.RunAsync(new HookInvocation(HookEvent.Stop, Session), TestContext.Current.CancellationToken);

        Assert.Equal("/plugins/p", Assert.Single(fake.Requests).Environment["CLAUDE_PLUGIN_ROOT"]);
    }

    [Fact]
    public async Task RunAsync_WhenThePluginHookHasADataFolder_CreatesItAndExportsClaudePluginData()
    {
        var data = Path.Combine(Path.GetTempPath(), $"forge-plugin-data-{Guid.NewGuid():N}");
        var fake = new FakeHookProcessRunner(_ => FakeHookProcessRunner.Ok());
        var (runner, _, _) = Create(fake, Hook(HookEvent.Stop, "x") with { PluginRoot = "/plugins/p", PluginData = data });
        try
        {
            await runner.RunAsync(new HookInvocation(HookEvent.Stop, Session), TestContext.Current.CancellationToken);

            Assert.Equal(data, Assert.Single(fake.Requests).Environment["CLAUDE_PLUGIN_DATA"]);
            Assert.True(Directory.Exists(data));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
    [Fact]
    public async Task RunAsync_WhenTheSourcesChangeWhileItsHooksRun_ReportsTheVersionItsHooksCameFrom()
    {
        HookRegistry? registry = null;
        var fake = new FakeHookProcessRunner(_ =>
        {
            registry!.SetSource("added-meanwhile", [Hook(HookEvent.Stop, "late")]);
            return FakeHookProcessRunner.Ok();
        });
        (var runner, registry, _) = Create(fake, Hook(HookEvent.Stop, "a"));

        var r = await runner.RunAsync(new HookInvocation(HookEvent.Stop, Session), TestContext.Current.CancellationToken);

        Assert.Equal(1, r.SnapshotVersion);
        Assert.Equal(2, registry.Snapshot.Version);
        Assert.Equal(["a"], r.Executions.Select(e => e.Definition.Command));
    }

    [Fact]
    public async Task RunAsync_WhenTheProcessRunnerBlocksBeforeReturning_StillStartsTheOtherHooks()
    {
        // A runner that blocks its caller until both hooks have been started: if RunAsync started the hooks one after
        // the other on its own thread, the first would never return and the second never start.
        using var bothStarted = new Barrier(2);
        var fake = new FakeHookProcessRunner(_ => bothStarted.SignalAndWait(TimeSpan.FromMinutes(2))
            ? FakeHookProcessRunner.Ok()
            : new HookProcessResult(1, "", "the other hook was never started"));
        var (runner, _, reports) = Create(fake, Hook(HookEvent.Stop, "a"), Hook(HookEvent.Stop, "b"));

        var r = await runner.RunAsync(new HookInvocation(HookEvent.Stop, Session), TestContext.Current.CancellationToken);

        Assert.Equal(2, r.Executions.Length);
        Assert.Empty(reports);
    }

    [Fact]
    public async Task RunAsync_WhenTheCallerCancels_ThrowsOperationCanceled()
    {
        using var cts = new CancellationTokenSource();
        var fake = new FakeHookProcessRunner(async _ =>
        {
            await cts.CancelAsync();
            throw new OperationCanceledException(cts.Token);
        });
        var (runner, _, reports) = Create(fake, Hook(HookEvent.Stop, "a"));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => runner.RunAsync(new HookInvocation(HookEvent.Stop, Session), cts.Token));

        Assert.Empty(reports);
    }

    [Fact]
    public async Task RunAsync_WhenAHookIsCanceledButNotByTheCaller_ReportsItAndCompletes()
    {
        Func<HookProcessRequest, HookProcessResult> givesUp = _ => throw new OperationCanceledException("the runner gave up");
        var fake = new FakeHookProcessRunner(givesUp);
        var (runner, _, reports) = Create(fake, Hook(HookEvent.Stop, "a"));

        var r = await runner.RunAsync(new HookInvocation(HookEvent.Stop, Session), TestContext.Current.CancellationToken);

        Assert.Equal("could not be started: the runner gave up", Assert.Single(r.Executions).Problem);
        Assert.Equal("a", Assert.Single(reports).Command);
    }

    [Fact]
    public async Task RunAsync_WhenAFailingHookPrintsALongError_ReportsItsFirst300Characters()
    {
        var stderr = new string('e', 300) + "TAIL";
        var fake = new FakeHookProcessRunner(q => new HookProcessResult(q.Command == "long" ? 1 : 3, "", q.Command == "long" ? stderr : new string('s', 300)));
        var (runner, _, reports) = Create(fake, Hook(HookEvent.Stop, "long"), Hook(HookEvent.Stop, "exact"));

        await runner.RunAsync(new HookInvocation(HookEvent.Stop, Session), TestContext.Current.CancellationToken);

        var byCommand = reports.ToDictionary(x => x.Command, x => x.Message);
        Assert.Equal($"failed with exit code 1: {new string('e', 300)}…", byCommand["long"]);
        Assert.Equal($"failed with exit code 3: {new string('s', 300)}", byCommand["exact"]);
    }

    [Fact]
    public async Task RunAsync_WhenAHookOutputIsCutAndNotValidJson_ReportsBothProblems()
    {
        var fake = new FakeHookProcessRunner(_ => new HookProcessResult(0, "{\"decision\": \"blo", "", OutputTruncated: true));
        var (runner, _, reports) = Create(fake, Hook(HookEvent.PostToolUse, "huge"));

        var r = await runner.RunAsync(Tool(HookEvent.PostToolUse, "Write"), TestContext.Current.CancellationToken);

        var message = Assert.Single(reports).Message;
        Assert.StartsWith("its output was longer than 10000 characters and was cut; its output starts with '{' but is not valid JSON", message, StringComparison.Ordinal);
        Assert.False(r.Blocked);
    }

    [Fact]
    public async Task RunAsync_WhenAHookExitsWith2_IsNotReportedAsAProblem()
    {
        var fake = new FakeHookProcessRunner(_ => new HookProcessResult(2, "", "no"));
        var (runner, _, reports) = Create(fake, Hook(HookEvent.Stop, "block"));

        var r = await runner.RunAsync(new HookInvocation(HookEvent.Stop, Session), TestContext.Current.CancellationToken);

        Assert.Null(Assert.Single(r.Executions).Problem);
        Assert.Empty(reports);
    }
}
