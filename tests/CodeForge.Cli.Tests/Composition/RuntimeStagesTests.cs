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

    private string? OpenAIEnvironment(string name) => name switch { "HOME" => Home, "OPENAI_API_KEY" => "sk-test", _ => null };

    [Fact]
    public void ComposeEarly_WithAUsableModel_BuildsSettingsProviderAndPermissionsOnly()
    {
        var log = new DiagnosticLog();

        var early = RuntimeStages.ComposeEarly(Options with { Provider = "openai", Model = "gpt-4o" }, log, OpenAIEnvironment, prompt: null);

        Assert.NotNull(early);
        using var store = early.Settings.Store;
        using var client = early.Provider.Client;
        Assert.Equal("gpt-4o", early.Provider.Provider.Model);
        Assert.Equal(Path.GetFullPath(Repo), early.Settings.WorkingDirectory);
        Assert.Empty(log.Reported);
    }

    [Fact]
    public async Task ComposeRestAsync_WhenTheSessionToResumeDoesNotExist_ReturnsNullAndReportsIt()
    {
        var log = new DiagnosticLog();
        var missing = Guid.NewGuid().ToString();
        var early = RuntimeStages.ComposeEarly(Options with { Provider = "openai", Model = "gpt-4o", Resume = missing }, log, OpenAIEnvironment, prompt: null);
        Assert.NotNull(early);

        var parts = await RuntimeStages.ComposeRestAsync(early, log, verboseOutput: null, TestContext.Current.CancellationToken);

        Assert.Null(parts);
        Assert.Contains(log.Reported, d => d.Severity == DiagnosticSeverity.Error && d.Message.Contains(missing, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ComposeRestAsync_ForANewRun_BuildsTheSessionAndTheToolsOverTheEarlyStages()
    {
        var log = new DiagnosticLog();
        var early = RuntimeStages.ComposeEarly(Options with { Provider = "openai", Model = "gpt-4o", NoSessionPersistence = true }, log, OpenAIEnvironment, prompt: null);
        Assert.NotNull(early);

        var parts = await RuntimeStages.ComposeRestAsync(early, log, verboseOutput: null, TestContext.Current.CancellationToken);

        Assert.NotNull(parts);
        try
        {
            Assert.Same(early.Settings, parts.Settings);
            Assert.Same(early.Permissions.Checker, parts.Permissions.Checker);
            Assert.False(string.IsNullOrEmpty(parts.Session.Current.Session.Id));
            Assert.Contains("Bash", parts.Tools.Registry.ListNames());
            Assert.DoesNotContain(log.Reported, d => d.Severity == DiagnosticSeverity.Error);
        }
        finally
        {
            await parts.Tools.Shells.DisposeAsync();
            await parts.Session.Current.Session.DisposeAsync();
            parts.Extensions.Extensions.Dispose();
            await parts.Extensions.Mcp.DisposeAsync();
            parts.Provider.Client.Dispose();
            parts.Settings.Store.Dispose();
        }
    }
}
