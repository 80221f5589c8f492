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
}
