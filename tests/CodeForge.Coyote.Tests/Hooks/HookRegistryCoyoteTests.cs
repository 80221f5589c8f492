using System.Collections.Immutable;
using CodeForge.Core.Hooks;
using CodeForge.Coyote.Tests.Infrastructure;
using Microsoft.Coyote.Specifications;

namespace CodeForge.Coyote.Tests.Hooks;

/// <summary>
/// Systematic scheduling of <see cref="HookRegistry"/>: sources set, replaced and removed concurrently (as settings
/// reloads and plugin loads do) while a reader looks up the hooks of an event. In every schedule each change gets its own
/// version, versions a reader sees never go down, every snapshot's per-event index agrees with its sources, and at rest
/// the sources are exactly what the changes leave. A copy of the registry that differs only by the removed
/// <c>lock (_gate)</c> must be caught (memory-access interleaving on, so the unlocked read and write of the snapshot
/// field are scheduling points).
/// </summary>
public sealed class HookRegistryCoyoteTests
{
    private interface IRegistry
    {
        HookRegistrySnapshot Snapshot { get; }

        HookRegistrySnapshot SetSource(string name, IEnumerable<HookDefinition> definitions);

        bool RemoveSource(string name);
    }

    private sealed class Real : IRegistry
    {
        private readonly HookRegistry _registry = new();

        public HookRegistrySnapshot Snapshot => _registry.Snapshot;

        public HookRegistrySnapshot SetSource(string name, IEnumerable<HookDefinition> definitions) => _registry.SetSource(name, definitions);

        public bool RemoveSource(string name) => _registry.RemoveSource(name);
    }

    /// <summary><see cref="HookRegistry"/>'s SetSource/RemoveSource copied without <c>lock (_gate)</c>; nothing else changed.</summary>
    private sealed class Unlocked : IRegistry
    {
        private HookRegistrySnapshot _snapshot = HookRegistrySnapshot.Empty;

        public HookRegistrySnapshot Snapshot => Volatile.Read(ref _snapshot);

        public HookRegistrySnapshot SetSource(string name, IEnumerable<HookDefinition> definitions)
        {
            var list = definitions.ToImmutableArray();
            var current = _snapshot;
            var sources = current.Sources;
            var index = sources.FindIndex(s => s.Key == name);
            var entry = KeyValuePair.Create(name, list);
            sources = index >= 0 ? sources.SetItem(index, entry) : sources.Add(entry);
            var next = new HookRegistrySnapshot(sources, current.Version + 1);
            Volatile.Write(ref _snapshot, next);
            return next;
        }

        public bool RemoveSource(string name)
        {
            var current = _snapshot;
            var index = current.Sources.FindIndex(s => s.Key == name);
            if (index < 0)
            {
                return false;
            }
            Volatile.Write(ref _snapshot, new HookRegistrySnapshot(current.Sources.RemoveAt(index), current.Version + 1));
            return true;
        }
    }

    private static HookDefinition Hook(string command, string origin) => new(HookEvent.PreToolUse, HookMatcher.All, command, origin);

    private static async Task Scenario(Func<IRegistry> create)
    {
        var registry = create();
        registry.SetSource("settings", [Hook("old-lint", "settings")]);
        var versions = new System.Collections.Concurrent.ConcurrentBag<long>();

        var changes = new[]
        {
            Task.Run(() => versions.Add(registry.SetSource("settings", [Hook("lint", "settings")]).Version)),
            Task.Run(() => versions.Add(registry.SetSource("plugin:a", [Hook("a1", "plugin:a"), Hook("a2", "plugin:a")]).Version)),
            Task.Run(() =>
            {
                versions.Add(registry.SetSource("plugin:b", [Hook("b1", "plugin:b")]).Version);
                Specification.Assert(registry.RemoveSource("plugin:b"), "plugin:b was gone before its removal");
                versions.Add(registry.Snapshot.Version);
            }),
        };
        var reader = Task.Run(async () =>
        {
            long last = 0;
            for (var i = 0; i < 4; i++)
            {
                var snapshot = registry.Snapshot;
                Specification.Assert(snapshot.Version >= last, $"a reader saw version {snapshot.Version} after {last}");
                last = snapshot.Version;
                var indexed = snapshot.For(HookEvent.PreToolUse).Select(h => h.Command).Order(StringComparer.Ordinal);
                var listed = snapshot.Sources.SelectMany(s => s.Value).Select(h => h.Command).Order(StringComparer.Ordinal);
                Specification.Assert(indexed.SequenceEqual(listed), "a snapshot's event index disagrees with its sources");
                await Task.Yield();
            }
        });
        await Task.WhenAll(changes.Append(reader).ToArray());

        var final = registry.Snapshot;
        var commands = final.Sources.SelectMany(s => s.Value).Select(h => h.Command).Order(StringComparer.Ordinal);
        Specification.Assert(commands.SequenceEqual(["a1", "a2", "lint"]), $"hooks at rest: {string.Join(", ", commands)}");
        Specification.Assert(final.Version == 5, $"version {final.Version} after 5 changes: a change was lost or merged");
    }

    [Fact]
    public void SourcesChangingWhileReadersLookUp_GetOneVersionEachAndLoseNothing() =>
        CoyoteRunner.AssertNoBug(() => Scenario(() => new Real()), CoyoteStrategy.Random, memoryAccessRaces: true);

    [Fact]
    public void SourcesChangingWhileReadersLookUp_WhenTheLockIsRemoved_AreCaught()
    {
        var bug = CoyoteRunner.AssertFindsBug(() => Scenario(() => new Unlocked()), CoyoteStrategy.Random, memoryAccessRaces: true);

        Assert.Matches("hooks at rest|after 5 changes|was gone", bug);
    }
}
