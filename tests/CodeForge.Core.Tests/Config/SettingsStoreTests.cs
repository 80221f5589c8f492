using CodeForge.Core.Config;
using Microsoft.Extensions.Time.Testing;

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
    public async Task StartWatching_WhenOneDirectoryCannotBeWatched_RecordsItAndWhyAndStillWatchesTheOthers()
    {
        var user = Path.Combine(Home, ".forge", "settings.json");
        var project = Path.Combine(Project, ".forge", "settings.json");
        Write(user, """{"model": "before"}""");
        Write(project, "{}");
        using var store = new SettingsStore(Locations);
        const string Limit = "The configured user limit (128) on the number of inotify instances has been reached.";
        var projectDirectory = Path.GetDirectoryName(project)!;
        store.BeforeWatchForTests = directory =>
        {
            if (directory == projectDirectory)
            {
                throw new IOException(Limit);
            }
        };
        var changed = new TaskCompletionSource<SettingsSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        store.Changed += s =>
        {
            if (s.Settings.Model == "after")
            {
                changed.TrySetResult(s);
            }
        };

        store.StartWatching(TimeSpan.Zero);

        Assert.Equal([projectDirectory], store.UnwatchedDirectories);
        Assert.Equal(Limit, store.UnwatchedReason);
        await SettingsWriter.UpdateAsync(user, root => { root["model"] = "after"; return true; },
            cancellationToken: TestContext.Current.CancellationToken);
        await changed.Task.WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
        Assert.Equal("after", store.Current.Settings.Model);
    }

    [Fact]
    public void StartWatching_WhenEveryWatchCanBeCreated_RecordsNoUnwatchedDirectory()
    {
        Write(Path.Combine(Project, ".forge", "settings.json"), "{}");
        using var store = new SettingsStore(Locations);

        store.StartWatching(TimeSpan.Zero);

        Assert.Empty(store.UnwatchedDirectories);
        Assert.Null(store.UnwatchedReason);
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

    [Fact]
    public void Reload_EachReloadPublishesTheNextVersionAndNotifiesItOnceInOrder()
    {
        using var store = new SettingsStore(Locations);
        var notified = new List<long>();
        store.Changed += s => notified.Add(s.Version);

        var versions = Enumerable.Range(0, 3).Select(_ => store.Reload().Version).ToList();

        Assert.Equal([2L, 3L, 4L], versions);
        Assert.Equal(versions, notified);
        Assert.Equal(4, store.Current.Version);
    }

    [Fact]
    public void Reload_WhenAChangedHandlerReloads_NotifiesBothVersionsInOrder()
    {
        var path = Path.Combine(Project, ".forge", "settings.json");
        Write(path, """{"model": "one"}""");
        using var store = new SettingsStore(Locations);
        var notified = new List<(long, string?)>();
        store.Changed += s =>
        {
            notified.Add((s.Version, s.Settings.Model));
            if (s.Version == 2)
            {
                Write(path, """{"model": "three"}""");
                store.Reload();
            }
        };

        Write(path, """{"model": "two"}""");
        store.Reload();

        Assert.Equal([(2L, "two"), (3L, "three")], notified);
        Assert.Equal((3L, "three"), (store.Current.Version, store.Current.Settings.Model));
    }

    [Fact]
    public void Reload_WhenAFileIsDeletedAndThenWrittenBroken_KeepsNoneOfItsOldContent()
    {
        var path = Path.Combine(Project, ".forge", "settings.json");
        Write(path, """{"model": "old"}""");
        using var store = new SettingsStore(Locations);
        File.Delete(path);
        store.Reload();

        Write(path, "{ broken");
        var snapshot = store.Reload();

        Assert.Null(snapshot.Settings.Model);
        Assert.Empty(snapshot.Files);
        var error = Assert.Single(snapshot.Diagnostics);
        Assert.True(error.IsError);
        Assert.Equal(path, error.Source.Path);
    }

    [Fact]
    public void Current_WhenAFileWasNeverGood_ReportsItWithoutALastGoodNote()
    {
        var path = Path.Combine(Project, ".forge", "settings.json");
        Write(path, "[]");

        using var store = new SettingsStore(Locations);

        var error = Assert.Single(store.Current.Diagnostics);
        Assert.Equal($"{path}: error: expected a JSON object at the top level, found an array; the file was ignored", error.ToString());
        Assert.Empty(store.Current.Files);
    }

    [Fact]
    public void Reload_WhenAFileBreaks_TheLastGoodNoteIsAWarningOnTheErrorsLine()
    {
        var path = Path.Combine(Project, ".forge", "settings.json");
        Write(path, """{"model": "good"}""");
        using var store = new SettingsStore(Locations);

        Write(path, "{\n\n  \"model\": ]\n}");
        var snapshot = store.Reload();

        Assert.Equal(2, snapshot.Diagnostics.Length);
        var note = snapshot.Diagnostics[1];
        Assert.Equal(
            $"{path}:3: warning: the last good settings of this file stay in effect until it is fixed",
            note.ToString());
        Assert.Equal(3, snapshot.Diagnostics[0].Line);
        Assert.Equal([snapshot.Diagnostics[0], note], LiveSettings.Problems(snapshot));
    }

    [Fact]
    public void Constructor_WithAFilter_MergesAndListsTheFilteredContent()
    {
        var path = Path.Combine(Project, ".forge", "settings.json");
        Write(path, """{"model": "project", "permissions": {"allow": ["Bash(ls)"]}}""");
        Write(Path.Combine(Home, ".forge", "settings.json"), """{"permissions": {"allow": ["Read"]}}""");

        using var store = new SettingsStore(Locations, null, null,
            content => content.Source.Scope == SettingsScope.Project
                ? content with { Fragment = content.Fragment with { Allow = [] } }
                : content);

        Assert.Equal("project", store.Current.Settings.Model);
        Assert.Equal(["Read"], store.Current.Settings.Allow.Select(r => r.Text));
        Assert.Empty(Assert.Single(store.Current.Files, f => f.Source.Path == path).Fragment.Allow);
    }

    [Fact]
    public void Reload_WithAFilter_FiltersTheLastGoodContentOfABrokenFileToo()
    {
        var path = Path.Combine(Project, ".forge", "settings.json");
        Write(path, """{"model": "project", "permissions": {"allow": ["Bash(ls)"]}}""");
        using var store = new SettingsStore(Locations, null, null,
            content => content with { Fragment = content.Fragment with { Allow = [] } });

        Write(path, "{ broken");
        var snapshot = store.Reload();

        Assert.Equal("project", snapshot.Settings.Model);
        Assert.Empty(snapshot.Settings.Allow);
    }

    [Fact]
    public void StartWatching_AfterDispose_Throws()
    {
        var store = new SettingsStore(Locations);
        store.Dispose();

        Assert.Throws<ObjectDisposedException>(() => store.StartWatching(TimeSpan.Zero));
    }

    [Fact]
    public void Constructor_WithoutLocations_ThrowsNamingThem()
    {
        Assert.Equal("locations", Assert.Throws<ArgumentNullException>(() => new SettingsStore(null!)).ParamName);
    }

    /// <summary>A fake clock whose timers report when they are armed (so a test knows the debounce has started).</summary>
    private sealed class ArmingTimeProvider : FakeTimeProvider
    {
        private readonly TaskCompletionSource _armed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Armed => _armed.Task;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            new Arming(base.CreateTimer(callback, state, dueTime, period), _armed);

        private sealed class Arming(ITimer inner, TaskCompletionSource armed) : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period)
            {
                var changed = inner.Change(dueTime, period);
                if (dueTime != Timeout.InfiniteTimeSpan)
                {
                    armed.TrySetResult();
                }
                return changed;
            }

            public void Dispose() => inner.Dispose();

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }

    [Fact]
    public async Task StartWatching_WithADebounce_ReloadsOnlyOnceTheFilesHaveBeenQuietForIt()
    {
        var path = Path.Combine(Project, ".forge", "settings.json");
        Write(path, """{"model": "before"}""");
        var time = new ArmingTimeProvider();
        using var store = new SettingsStore(Locations, null, time);
        store.StartWatching(TimeSpan.FromSeconds(5));
        store.StartWatching(TimeSpan.FromSeconds(5)); // a second call changes nothing

        await File.WriteAllTextAsync(path, """{"model": "after"}""", TestContext.Current.CancellationToken); // rewritten in place, as most editors do
        await time.Armed.WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);

        Assert.Equal((1L, "before"), (store.Current.Version, store.Current.Settings.Model));
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal("after", store.Current.Settings.Model);
        Assert.True(store.Current.Version > 1);
    }

    [Fact]
    public async Task StartWatching_WhenAnAlsoWatchedFileChanges_Reloads()
    {
        Directory.CreateDirectory(Project);
        var mcp = Path.Combine(Project, ".mcp.json");
        await File.WriteAllTextAsync(mcp, "{}", TestContext.Current.CancellationToken);
        using var store = new SettingsStore(Locations with { AlsoWatched = [mcp] });
        var reloaded = new TaskCompletionSource<SettingsSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        store.Changed += s => reloaded.TrySetResult(s);
        store.StartWatching(TimeSpan.Zero);

        await File.WriteAllTextAsync(mcp, """{"mcpServers": {}}""", TestContext.Current.CancellationToken);

        Assert.Equal(2, (await reloaded.Task.WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken)).Version);
    }

    [Fact]
    public async Task StartWatching_WhenASettingsFileIsDeleted_ReloadsWithoutIt()
    {
        var path = Path.Combine(Project, ".forge", "settings.json");
        Write(path, """{"model": "gone soon"}""");
        using var store = new SettingsStore(Locations);
        var reloaded = new TaskCompletionSource<SettingsSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        store.Changed += s =>
        {
            if (s.Settings.Model is null)
            {
                reloaded.TrySetResult(s);
            }
        };
        store.StartWatching(TimeSpan.Zero);

        File.Delete(path);

        Assert.Empty((await reloaded.Task.WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken)).Files);
    }
}
