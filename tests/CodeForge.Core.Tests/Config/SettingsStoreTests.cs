using CodeForge.Core.Config;

namespace CodeForge.Core.Tests.Config;

public sealed class SettingsStoreTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("forge-settings-");

    private string Home => Path.Combine(_root.FullName, "home");

    private string Project => Path.Combine(_root.FullName, "project");

    private string Managed => Path.Combine(_root.FullName, "etc", "managed-settings.json");

    private SettingsLocations Locations => new(Home, Project, Managed);

    public void Dispose() => _root.Delete(recursive: true);

    private static void Write(string path, string json)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, json);
    }

    [Fact]
    public void Current_LayersUserProjectLocalCommandLineAndManagedInOrder()
    {
        Write(Path.Combine(Home, ".forge", "settings.json"), """{"model": "user", "permissions": {"allow": ["Bash(a)"]}}""");
        Write(Path.Combine(Project, ".claude", "settings.json"), """{"model": "claude-project", "permissions": {"allow": ["Bash(b)"]}}""");
        Write(Path.Combine(Project, ".forge", "settings.json"), """{"model": "forge-project"}""");
        Write(Path.Combine(Project, ".forge", "settings.local.json"), """{"permissions": {"deny": ["Bash(rm *)"], "defaultMode": "acceptEdits"}}""");
        Write(Managed, """{"permissions": {"deny": ["WebFetch"], "defaultMode": "plan"}}""");
        var commandLine = SettingsFragment.Empty with { Model = "flag" };

        using var store = new SettingsStore(Locations, commandLine);
        var s = store.Current.Settings;

        Assert.Equal("flag", s.Model);
        Assert.Equal(["Bash(a)", "Bash(b)"], s.Allow.Select(r => r.Text));
        Assert.Equal(["Bash(rm *)", "WebFetch"], s.Deny.Select(r => r.Text));
        Assert.Equal("plan", s.DefaultMode);
        Assert.Equal(1, store.Current.Version);
    }

    [Fact]
    public void Current_WhenOneFileIsBroken_ReportsItAndLoadsTheOthers()
    {
        Write(Path.Combine(Home, ".forge", "settings.json"), """{"model": "user"}""");
        Write(Path.Combine(Project, ".forge", "settings.json"), "{ not json");

        using var store = new SettingsStore(Locations);

        Assert.Equal("user", store.Current.Settings.Model);
        Assert.True(store.Current.HasErrors);
        Assert.Contains(Path.Combine(Project, ".forge", "settings.json"), store.Current.Diagnostics[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Current_WhenManagedDisablesBypass_RefusesBypassModeFromAnyLayer()
    {
        Write(Path.Combine(Project, ".forge", "settings.json"), """{"permissions": {"defaultMode": "bypassPermissions"}}""");
        Write(Managed, """{"permissions": {"disableBypassPermissionsMode": "disable"}}""");

        using var store = new SettingsStore(Locations);

        Assert.Equal("default", store.Current.Settings.DefaultMode);
        Assert.Contains(store.Current.Diagnostics, d => d.Key == "permissions.defaultMode");
    }

    [Fact]
    public void Reload_PicksUpChangedFilesAndIncrementsTheVersion()
    {
        var path = Path.Combine(Project, ".forge", "settings.json");
        Write(path, """{"model": "one"}""");
        using var store = new SettingsStore(Locations);
        SettingsSnapshot? notified = null;
        store.Changed += s => notified = s;

        Write(path, """{"model": "two"}""");
        var snapshot = store.Reload();

        Assert.Equal("two", snapshot.Settings.Model);
        Assert.Equal(2, snapshot.Version);
        Assert.Same(snapshot, store.Current);
        Assert.Same(snapshot, notified);
    }

    [Fact]
    public void Reload_WhenAHandlerThrows_ReportsItAndKeepsTheNewSnapshot()
    {
        using var store = new SettingsStore(Locations);
        Exception? reported = null;
        store.Changed += _ => throw new InvalidOperationException("boom");
        store.HandlerFailed += ex => reported = ex;

        var snapshot = store.Reload();

        Assert.Same(snapshot, store.Current);
        Assert.IsType<InvalidOperationException>(reported);
    }

    [Fact]
    public async Task StartWatching_WhenASettingsFileChanges_ReloadsByItself()
    {
        var path = Path.Combine(Project, ".forge", "settings.json");
        Write(path, """{"model": "before"}""");
        using var store = new SettingsStore(Locations);
        var changed = new TaskCompletionSource<SettingsSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        store.Changed += s =>
        {
            if (s.Settings.Model == "after")
            {
                changed.TrySetResult(s);
            }
        };
        store.StartWatching(TimeSpan.Zero);

        await SettingsWriter.UpdateAsync(path, root => { root["model"] = "after"; return true; },
            cancellationToken: TestContext.Current.CancellationToken);

        var snapshot = await changed.Task.WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
        Assert.Equal("after", store.Current.Settings.Model);
        Assert.True(snapshot.Version > 1);
    }

    [Fact]
    public void Reload_WhenAFileBreaks_KeepsItsLastGoodContentAndSaysWhere()
    {
        var path = Path.Combine(Project, ".forge", "settings.json");
        Write(path, """{"model": "good", "permissions": {"allow": ["Write"]}}""");
        using var store = new SettingsStore(Locations);

        Write(path, "{\n  \"model\": \"broken\",,\n}");
        var snapshot = store.Reload();

        Assert.Equal("good", snapshot.Settings.Model);
        Assert.Equal(["Write"], snapshot.Settings.Allow.Select(r => r.Text));
        var error = Assert.Single(snapshot.Diagnostics, d => d.IsError);
        Assert.Equal((path, 2), (error.Source.Path, error.Line));
        Assert.Contains(snapshot.Diagnostics, d => !d.IsError && d.Message.Contains("last good settings", StringComparison.Ordinal));
        Assert.Contains("\"good\"", Assert.Single(snapshot.Files).Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Reload_WhenABrokenFileIsFixed_TakesTheNewContentAndDropsTheProblem()
    {
        var path = Path.Combine(Project, ".forge", "settings.json");
        Write(path, """{"model": "one"}""");
        using var store = new SettingsStore(Locations);
        Write(path, "{ not json");
        store.Reload();

        Write(path, """{"model": "two"}""");
        var snapshot = store.Reload();

        Assert.Equal("two", snapshot.Settings.Model);
        Assert.Empty(snapshot.Diagnostics);
    }

    [Fact]
    public void Reload_WhenAFileIsDeleted_DropsItsSettings()
    {
        var path = Path.Combine(Project, ".forge", "settings.json");
        Write(path, """{"model": "one"}""");
        using var store = new SettingsStore(Locations);

        File.Delete(path);
        var snapshot = store.Reload();

        Assert.Null(snapshot.Settings.Model);
        Assert.Empty(snapshot.Files);
    }

    [Fact]
    public async Task StartWatching_WhenTheSettingsDirectoryIsCreatedLater_ReloadsFromIt()
    {
        Directory.CreateDirectory(Project);
        using var store = new SettingsStore(Locations);
        var changed = new TaskCompletionSource<SettingsSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        store.Changed += s =>
        {
            if (s.Settings.Model == "later")
            {
                changed.TrySetResult(s);
            }
        };
        store.StartWatching(TimeSpan.Zero);

        Write(Path.Combine(Project, ".forge", "settings.json"), """{"model": "later"}""");

        var snapshot = await changed.Task.WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
        Assert.Equal("later", snapshot.Settings.Model);
    }
}
