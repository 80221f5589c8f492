using System.Collections.Concurrent;
using CodeForge.Concurrency.Tests.Infrastructure;
using CodeForge.Core.Commands;
using CodeForge.Core.Plugins;
using CodeForge.Core.Skills;

namespace CodeForge.Concurrency.Tests.Plugins;

#pragma warning disable VSTHRD002 // The stress and linearizability harnesses drive operations from dedicated threads, synchronously; no synchronization context.

/// <summary>
/// The seed's sixth future area, concurrent plugin loading: many threads load overlapping sets of real plugin
/// directories while readers watch the skill registry, the command catalogue and the manager's snapshot.
/// </summary>
[Collection(NonParallel.Name)]
public sealed class PluginManagerConcurrencyTests : IDisposable
{
    private const int Plugins = 10;
    private const int SkillsPerPlugin = 3;
    private readonly string _root = Directory.CreateTempSubdirectory("forge-plugins-conc-").FullName;
    private readonly string[] _roots;

    public PluginManagerConcurrencyTests()
    {
        _roots = new string[Plugins];
        for (var p = 0; p < Plugins; p++)
        {
            var dir = _roots[p] = Path.Combine(_root, $"plugin-{p}");
            Write(Path.Combine(dir, ".claude-plugin", "plugin.json"), $$"""{ "name": "p{{p}}", "version": "1.0.0" }""");
            for (var s = 0; s < SkillsPerPlugin; s++)
            {
                Write(Path.Combine(dir, "skills", $"s{s}", "SKILL.md"), $"---\nname: s{s}\ndescription: skill {s} of p{p}\n---\nbody");
            }
            Write(Path.Combine(dir, "commands", "a.md"), "a");
            Write(Path.Combine(dir, "commands", "b.md"), "b");
        }
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static void Write(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    /// <summary>Checks one observation: every plugin's skills are in the registry all or none; commands likewise; a published plugin's skills and commands are visible.</summary>
    private static void Observe(PluginManager manager, SkillRegistry skills, CommandCatalog commands, ConcurrentQueue<string> failures)
    {
        var published = manager.Snapshot;
        var registry = skills.Snapshot;
        for (var p = 0; p < Plugins; p++)
        {
            var present = Enumerable.Range(0, SkillsPerPlugin).Count(s => registry.Exists($"p{p}:s{s}"));
            if (present is not 0 and not SkillsPerPlugin)
            {
                failures.Enqueue($"half-registered skills of p{p}: {present} of {SkillsPerPlugin}");
            }
            var commandCount = commands.OfSource(PluginManager.CommandSource($"p{p}")).Length;
            if (commandCount is not 0 and not 2)
            {
                failures.Enqueue($"half-registered commands of p{p}: {commandCount}");
            }
            // A plugin seen in the snapshot before and after reading the registry and the catalogue (the same instance)
            // was published, and not yet unpublished, while they were read: its skills and commands must have been visible.
            if (published.Plugins.TryGetValue($"p{p}", out var plugin)
                && manager.Snapshot.Plugins.TryGetValue($"p{p}", out var after) && ReferenceEquals(plugin, after))
            {
                if (present != SkillsPerPlugin)
                {
                    failures.Enqueue($"p{p} is published but its skills are not visible");
                }
                if (commandCount != 2)
                {
                    failures.Enqueue($"p{p} is published but its commands are not visible");
                }
                if (plugin.SkillNames.Length != SkillsPerPlugin || plugin.Definition.Commands.Length != 2)
                {
                    failures.Enqueue($"p{p} is published incomplete");
                }
            }
        }
    }

    [Fact]
    public void ConcurrentLoadsOfOverlappingSets_LoadEachPluginExactlyOnce_AndReadersSeeWholePluginsOnly()
    {
        var skills = new SkillRegistry();
        var commands = new CommandCatalog();
        var manager = new PluginManager(skills, commands);
        var results = new ConcurrentBag<PluginLoadResult>();
        var failures = new ConcurrentQueue<string>();
        const int Loaders = 16;
        const int Readers = 4;
        var loadersLeft = Loaders;
        var observations = 0;

        Stress.RunThreads(Loaders + Readers, i =>
        {
            if (i < Loaders)
            {
                // Thread i loads an overlapping subset: every plugin is wanted by several threads.
                var set = Enumerable.Range(0, Plugins).Where(p => (p + i) % 3 != 0 || p == i % Plugins).Select(p => _roots[p]);
                foreach (var r in manager.LoadAllAsync(set).GetAwaiter().GetResult())
                {
                    results.Add(r);
                }
                Interlocked.Decrement(ref loadersLeft);
                return;
            }
            do
            {
                Observe(manager, skills, commands, failures);
                Interlocked.Increment(ref observations);
            }
            while (Volatile.Read(ref loadersLeft) > 0);
        });

        Assert.Empty(failures);
        Assert.Equal(Plugins, manager.ReadCount);
        Assert.All(results, r => Assert.True(r.Succeeded, string.Join("\n", r.Diagnostics)));
        var loadedNow = results.Where(r => r.Outcome == PluginLoadOutcome.Loaded).Select(r => r.Plugin!.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(Enumerable.Range(0, Plugins).Select(p => $"p{p}").Order(StringComparer.Ordinal), loadedNow);
        Assert.Equal(Plugins * SkillsPerPlugin, skills.Count);
        Assert.Equal(Plugins * 2, commands.List().Count);
        Assert.Equal(Plugins, manager.Snapshot.Plugins.Count);
        Assert.True(observations >= Readers, $"readers observed {observations} times");
        Assert.Equal(Enumerable.Range(1, Plugins).Select(x => (long)x), manager.Snapshot.Plugins.Values.Select(p => p.Sequence).Order());
    }

    [Fact]
    public void LoadsUnloadsAndReloadsRacing_KeepEveryViewWhole_AndAgreeAtRest()
    {
        var skills = new SkillRegistry();
        var commands = new CommandCatalog();
        var manager = new PluginManager(skills, commands);
        var failures = new ConcurrentQueue<string>();
        var done = 0;

        Stress.RunThreads(8, i =>
        {
            if (i >= 6)
            {
                while (Volatile.Read(ref done) < 6)
                {
                    Observe(manager, skills, commands, failures);
                }
                return;
            }
            var random = new Random(i);
            for (var op = 0; op < 60; op++)
            {
                var p = random.Next(4);
                switch (random.Next(4))
                {
                    case 0 or 1:
                        var r = manager.LoadAsync(_roots[p]).GetAwaiter().GetResult();
                        if (r.Outcome == PluginLoadOutcome.Failed)
                        {
                            failures.Enqueue($"load of p{p} failed: {string.Join("; ", r.Diagnostics)}");
                        }
                        break;
                    case 2:
                        manager.Unload($"p{p}");
                        break;
                    default:
                        manager.ReloadAsync($"p{p}").GetAwaiter().GetResult();
                        break;
                }
            }
            Interlocked.Increment(ref done);
        });

        Assert.Empty(failures);
        var loaded = manager.Snapshot.Plugins.Values.ToList();
        Assert.Equal(loaded.SelectMany(p => p.SkillNames).Order(StringComparer.Ordinal), skills.ListSkills().Select(s => s.Name));
        Assert.Equal(loaded.Select(p => PluginManager.CommandSource(p.Name)).Order(StringComparer.Ordinal), commands.Sources);
    }
}
