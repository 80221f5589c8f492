using System.Collections.Immutable;

namespace CodeForge.Core.Hooks;

/// <summary>
/// One whole, immutable state of the <see cref="HookRegistry"/>: the hook sources in the order they were first added,
/// each with its definitions, an index per event, and a version.
/// </summary>
/// <remarks>Immutable and thread-safe. An event that runs from one snapshot sees every source wholly as it was at one
/// moment: never part of a source, never a source from two different calls of <see cref="HookRegistry.SetSource"/>.</remarks>
public sealed class HookRegistrySnapshot
{
    private readonly ImmutableArray<ImmutableArray<HookDefinition>> _byEvent;

    internal HookRegistrySnapshot(ImmutableList<KeyValuePair<string, ImmutableArray<HookDefinition>>> sources, long version)
    {
        Sources = sources;
        Version = version;
        var byEvent = new ImmutableArray<HookDefinition>.Builder[HookEvents.All.Length];
        for (var i = 0; i < byEvent.Length; i++)
        {
            byEvent[i] = ImmutableArray.CreateBuilder<HookDefinition>();
        }
        foreach (var (_, definitions) in sources)
        {
            foreach (var d in definitions)
            {
                byEvent[(int)d.Event].Add(d);
            }
        }
        _byEvent = [.. byEvent.Select(b => b.ToImmutable())];
    }

    /// <summary>The empty registry (version 0).</summary>
    public static HookRegistrySnapshot Empty { get; } = new([], 0);

    /// <summary>Every source (name → its definitions), in the order the names were first added.</summary>
    public ImmutableList<KeyValuePair<string, ImmutableArray<HookDefinition>>> Sources { get; }

    /// <summary>0 for the empty registry, +1 per change.</summary>
    public long Version { get; }

    /// <summary>The definitions of <paramref name="hookEvent"/>, sources in order, each source in its file order.</summary>
    public ImmutableArray<HookDefinition> For(HookEvent hookEvent) => _byEvent[(int)hookEvent];

    /// <summary>The definitions of one source, or empty.</summary>
    public ImmutableArray<HookDefinition> Source(string name)
    {
        foreach (var (n, d) in Sources)
        {
            if (n == name)
            {
                return d;
            }
        }
        return [];
    }

    /// <summary>The number of definitions over all sources.</summary>
    public int Count => Sources.Sum(s => s.Value.Length);
}

/// <summary>
/// The configured hooks, by named source: <c>settings</c> (every settings layer), <c>plugin:&lt;name&gt;</c> (each
/// enabled plugin), or anything a caller adds. Sources are replaced and removed at runtime, e.g. when a plugin is enabled
/// or the settings files change.
/// </summary>
/// <remarks>
/// <para>Thread-safe. The state is one immutable <see cref="HookRegistrySnapshot"/> behind a volatile reference:
/// <see cref="Snapshot"/> never locks and always returns a whole published state. Every change
/// (<see cref="SetSource"/>, <see cref="RemoveSource"/>, <see cref="Clear"/>) runs under one <c>lock(object)</c>, builds the
/// next snapshot from the current one and publishes it with one reference write, so changes are atomic and
/// linearizable and none is lost; versions grow by exactly one per change that changed something.</para>
/// <para>A hook event takes one snapshot when it fires and runs from it to the end, so a source added or removed while
/// the event's hooks run affects later events only.</para>
/// </remarks>
public sealed class HookRegistry
{
    private readonly object _gate = new();
    private HookRegistrySnapshot _snapshot = HookRegistrySnapshot.Empty;

    /// <summary>The current state.</summary>
    public HookRegistrySnapshot Snapshot => Volatile.Read(ref _snapshot);

    /// <summary>Adds or replaces the source <paramref name="name"/>; returns the snapshot it published.</summary>
    public HookRegistrySnapshot SetSource(string name, IEnumerable<HookDefinition> definitions)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(definitions);
        var list = definitions.ToImmutableArray();
        if (list.Any(d => d is null))
        {
            throw new ArgumentException($"The hook source '{name}' contains a null definition.", nameof(definitions));
        }
        lock (_gate)
        {
            var current = _snapshot;
            var sources = current.Sources;
            var index = sources.FindIndex(s => s.Key == name);
            var entry = KeyValuePair.Create(name, list);
            sources = index >= 0 ? sources.SetItem(index, entry) : sources.Add(entry);
            var next = new HookRegistrySnapshot(sources, current.Version + 1);
            Volatile.Write(ref _snapshot, next);
            return next;
        }
    }

    /// <summary>Removes the source <paramref name="name"/>; false (and no new version) if there was none.</summary>
    public bool RemoveSource(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_gate)
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

    /// <summary>Removes every source (one change).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            var current = _snapshot;
            if (current.Sources.Count > 0)
            {
                Volatile.Write(ref _snapshot, new HookRegistrySnapshot([], current.Version + 1));
            }
        }
    }
}
