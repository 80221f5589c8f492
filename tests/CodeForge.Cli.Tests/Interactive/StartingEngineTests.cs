using CodeForge.Cli.Composition;
using CodeForge.Cli.Interactive;
using CodeForge.Core.Permissions;

namespace CodeForge.Cli.Tests.Interactive;

public sealed class StartingEngineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("forge-starting-").FullName;
    private readonly DiagnosticLog _log = new();
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private StartingView View => new(_dir, "early-model", "early-provider", () => PermissionMode.AcceptEdits, Path.Combine(_dir, "settings.local.json"), ["/extra"]);

    [Fact]
    public async Task StartupMessages_ReadAtTheWelcome_KeepTheEarlierDiagnostics_AndALaterStageFailureArrivesAsANotice()
    {
        _log.Warning("settings: unknown key");
        await using var engine = new StartingEngine(View, _log, async ct =>
        {
            await _gate.Task.WaitAsync(ct);
            _log.Error("session: cannot create the transcript");
            return null;
        }, Ct);
        var noticed = 0;
        engine.NoticesArrived += () => Interlocked.Increment(ref noticed);

        Assert.Equal(["settings: unknown key"], engine.StartupMessages);
        _gate.SetResult();

        Assert.False(await engine.ReadyAsync(Ct));
        Assert.Equal(["session: cannot create the transcript"], engine.TakeNotices());
        Assert.Equal(1, noticed);
        Assert.Equal(["settings: unknown key"], engine.StartupMessages);
        Assert.Null(engine.Completed);
    }

    [Fact]
    public async Task Members_BeforeTheBuildCompletes_AnswerFromTheEarlyStages_AndTheOthersThrow()
    {
        await using var engine = new StartingEngine(View, _log, async ct =>
        {
            await _gate.Task.WaitAsync(ct);
            return new FakeEngine(_dir);
        }, Ct);

        Assert.False(engine.IsReady);
        Assert.Equal(("early-model", "early-provider", PermissionMode.AcceptEdits, _dir), (engine.Model, engine.ProviderName, engine.Mode, engine.WorkingDirectory));
        Assert.Equal(0, engine.GetContext().WindowTokens);
        Assert.Null(engine.Protection);
        Assert.Null(engine.StatusLineCommand);
        Assert.Equal(["/extra"], engine.AdditionalDirectories);
        Assert.Empty(engine.CustomCommands);
        Assert.Throws<InvalidOperationException>(() => engine.SessionId);
        Assert.Throws<InvalidOperationException>(() => engine.SetMode(PermissionMode.Plan));
        _gate.SetResult();
    }

    [Fact]
    public async Task Members_AfterTheBuild_AreTheBuiltEngines_AndItsNoticesArePassedOn()
    {
        var built = new FakeEngine(_dir) { StatusLineCommand = "echo status" };
        built.Custom.Add(new CustomCommandInfo("deploy", "Deploy it", "<env>", "project"));
        await using var engine = new StartingEngine(View, _log, async ct =>
        {
            await _gate.Task.WaitAsync(ct);
            return built;
        }, Ct);
        var noticed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        engine.NoticesArrived += () => noticed.TrySetResult();
        _gate.SetResult();

        Assert.True(await engine.ReadyAsync(Ct));
        Assert.True(engine.IsReady);
        Assert.Same(built, engine.Completed);
        Assert.Equal(("test-model", "fake", built.SessionId, "echo status"), (engine.Model, engine.ProviderName, engine.SessionId, engine.StatusLineCommand));
        Assert.Equal(["deploy"], engine.CustomCommands.Select(c => c.Name));
        built.AddNotice("Settings changed: hooks");
        await noticed.Task.WaitAsync(Ct);
        Assert.Equal(["Settings changed: hooks"], engine.TakeNotices());
    }
}
