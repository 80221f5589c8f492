using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
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
    public async Task Start_WhenSettingsDirectoriesCannotBeWatched_ReportsEachOfThemAndWhy()
    {
        Write("""{"model": "a"}""");
        var user = Path.Combine(_root.FullName, "home", ".forge");
        Directory.CreateDirectory(user);
        using var store = new SettingsStore(Locations);
        const string Limit = "The configured user limit (128) on the number of inotify instances has been reached.";
        var refused = new[] { user, Path.GetDirectoryName(SettingsPath)! };
        store.BeforeWatchForTests = directory =>
        {
            if (refused.Contains(directory))
            {
                throw new IOException(Limit);
            }
        };
        var (applier, _) = ModelApplier();
        await using var live = new LiveSettings(store, [applier]);
        var failures = new List<Exception>();
        live.ApplyFailed += failures.Add;

        live.Start(TimeSpan.FromMinutes(10));

        var unwatched = store.UnwatchedDirectories;
        Assert.Equal(refused.Order(StringComparer.Ordinal), unwatched.Order(StringComparer.Ordinal));
        var failure = Assert.IsType<IOException>(Assert.Single(failures));
        Assert.Equal(
            $"settings changes in {unwatched[0]}, {unwatched[1]} are not watched ({Limit}); they apply after a restart",
            failure.Message);
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

    private static readonly TimeSpan Watchdog = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task Start_WatchesTheFiles_SoAnEditAppliesWithoutAnExplicitReload()
    {
        var ct = TestContext.Current.CancellationToken;
        Write("""{"model": "a"}""");
        using var store = new SettingsStore(Locations);
        var (applier, _) = ModelApplier();
        await using var live = new LiveSettings(store, [applier]);
        var applied = new TaskCompletionSource<SettingsChange>(TaskCreationOptions.RunContinuationsAsynchronously);
        var failures = new ConcurrentQueue<Exception>();
        live.ApplyFailed += failures.Enqueue;
        live.Changed += c =>
        {
            if (live.Applied.Settings.Model == "edited")
            {
                applied.TrySetResult(c);
            }
        };

        live.Start(TimeSpan.Zero);
        Assert.Empty(failures); // every settings directory could be watched
        Write("""{"model": "edited"}""");

        var change = await applied.Task.WaitAsync(Watchdog, ct);
        Assert.Equal(["model"], change.Changed);
        Assert.False(live.StartApplying());
    }

    [Fact]
    public async Task StartApplying_AppliesAReloadThatHappenedBeforeItWasCalled()
    {
        var ct = TestContext.Current.CancellationToken;
        Write("""{"model": "a"}""");
        using var store = new SettingsStore(Locations);
        var calls = new ConcurrentQueue<(long Before, long Next)>();
        await using var live = new LiveSettings(store, [(before, next, change) =>
        {
            calls.Enqueue((before.Version, next.Version));
            if (before.Settings.Model != next.Settings.Model)
            {
                change.Changed("model");
            }
        }]);
        var announced = new TaskCompletionSource<SettingsChange>(TaskCreationOptions.RunContinuationsAsynchronously);
        live.Changed += c => announced.TrySetResult(c);

        Write("""{"model": "b"}""");
        var version = store.Reload().Version;
        Assert.True(live.StartApplying());

        var change = await announced.Task.WaitAsync(Watchdog, ct);
        Assert.Equal(version, change.Version);
        Assert.Equal("b", live.Applied.Settings.Model);
        // Each version applied once, from the one in force: the start-up version itself is never applied again.
        Assert.Equal([(1L, version)], calls);
    }

    [Fact]
    public async Task ChangeUnderGateAsync_WaitsForTheDecisionsHoldingTheGateAndKeepsTheVersion()
    {
        var ct = TestContext.Current.CancellationToken;
        using var store = new SettingsStore(Locations);
        await using var live = new LiveSettings(store, []);
        var published = 0;
        var lease = await live.Gate.EnterAsync(ct);

        var change = live.ChangeUnderGateAsync(() => Interlocked.Increment(ref published));

        Assert.Equal(0, Volatile.Read(ref published)); // a decision still runs on what it saw
        lease.Dispose();
        await change.WaitAsync(Watchdog, ct);
        Assert.Equal(1, Volatile.Read(ref published));
        await live.ChangeUnderGateAsync(() => Interlocked.Increment(ref published)).WaitAsync(Watchdog, ct);
        Assert.Equal(2, Volatile.Read(ref published));
        using var next = await live.Gate.EnterAsync(ct).AsTask().WaitAsync(Watchdog, ct);
        Assert.Equal(store.Current.Version, next.Version);
    }

    [Fact]
    public async Task DisposeAsync_CancelsASlowApplyInProgressWithoutCountingItApplied()
    {
        var ct = TestContext.Current.CancellationToken;
        Write("""{"model": "a"}""");
        using var store = new SettingsStore(Locations);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var live = new LiveSettings(store, [], async (next, token) =>
        {
            entered.TrySetResult();
            try
            {
                await new TaskCompletionSource().Task.WaitAsync(token); // a server that never answers
            }
            catch (OperationCanceledException)
            {
                cancelled.TrySetResult();
                throw;
            }
            return null;
        });
        live.StartApplying();
        Write("""{"model": "b"}""");
        store.Reload();
        await entered.Task.WaitAsync(Watchdog, ct);

        await live.DisposeAsync().AsTask().WaitAsync(Watchdog, ct);
        await live.DisposeAsync().AsTask().WaitAsync(Watchdog, ct);

        Assert.True(cancelled.Task.IsCompleted);
        Assert.Equal(1, live.SlowAppliedVersion);
    }

    [Fact]
    public async Task Reload_WhenTheSlowApplierThrows_ReportsItAndGoesOnWithTheNextVersion()
    {
        var ct = TestContext.Current.CancellationToken;
        Write("""{"model": "a"}""");
        using var store = new SettingsStore(Locations);
        var calls = 0;
        await using var live = new LiveSettings(store, [], (next, _) => Interlocked.Increment(ref calls) == 1
            ? throw new InvalidOperationException("server set broken")
            : Task.FromResult<SettingsChange?>(new SettingsChange(next.Version, ["mcp"], [])));
        var failed = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        var announced = new TaskCompletionSource<SettingsChange>(TaskCreationOptions.RunContinuationsAsynchronously);
        live.ApplyFailed += ex => failed.TrySetResult(ex);
        live.Changed += c => announced.TrySetResult(c);
        live.StartApplying();

        store.Reload();
        Assert.Equal("server set broken", (await failed.Task.WaitAsync(Watchdog, ct)).Message);
        var second = store.Reload().Version;

        Assert.Equal(second, (await announced.Task.WaitAsync(Watchdog, ct)).Version);
        Assert.Equal(second, live.SlowAppliedVersion);
    }

    [Fact]
    public async Task StartApplying_ThenReload_AppliesOnlyTheNewVersion()
    {
        var ct = TestContext.Current.CancellationToken;
        using var store = new SettingsStore(Locations);
        var calls = new ConcurrentQueue<(long Before, long Next)>();
        await using var live = new LiveSettings(store, [(before, next, change) =>
        {
            calls.Enqueue((before.Version, next.Version));
            change.Changed("model");
        }]);
        var announced = new TaskCompletionSource<SettingsChange>(TaskCreationOptions.RunContinuationsAsynchronously);
        live.Changed += c => announced.TrySetResult(c);
        Assert.True(live.StartApplying());

        var version = store.Reload().Version;

        Assert.Equal(version, (await announced.Task.WaitAsync(Watchdog, ct)).Version);
        Assert.Equal([(1L, version)], calls);
    }

    [Fact]
    public async Task Reload_WhenAChangedHandlerThrows_ReportsItThroughApplyFailed()
    {
        var ct = TestContext.Current.CancellationToken;
        Write("""{"model": "a"}""");
        using var store = new SettingsStore(Locations);
        var (applier, _) = ModelApplier();
        await using var live = new LiveSettings(store, [applier]);
        var failed = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        live.Changed += _ => throw new InvalidOperationException("front end broke");
        live.ApplyFailed += ex => failed.TrySetResult(ex);
        live.StartApplying();

        Write("""{"model": "b"}""");
        store.Reload();

        Assert.Equal("front end broke", (await failed.Task.WaitAsync(Watchdog, ct)).Message);
    }

    [Fact]
    public void Constructor_AndStaticHelpers_RejectNullArguments()
    {
        using var store = new SettingsStore(Locations);

        Assert.Equal("store", Assert.Throws<ArgumentNullException>(() => new LiveSettings(null!, [])).ParamName);
        Assert.Equal("appliers", Assert.Throws<ArgumentNullException>(() => new LiveSettings(store, null!)).ParamName);
        Assert.Throws<ArgumentNullException>(() => LiveSettings.Problems(null!));
    }

    [Fact]
    public async Task ChangeUnderGateAsync_WithoutAnAction_Throws()
    {
        using var store = new SettingsStore(Locations);
        await using var live = new LiveSettings(store, []);

        await Assert.ThrowsAsync<ArgumentNullException>(() => live.ChangeUnderGateAsync(null!));
    }

    [Fact]
    public async Task DisposeAsync_LeavesNoHandlerOnTheStore_SoTheStoreDoesNotKeepItAlive()
    {
        using var store = new SettingsStore(Locations);
        var disposed = await CreateAndDisposeAsync(store);

        for (var i = 0; i < 10 && disposed.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        // The store lives on (forge keeps it for the whole run); a disposed LiveSettings must not stay reachable from it.
        Assert.False(disposed.IsAlive);
        GC.KeepAlive(store);
    }

    /// <summary>A LiveSettings created and disposed (never started: it has no pump or worker, and disposing it completes
    /// at once).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<WeakReference> CreateAndDisposeAsync(SettingsStore store)
    {
        var live = new LiveSettings(store, []);
        await live.DisposeAsync();
        return new WeakReference(live);
    }

    [Fact]
    public void SettingsChangeBuilder_RecordsEachPartOnceInFirstNamedOrder()
    {
        var change = new SettingsChangeBuilder();

        change.Changed("hooks");
        change.Changed("model");
        change.Changed("hooks");

        Assert.Equal(["hooks", "model"], change.Parts);
    }
}
