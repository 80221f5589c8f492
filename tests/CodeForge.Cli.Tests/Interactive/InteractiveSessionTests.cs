using CodeForge.Cli.Interactive;
using CodeForge.Core.Agent;
using CodeForge.Core.Tools;
using Microsoft.Extensions.AI;
using Spectre.Console.Testing;

namespace CodeForge.Cli.Tests.Interactive;

public sealed class InteractiveSessionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("forge-interactive-").FullName;
    private readonly TestConsole _console = new();
    private readonly ScriptedKeySource _keys = new();
    private readonly KeyRouter _router;
    private readonly Screen _screen;
    private readonly FakeEngine _engine;
    private readonly InteractiveSession _session;

    public InteractiveSessionTests()
    {
        _console.Width(100);
        _router = new KeyRouter(_keys);
        _screen = new Screen(_console, interactiveTerminal: false);
        _engine = new FakeEngine(_dir);
        _engine.Custom.Add(new CustomCommandInfo("deploy", "Deploy it", "<env>", "project"));
        _session = new InteractiveSession(_engine, _screen, _router, new InputHistory(null), "0.1.0");
    }

    public void Dispose()
    {
        _router.Dispose();
        _screen.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Output => _console.Output;

    [Fact]
    public async Task HandleAsync_OfAnUnknownCommand_SuggestsTheClosestOne()
    {
        await _session.HandleAsync("/compcat", Ct);

        Assert.Contains("Unknown command /compcat. Did you mean /compact?", Output, StringComparison.Ordinal);
        Assert.Empty(_engine.Prompts);
    }

    [Fact]
    public async Task HandleAsync_OfCost_ShowsTokensAndCost()
    {
        await _session.HandleAsync("/cost", Ct);

        Assert.Contains("$0.0123", Output, StringComparison.Ordinal);
        Assert.Contains("1,200", Output, StringComparison.Ordinal);
        Assert.Contains("340", Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATurnThatThinks_ShowsOneCollapsedLineBeforeTheAnswer_AndThinkingShowsItInFull()
    {
        var thought = new TextReasoningContent("The failing assertion compares the wrong field.");
        _engine.Turns.Enqueue([
            new ThinkingDelta("The failing assertion "),
            new ThinkingDelta("compares the wrong field."),
            new TextDelta("Fixed the assertion."),
            new AssistantMessage(new ChatMessage(ChatRole.Assistant, [thought, new TextContent("Fixed the assertion.")]), new UsageDetails { ReasoningTokenCount = 42 }),
            new TurnFinished(AgentStopReason.Completed, 1, new UsageDetails(), "Fixed the assertion."),
        ]);

        await _session.HandleAsync("fix it", Ct);

        var collapsed = Output.IndexOf("✻ Thinking…", StringComparison.Ordinal);
        Assert.True(collapsed >= 0, Output);
        Assert.True(collapsed < Output.IndexOf("Fixed the assertion.", StringComparison.Ordinal), Output);
        Assert.DoesNotContain("compares the wrong field", Output, StringComparison.Ordinal);
        Assert.Single(Output.Split('\n'), l => l.Contains("✻ Thinking…", StringComparison.Ordinal));

        await _session.HandleAsync("/thinking", Ct);

        Assert.Contains("The failing assertion compares the wrong field.", Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_OfCost_ShowsThinkingTokensWhenThereAreAny()
    {
        _engine.Usage = _engine.Usage with { ReasoningTokens = 250 };

        await _session.HandleAsync("/cost", Ct);

        Assert.Contains("340 (250 thinking)", Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_OfModel_SwitchesOrReportsABadName()
    {
        await _session.HandleAsync("/model opus", Ct);
        Assert.Equal("opus", _engine.Model);
        Assert.Contains("takes effect on the next turn", Output, StringComparison.Ordinal);

        await _session.HandleAsync("/model nope", Ct);
        Assert.Equal("opus", _engine.Model);
        Assert.Contains("Unknown model \"nope\"", Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_OfCompactAndClear_CallsTheEngine()
    {
        await _session.HandleAsync("/compact keep the plan", Ct);
        await _session.HandleAsync("/clear", Ct);

        Assert.Equal(1, _engine.Compactions);
        Assert.Contains("Compacted (keep the plan).", Output, StringComparison.Ordinal);
        Assert.Equal(1, _engine.NewConversations);
    }

    [Fact]
    public async Task HandleAsync_OfACustomCommand_RunsItsExpansionAsATurn()
    {
        await _session.HandleAsync("/deploy staging", Ct);

        Assert.Equal(["expanded deploy with staging"], _engine.Prompts);
    }

    [Fact]
    public async Task HandleAsync_OfHelp_ListsBuiltInAndCustomCommands()
    {
        await _session.HandleAsync("/help", Ct);

        foreach (var name in new[] { "/help", "/clear", "/compact", "/model", "/resume", "/cost", "/context", "/permissions", "/tools", "/skills", "/hooks", "/mcp", "/plugins", "/memory", "/init", "/config", "/doctor", "/todos", "/exit", "/deploy" })
        {
            Assert.Contains(name, Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task HandleAsync_OfDoctor_ShowsTheEnginesReport()
    {
        await _session.HandleAsync("/doctor", Ct);

        Assert.Contains("broken-plugin: plugin.json line 3: expected a string", Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_OfPermissionsAllow_AddsASessionRuleAndSavesIt()
    {
        await _session.HandleAsync("/permissions allow Bash(npm test:*)", Ct);

        Assert.Contains(_engine.Permissions.SessionRules, r => r.ToString() == "Bash(npm test:*)");
        Assert.Contains("Bash(npm test:*)", await File.ReadAllTextAsync(_engine.LocalSettingsPath, Ct), StringComparison.Ordinal);

        await _session.HandleAsync("/permissions allow Bash(unclosed", Ct);
        Assert.Contains("Bash(unclosed", Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunTurnAsync_RendersStreamedTextAndToolCalls()
    {
        var args = FakeEngine.Args("""{"file_path":"/x/a.cs","old_string":"a","new_string":"b"}""");
        _engine.Turns.Enqueue([
            new TextDelta("I'll **fix** it.\n"),
            new AssistantMessage(new ChatMessage(ChatRole.Assistant, "I'll **fix** it.\n"), null),
            new ToolCallStarted("c1", "Edit", args),
            new ToolCallFinished("c1", "Edit", args, ToolResult.Ok("--- a\n+++ b\n@@ -1 +1 @@\n-a\n+b\n"), ToolCallOutcome.Executed),
            new TextDelta("Done."),
            new TurnFinished(AgentStopReason.Completed, 2, new UsageDetails(), "Done."),
        ]);

        await _session.HandleAsync("fix it", Ct);

        Assert.Contains("I'll fix it.", Output, StringComparison.Ordinal);
        Assert.Contains("Edit(/x/a.cs)", Output, StringComparison.Ordinal);
        Assert.Contains("-a", Output, StringComparison.Ordinal);
        Assert.Contains("+b", Output, StringComparison.Ordinal);
        Assert.Contains("Done.", Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunTurnAsync_WhenEscIsPressed_CancelsTheTurnAndSaysSo()
    {
        _engine.HoldTurnOpen = true;
        var turn = _session.HandleAsync("long task", Ct);
        await _engine.TurnStarted.Task.WaitAsync(Ct);

        _keys.Press(ConsoleKey.Escape, '\x1b');
        await turn.WaitAsync(TimeSpan.FromMinutes(2), Ct);

        Assert.Contains("Interrupted", Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunTurnAsync_APromptTypedDuringTheTurn_IsQueuedAndRunAfterIt()
    {
        _engine.HoldTurnOpen = true;
        var run = _session.RunAsync(Ct);
        _keys.Type("first\n");
        await _engine.TurnStarted.Task.WaitAsync(Ct);
        _engine.HoldTurnOpen = false;
        _keys.Type("next one\n");
        _keys.Press(ConsoleKey.C, '\x03', control: true);
        _keys.Type("/exit\n");

        await run.WaitAsync(TimeSpan.FromMinutes(2), Ct);

        Assert.Equal(["first", "next one"], _engine.Prompts);
    }

    [Fact]
    public async Task RunAsync_WithCtrlCTwiceOnAnEmptyPrompt_Exits()
    {
        var run = _session.RunAsync(Ct);
        _keys.Press(ConsoleKey.C, '\x03', control: true);
        _keys.Press(ConsoleKey.C, '\x03', control: true);

        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromMinutes(2), Ct));
        Assert.Contains("Press Ctrl-C again to exit", Output, StringComparison.Ordinal);
        Assert.Contains("forge -r " + _engine.SessionId, Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_WithShiftTab_CyclesThePermissionMode()
    {
        var run = _session.RunAsync(Ct);
        _keys.Press(ConsoleKey.Tab, '\t', shift: true);
        _keys.Press(ConsoleKey.Tab, '\t', shift: true);
        _keys.Type("/exit\n");

        await run.WaitAsync(TimeSpan.FromMinutes(2), Ct);

        Assert.Equal(CodeForge.Core.Permissions.PermissionMode.Plan, _engine.Mode);
        Assert.Contains("accept edits", Output, StringComparison.Ordinal);
        Assert.Contains("plan mode", Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HandleAsync_OfABangCommand_ShowsItsOutputAndGivesItToTheModelWithTheNextPrompt()
    {
        await _session.HandleAsync("!echo hello-from-shell; exit 3", Ct);
        await _session.HandleAsync("what happened?", Ct);

        Assert.Contains("hello-from-shell", Output, StringComparison.Ordinal);
        Assert.Contains("exit code 3", Output, StringComparison.Ordinal);
        Assert.Contains("<bash-stdout>hello-from-shell", _engine.Prompts.Single(), StringComparison.Ordinal);
        Assert.EndsWith("what happened?", _engine.Prompts.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void WithAttachments_AttachesTheNamedFileAndLeavesOtherWordsAlone()
    {
        File.WriteAllText(Path.Combine(_dir, "notes.md"), "the notes");

        var prompt = _session.WithAttachments("summarise @notes.md and @missing.txt, cc @bob");

        Assert.StartsWith("summarise @notes.md and @missing.txt, cc @bob", prompt, StringComparison.Ordinal);
        Assert.Contains("the notes", prompt, StringComparison.Ordinal);
        Assert.Single(prompt.Split("<attached-file").Skip(1));
    }

    private StartingView EarlyView => new(_dir, "early-model", "early-provider", () => CodeForge.Core.Permissions.PermissionMode.Default,
        Path.Combine(_dir, "settings.local.json"), []);

    [Fact]
    public async Task RunAsync_WithInputTypedBeforeTheEngineIsBuilt_PaintsTheWelcomeFirst_AndHandlesTheInputOnceBuilt()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var built = new FakeEngine(_dir);
        built.Custom.Add(new CustomCommandInfo("deploy", "Deploy it", "<env>", "project"));
        await using var starting = new StartingEngine(EarlyView, new CodeForge.Cli.Composition.DiagnosticLog(), async ct =>
        {
            await gate.Task.WaitAsync(ct);
            return built;
        }, Ct);
        var session = new InteractiveSession(starting, _screen, _router, new InputHistory(null), "0.1.0");
        _keys.Type("/deploy prod\nhello\n/exit\n");

        // The welcome is painted before RunAsync first waits, from the early stages; nothing can run before the build.
        var run = session.RunAsync(Ct);
        Assert.Contains("early-provider · early-model", Output, StringComparison.Ordinal);
        Assert.Empty(built.Prompts);
        gate.SetResult();

        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromMinutes(2), Ct));
        Assert.Equal(["expanded deploy with prod", "hello"], built.Prompts);
        Assert.Contains("forge -r " + built.SessionId, Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_WhenTheEngineFailsToBuildAfterTheWelcome_ShowsWhyAndReturnsOne()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new CodeForge.Cli.Composition.DiagnosticLog();
        await using var starting = new StartingEngine(EarlyView, log, async ct =>
        {
            await gate.Task.WaitAsync(ct);
            log.Error("the session could not be created: disk full");
            return null;
        }, Ct);
        var session = new InteractiveSession(starting, _screen, _router, new InputHistory(null), "0.1.0");
        _keys.Type("hello\n");

        var run = session.RunAsync(Ct);
        Assert.DoesNotContain("disk full", Output, StringComparison.Ordinal);
        gate.SetResult();

        Assert.Equal(1, await run.WaitAsync(TimeSpan.FromMinutes(2), Ct));
        var welcome = Output.IndexOf("early-model", StringComparison.Ordinal);
        var problem = Output.IndexOf("the session could not be created: disk full", StringComparison.Ordinal);
        Assert.True(welcome >= 0 && problem > welcome, Output);
    }
}
