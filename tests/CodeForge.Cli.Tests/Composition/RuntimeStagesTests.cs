using CodeForge.Cli.Composition;

namespace CodeForge.Cli.Tests.Composition;

/// <summary>The stages of the composition root, each built on its own over a real folder and a real HOME.</summary>
public sealed class RuntimeStagesTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("forge-stages-");

    public RuntimeStagesTests()
    {
        Directory.CreateDirectory(Home);
        Directory.CreateDirectory(Path.Combine(Repo, ".git"));
        Directory.CreateDirectory(Path.Combine(Repo, ".forge"));
    }

    public void Dispose() => _root.Delete(recursive: true);

    private string Home => Path.Combine(_root.FullName, "home");

    private string Repo => Path.Combine(_root.FullName, "repo");

    private ForgeOptions Options => new() { WorkingDirectory = Repo, TrustWorkspace = true };

    private string? Environment(string name) => name == "HOME" ? Home : null;

    [Fact]
    public void Settings_WithABrokenProjectFile_ReportsItWithFileAndLineAndKeepsTheOtherLayers()
    {
        var project = Path.Combine(Repo, ".forge", "settings.json");
        File.WriteAllText(project, "{\n  \"permissions\": {\"defaultMode\": \"sometimes\"}\n}");
        var log = new DiagnosticLog();

        var stage = RuntimeStages.Settings(Options with { Model = "gpt-4o" }, Environment, log);
        using var store = stage.Store;

        var problem = Assert.Single(log.Reported);
        Assert.Equal((DiagnosticSeverity.Error, project, 2), (problem.Severity, problem.File, problem.Line));
        Assert.Equal("gpt-4o", stage.Settings.Model);
        Assert.True(stage.Trust.IsTrusted);
        Assert.Equal(Path.GetFullPath(Repo), stage.WorkingDirectory);
    }

    [Fact]
    public void Provider_WithNoModelConfigured_ReturnsNullWithOneErrorThatSaysWhatToSet()
    {
        var log = new DiagnosticLog();
        var settings = RuntimeStages.Settings(Options, Environment, log);
        using var store = settings.Store;

        var provider = RuntimeStages.Provider(settings, log);

        Assert.Null(provider);
        var error = Assert.Single(log.Reported);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Contains("ANTHROPIC_API_KEY", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SessionAsync_ResumingASessionThatDoesNotExist_ReturnsNullAndReportsIt()
    {
        var log = new DiagnosticLog();
        var missing = Guid.NewGuid().ToString();
        var settings = RuntimeStages.Settings(Options with { Resume = missing }, Environment, log);
        using var store = settings.Store;

        var session = await RuntimeStages.SessionAsync(settings, log, TestContext.Current.CancellationToken);

        Assert.Null(session);
        Assert.Contains(missing, Assert.Single(log.Reported).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SessionAsync_ForANewRun_OpensASessionThatTheCurrentSlotNames()
    {
        var log = new DiagnosticLog();
        var settings = RuntimeStages.Settings(Options with { NoSessionPersistence = true }, Environment, log);
        using var store = settings.Store;

        var stage = await RuntimeStages.SessionAsync(settings, log, TestContext.Current.CancellationToken);

        Assert.NotNull(stage);
        await using var session = stage.Current.Session;
        Assert.False(string.IsNullOrEmpty(session.Id));
        Assert.Empty(log.Reported);
    }
}
