using CodeForge.Core.Commands;
using CodeForge.Core.Plugins;
using CodeForge.Core.Skills;
using CodeForge.Core.Tests.Skills;

namespace CodeForge.Core.Tests.Plugins;

public sealed class PluginManagerTests : IDisposable
{
    private readonly TempTree _tree = new();
    private readonly SkillRegistry _skills = new();
    private readonly CommandCatalog _commands = new();
    private readonly PluginManager _manager;

    public PluginManagerTests() => _manager = new PluginManager(_skills, _commands);

    public void Dispose() => _tree.Dispose();

    [Fact]
    public async Task Load_PublishesSkillsCommandsAndData()
    {
        var root = PluginTrees.WriteGood(_tree, "p", "p");

        var result = await _manager.LoadAsync(root, TestContext.Current.CancellationToken);

        Assert.Equal(PluginLoadOutcome.Loaded, result.Outcome);
        Assert.True(_skills.Exists("p:s0"));
        Assert.NotNull(_commands.Get("p:deploy"));
        var snapshot = _manager.Snapshot;
        Assert.Equal(["p"], snapshot.Plugins.Keys);
        Assert.Equal(["plugin:p:db"], snapshot.McpServers.Keys);
        Assert.Single(snapshot.Hooks);
        Assert.Single(snapshot.Agents);
    }

    [Fact]
    public async Task Load_Twice_ReadsOnce()
    {
        var root = PluginTrees.WriteGood(_tree, "p", "p");

        await _manager.LoadAsync(root, TestContext.Current.CancellationToken);
        var again = await _manager.LoadAsync(root + "/", TestContext.Current.CancellationToken);

        Assert.Equal(PluginLoadOutcome.AlreadyLoaded, again.Outcome);
        Assert.Equal(1, _manager.ReadCount);
    }

    [Fact]
    public async Task Load_ConcurrentCallsForOnePlugin_JoinOneRead()
    {
        var reader = new GatedReader();
        var manager = new PluginManager(_skills, _commands, reader);

        var first = manager.LoadAsync("/plugins/a", TestContext.Current.CancellationToken);
        var second = manager.LoadAsync("/plugins/a", TestContext.Current.CancellationToken);
        reader.Release.SetResult();
        var results = await Task.WhenAll(new[] { first, second });

        Assert.Equal(1, reader.Reads);
        Assert.Equal([PluginLoadOutcome.Loaded, PluginLoadOutcome.AlreadyLoaded], results.Select(r => r.Outcome));
    }

    [Fact]
    public async Task LoadAll_ABrokenPlugin_IsReportedAndTheOthersLoad()
    {
        var good = PluginTrees.WriteGood(_tree, "good", "good");
        _tree.Write("bad/.claude-plugin/plugin.json", "{ nope }");

        var results = await _manager.LoadAllAsync([good, _tree["bad"]], TestContext.Current.CancellationToken);

        Assert.Equal(PluginLoadOutcome.Loaded, results[0].Outcome);
        Assert.Equal(PluginLoadOutcome.Failed, results[1].Outcome);
        Assert.Contains(results[1].Diagnostics, d => d.Line == 1);
        Assert.Equal(["good"], _manager.Snapshot.Plugins.Keys);
    }

    [Fact]
    public async Task Load_ASecondPluginWithTheSameName_FailsAndPublishesNothing()
    {
        await _manager.LoadAsync(PluginTrees.WriteGood(_tree, "one", "same"), TestContext.Current.CancellationToken);
        var before = _skills.Snapshot.Version;

        var result = await _manager.LoadAsync(PluginTrees.WriteGood(_tree, "two", "same", skills: 3), TestContext.Current.CancellationToken);

        Assert.Equal(PluginLoadOutcome.Failed, result.Outcome);
        Assert.Contains("already loaded", result.Diagnostics[^1].Message, StringComparison.Ordinal);
        Assert.Equal(before, _skills.Snapshot.Version);
        Assert.False(_skills.Exists("same:s2"));
    }

    [Fact]
    public async Task Load_WhenASkillNameIsTaken_PublishesNothingOfThePlugin()
    {
        _skills.Register(new SkillDefinition(new SkillMetadata("p:s1", "squatter"), "x"));

        var result = await _manager.LoadAsync(PluginTrees.WriteGood(_tree, "p", "p"), TestContext.Current.CancellationToken);

        Assert.Equal(PluginLoadOutcome.Failed, result.Outcome);
        var d = result.Diagnostics[^1];
        Assert.True(d.IsError);
        Assert.StartsWith("Skill already registered: p:s1", d.Message, StringComparison.Ordinal);
        Assert.EndsWith("; plugin skipped", d.Message, StringComparison.Ordinal);
        Assert.False(_skills.Exists("p:s0"));
        Assert.Null(_commands.Get("p:deploy"));
        Assert.Empty(_manager.Snapshot.Plugins);
    }

    [Fact]
    public async Task Unload_RemovesEveryComponent()
    {
        await _manager.LoadAsync(PluginTrees.WriteGood(_tree, "p", "p"), TestContext.Current.CancellationToken);
        _skills.Activate("p:s0");

        Assert.True(_manager.Unload("p"));
        Assert.False(_manager.Unload("p"));

        Assert.Equal(0, _skills.Count);
        Assert.Null(_skills.ActiveSkill);
        Assert.Empty(_commands.List());
        Assert.Empty(_manager.Snapshot.Plugins);
    }

    [Fact]
    public async Task Reload_SwapsInTheNewComponents()
    {
        var root = PluginTrees.WriteGood(_tree, "p", "p");
        await _manager.LoadAsync(root, TestContext.Current.CancellationToken);
        Directory.Delete(Path.Combine(root, "skills/s1"), recursive: true);
        _tree.Write("p/skills/fresh/SKILL.md", TempTree.Skill("fresh", "new"));

        var result = await _manager.ReloadAsync("p", TestContext.Current.CancellationToken);

        Assert.Equal(PluginLoadOutcome.Reloaded, result.Outcome);
        Assert.Equal(["p:fresh", "p:s0"], _skills.ListSkills().Select(s => s.Name));
        Assert.Equal(["p:fresh", "p:s0"], _manager.Snapshot.Plugins["p"].SkillNames.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Reload_WhenTheNewReadIsBroken_KeepsTheOldPlugin()
    {
        var root = PluginTrees.WriteGood(_tree, "p", "p");
        await _manager.LoadAsync(root, TestContext.Current.CancellationToken);
        _tree.Write("p/hooks/hooks.json", "{ broken");

        var result = await _manager.ReloadAsync("p", TestContext.Current.CancellationToken);

        Assert.Equal(PluginLoadOutcome.Failed, result.Outcome);
        Assert.Equal(2, _skills.Count);
        Assert.NotNull(_commands.Get("p:deploy"));
        Assert.False((await _manager.ReloadAsync("nope", TestContext.Current.CancellationToken)).Succeeded);
    }

    /// <summary>A reader that blocks every read until released and counts reads.</summary>
    private sealed class GatedReader : IPluginReader
    {
        private int _reads;

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Reads => Volatile.Read(ref _reads);

        public async Task<PluginReadResult> ReadAsync(string root, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _reads);
            await Release.Task.WaitAsync(cancellationToken);
            var name = Path.GetFileName(root);
            return new PluginReadResult(new PluginDefinition { Manifest = new PluginManifest { Name = name }, Root = root }, []);
        }
    }

    [Fact]
    public async Task LoadAndUnload_EachStepTheSnapshotVersionByOne_AndFileTheCommandsUnderThePluginsSource()
    {
        var root = PluginTrees.WriteGood(_tree, "p", "p");
        var before = _manager.Snapshot.Version;

        await _manager.LoadAsync(root, TestContext.Current.CancellationToken);

        Assert.Equal(before + 1, _manager.Snapshot.Version);
        Assert.Equal("plugin:p", PluginManager.CommandSource("p"));
        Assert.Equal(["p:deploy"], _commands.OfSource("plugin:p").Select(c => c.Name));
        Assert.True(_manager.Unload("p"));
        Assert.Equal(before + 2, _manager.Snapshot.Version);
        Assert.Empty(_commands.OfSource("plugin:p"));
    }
}
