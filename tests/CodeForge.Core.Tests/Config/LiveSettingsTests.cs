using System.Collections.Concurrent;
using CodeForge.Core.Config;

namespace CodeForge.Core.Tests.Config;

public sealed class LiveSettingsTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("forge-live-");

    private string Project => Path.Combine(_root.FullName, "project");

    private string SettingsPath => Path.Combine(Project, ".forge", "settings.json");

    private SettingsLocations Locations => new(Path.Combine(_root.FullName, "home"), Project, Path.Combine(_root.FullName, "managed.json"));

    public void Dispose() => _root.Delete(recursive: true);

    private void Write(string json)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(SettingsPath)!);
        File.WriteAllText(SettingsPath, json);
    }

    /// <summary>An applier that reports a change of model, and the changes it was announced, in order.</summary>
    private static (SettingsApplier Applier, ConcurrentQueue<string> Applied) ModelApplier()
    {
        var applied = new ConcurrentQueue<string>();
        return ((before, next, change) =>
        {
            if (before.Settings.Model != next.Settings.Model)
            {
                applied.Enqueue(next.Settings.Model ?? "");
                change.Changed("model");
            }
        }, applied);
    }

    [Fact]
    public async Task Reload_WhenTheFileChanged_AppliesAndAnnouncesTheVersionOnce()
    {
        Write("""{"model": "a"}""");
        using var store = new SettingsStore(Locations);
        var (applier, applied) = ModelApplier();
        await using var live = new LiveSettings(store, [applier]);
        var announced = new TaskCompletionSource<SettingsChange>(TaskCreationOptions.RunContinuationsAsynchronously);
        live.Changed += c => announced.TrySetResult(c);
        live.Start(TimeSpan.FromMinutes(10));

        Write("""{"model": "b"}""");
        var version = store.Reload().Version;

        var change = await announced.Task.WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
        Assert.Equal(version, change.Version);
        Assert.Equal(["model"], change.Changed);
        Assert.Equal(["b"], applied);
        Assert.Equal(version, live.Gate.Version);
        Assert.Equal("b", live.Applied.Settings.Model);
    }

    [Fact]
    public async Task Reload_WhenNothingChanged_AnnouncesNothing()
    {
        Write("""{"model": "a"}""");
        using var store = new SettingsStore(Locations);
        var (applier, applied) = ModelApplier();
        await using var live = new LiveSettings(store, [applier]);
        var announced = new ConcurrentQueue<SettingsChange>();
        var last = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        live.Changed += c =>
        {
            announced.Enqueue(c);
            if (live.Applied.Settings.Model == "c")
            {
                last.TrySetResult();
            }
        };
        live.Start(TimeSpan.FromMinutes(10));

        store.Reload();
        store.Reload();
        Write("""{"model": "c"}""");
        store.Reload();

        await last.Task.WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
        Assert.Equal(["model"], Assert.Single(announced).Changed);
        Assert.Equal(["c"], applied);
    }

    [Fact]
    public async Task Reload_WhenTheFileBreaks_AnnouncesTheProblemWithItsLineAndChangesNothing()
    {
        Write("""{"model": "a"}""");
        using var store = new SettingsStore(Locations);
        var (applier, applied) = ModelApplier();
        await using var live = new LiveSettings(store, [applier]);
        var announced = new TaskCompletionSource<SettingsChange>(TaskCreationOptions.RunContinuationsAsynchronously);
        live.Changed += c => announced.TrySetResult(c);
        live.Start(TimeSpan.FromMinutes(10));

        Write("{\n\"model\": }");
        store.Reload();

        var change = await announced.Task.WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
        Assert.Empty(change.Changed);
        Assert.Empty(applied);
        var error = Assert.Single(change.Problems, p => p.IsError);
        Assert.Equal((SettingsPath, 2), (error.Source.Path, error.Line));
        Assert.Equal("a", live.Applied.Settings.Model);
    }

    [Fact]
    public async Task Reload_WhenAnApplierThrows_ReportsItAndAppliesTheOthers()
    {
        Write("""{"model": "a"}""");
        using var store = new SettingsStore(Locations);
        var (applier, applied) = ModelApplier();
        await using var live = new LiveSettings(store, [(_, _, _) => throw new InvalidOperationException("boom"), applier]);
        var failed = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        var announced = new TaskCompletionSource<SettingsChange>(TaskCreationOptions.RunContinuationsAsynchronously);
        live.ApplyFailed += ex => failed.TrySetResult(ex);
        live.Changed += c => announced.TrySetResult(c);
        live.Start(TimeSpan.FromMinutes(10));

        Write("""{"model": "b"}""");
        store.Reload();

        Assert.Equal("boom", (await failed.Task.WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken)).Message);
        await announced.Task.WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
        Assert.Equal(["b"], applied);
    }

    /// <summary>The permission applier of the product (rules replaced from the settings) over <paramref name="checker"/>.</summary>
    private SettingsApplier PermissionApplier(CodeForge.Core.Permissions.PermissionChecker checker) => (before, next, change) =>
    {
        if (PermissionSettings.Differ(before.Settings, next.Settings))
        {
            PermissionSettings.Apply(checker, next.Settings, Project, applyMode: false);
            change.Changed("permissions");
        }
    };

    [Fact]
    public async Task Reload_WhileTheSlowApplierWaitsForAServerThatNeverAnswers_APermissionRuleChangeDecidesTheNextCall()
    {
        var ct = TestContext.Current.CancellationToken;
        Write("""{"model": "a"}""");
        using var store = new SettingsStore(Locations);
        var checker = new CodeForge.Core.Permissions.PermissionChecker(Project, Path.Combine(_root.FullName, "home"));
        var slowEntered = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var neverAnswers = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var slowCalls = 0;
        await using var live = new LiveSettings(store, [PermissionApplier(checker)], async (next, token) =>
        {
            Interlocked.Increment(ref slowCalls);
            slowEntered.TrySetResult(next.Version);
            await neverAnswers.Task.WaitAsync(token);
            return null;
        });
        var permissionsChanged = new TaskCompletionSource<SettingsChange>(TaskCreationOptions.RunContinuationsAsynchronously);
        live.Changed += c =>
        {
            if (c.Changed.Contains("permissions"))
            {
                permissionsChanged.TrySetResult(c);
            }
        };
        live.StartApplying();

        // A new server set is being started (the slow applier hangs on it) ...
        Write("""{"model": "b"}""");
        var first = store.Reload().Version;
        Assert.Equal(first, await slowEntered.Task.WaitAsync(TimeSpan.FromMinutes(2), ct));
        // ... and a permission rule changes meanwhile.
        Write("""{"model": "b", "permissions": {"allow": ["Bash(echo hi)"]}}""");
        var second = store.Reload().Version;
        var change = await permissionsChanged.Task.WaitAsync(TimeSpan.FromMinutes(2), ct);

        using var lease = await live.Gate.EnterAsync(ct);
        Assert.Equal(second, change.Version);
        Assert.Equal(second, lease.Version);
        Assert.True(checker.Check("Bash", System.Text.Json.JsonDocument.Parse("""{"command":"echo hi"}""").RootElement).IsAllowed,
            "the next call was not decided by the new allow rule");
        Assert.False(neverAnswers.Task.IsCompleted);
        Assert.Equal(1, Volatile.Read(ref slowCalls));
        Assert.True(live.SlowAppliedVersion < first, $"the slow part reports version {live.SlowAppliedVersion} applied although its server never answered");
    }

    [Fact]
    public async Task Reload_WhenVersionsArriveWhileTheSlowApplierWorks_ItEndsOnTheNewestVersionInOrder()
    {
        var ct = TestContext.Current.CancellationToken;
        Write("""{"model": "a"}""");
        using var store = new SettingsStore(Locations);
        var (applier, _) = ModelApplier();
        var calls = new ConcurrentQueue<long>();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var slowDone = new TaskCompletionSource<SettingsChange>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var live = new LiveSettings(store, [applier], async (next, token) =>
        {
            calls.Enqueue(next.Version);
            entered.TrySetResult();
            await release.Task.WaitAsync(token);
            return new SettingsChange(next.Version, ["mcp"], []);
        });
        var modelApplied = new ConcurrentDictionary<string, TaskCompletionSource>();
        live.Changed += c =>
        {
            if (c.Changed.Contains("mcp") && c.Version == store.Current.Version)
            {
                slowDone.TrySetResult(c);
            }
            else if (c.Changed.Contains("model"))
            {
                modelApplied.GetOrAdd(live.Applied.Settings.Model!, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            }
        };
        live.StartApplying();

        Write("""{"model": "b"}""");
        var first = store.Reload().Version;
        await entered.Task.WaitAsync(TimeSpan.FromMinutes(2), ct);
        foreach (var model in new[] { "c", "d" })
        {
            Write($$"""{"model": "{{model}}"}""");
            store.Reload();
            await modelApplied.GetOrAdd(model, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task.WaitAsync(TimeSpan.FromMinutes(2), ct);
        }
        release.SetResult();
        var last = await slowDone.Task.WaitAsync(TimeSpan.FromMinutes(2), ct);

        Assert.Equal(store.Current.Version, last.Version);
        // One call per version at most, in order, from the first to the newest (versions queued meanwhile may be coalesced).
        var seen = calls.ToArray();
        Assert.Equal(first, seen[0]);
        Assert.Equal(store.Current.Version, seen[^1]);
        Assert.True(seen.Zip(seen.Skip(1)).All(p => p.First < p.Second), $"the slow part applied versions {string.Join(", ", seen)}");
        Assert.Equal(store.Current.Version, live.SlowAppliedVersion);
    }
}
