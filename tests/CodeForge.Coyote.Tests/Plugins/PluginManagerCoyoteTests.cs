using System.Collections.Concurrent;
using CodeForge.Core.Commands;
using CodeForge.Core.Plugins;
using CodeForge.Core.Skills;
using CodeForge.Coyote.Tests.Infrastructure;
using Microsoft.Coyote.Specifications;

namespace CodeForge.Coyote.Tests.Plugins;

/// <summary>
/// Systematic scheduling of <see cref="PluginManager"/>: three loads of one plugin root and a load of another race, with
/// an in-memory <see cref="IPluginReader"/> that yields while it reads (the seam the manager already takes; reading a
/// plugin from disk is asynchronous file I/O, which strict mode rejects), while a reader checks that a plugin shown in
/// the snapshot has its skills and commands published. In every schedule each root is read exactly once, exactly one load
/// of a root reports Loaded and the others AlreadyLoaded, and the three views agree. The real manager with its in-flight
/// table ignored (the <see cref="PluginManager.InFlightIgnoredForTests"/> seam: every load starts its own read) must be
/// caught. (The joined load's wait is controlled since <c>JoinAsync</c> no longer calls <c>Task.WaitAsync</c>.)
/// </summary>
public sealed class PluginManagerCoyoteTests
{
    private sealed class YieldingReader : IPluginReader
    {
        public ConcurrentDictionary<string, int> Reads { get; } = new(StringComparer.Ordinal);

        public async Task<PluginReadResult> ReadAsync(string root, CancellationToken cancellationToken)
        {
            Reads.AddOrUpdate(root, 1, (_, n) => n + 1);
            await Task.Yield();
            var name = Path.GetFileName(root);
            return new PluginReadResult(new PluginDefinition
            {
                Manifest = new PluginManifest { Name = name },
                Root = root,
                Skills = [new SkillDefinition(new SkillMetadata($"{name}:a", "d"), "p"), new SkillDefinition(new SkillMetadata($"{name}:b", "d"), "p")],
                Commands = [new CommandDefinition { Name = $"{name}:x", Description = "d", Body = "b", SourcePath = "/x.md" }],
            }, []);
        }
    }

    private static void AssertWhole(PluginManagerSnapshot snapshot, SkillRegistry skills, CommandCatalog commands)
    {
        foreach (var name in snapshot.Plugins.Keys)
        {
            Specification.Assert(skills.Exists($"{name}:a") && skills.Exists($"{name}:b"), $"plugin {name} is in the snapshot without its skills");
            Specification.Assert(commands.Get($"{name}:x") is not null, $"plugin {name} is in the snapshot without its command");
        }
    }

    private static async Task Scenario(bool inFlightIgnored)
    {
        var skills = new SkillRegistry();
        var commands = new CommandCatalog();
        var reader = new YieldingReader();
        var manager = new PluginManager(skills, commands, reader) { InFlightIgnoredForTests = inFlightIgnored };

        var loadsOfP = Enumerable.Range(0, 3).Select(_ => Task.Run(() => manager.LoadAsync("/plugins/p"))).ToArray();
        var loadOfQ = Task.Run(() => manager.LoadAsync("/plugins/q"));
        var observer = Task.Run(async () =>
        {
            for (var i = 0; i < 3; i++)
            {
                AssertWhole(manager.Snapshot, skills, commands);
                await Task.Yield();
            }
        });
        await Task.WhenAll(loadsOfP.Append(loadOfQ).Append(observer).ToArray());
        var outcomesOfP = (await Task.WhenAll(loadsOfP)).Select(r => r.Outcome).ToList();
        var outcomeOfQ = (await loadOfQ).Outcome;

        Specification.Assert(reader.Reads.GetValueOrDefault("/plugins/p") == 1, $"/plugins/p was read {reader.Reads.GetValueOrDefault("/plugins/p")} times");
        Specification.Assert(outcomesOfP.Count(o => o == PluginLoadOutcome.Loaded) == 1 && outcomesOfP.Count(o => o == PluginLoadOutcome.AlreadyLoaded) == 2,
            $"the loads of p reported [{string.Join(", ", outcomesOfP)}]");
        Specification.Assert(outcomeOfQ == PluginLoadOutcome.Loaded, $"the load of q reported {outcomeOfQ}");
        Specification.Assert(manager.ReadCount == 2, $"{manager.ReadCount} reads for two plugins");
        Specification.Assert(manager.Snapshot.Plugins.Count == 2, $"{manager.Snapshot.Plugins.Count} plugins loaded at rest");
        AssertWhole(manager.Snapshot, skills, commands);
    }

    [Fact]
    public void ConcurrentLoadsOfOneRoot_WhileAnObserverReads_ReadItOnceAndPublishItWhole() =>
        CoyoteRunner.AssertNoBug(() => Scenario(inFlightIgnored: false), CoyoteStrategy.Random);

    [Fact]
    public void ConcurrentLoadsOfOneRoot_WhenTheInFlightTableIsIgnored_AreCaught()
    {
        var bug = CoyoteRunner.AssertFindsBug(() => Scenario(inFlightIgnored: true), CoyoteStrategy.Random);

        Assert.Matches("was read [2-9] times|the loads of p reported|reads for two plugins", bug);
    }
}
