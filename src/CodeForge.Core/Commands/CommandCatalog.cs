using System.Collections.Immutable;

namespace CodeForge.Core.Commands;

/// <summary>
/// The custom commands the user can run as <c>/name</c>, from several sources (the project and user files, each
/// plugin). Each source's commands are replaced or removed as a whole; a name defined by several sources resolves to
/// the source with the highest priority (files over plugins).
/// </summary>
/// <remarks>
/// <b>Concurrency contract.</b> Every member may be called from any thread concurrently. The state is one immutable
/// snapshot (source → commands, and the resolved name → command map) behind a volatile reference: readers never lock
/// and see every source wholly before or wholly after a change. <see cref="SetSource"/> and <see cref="RemoveSource"/>
/// run under one lock and publish with one reference write, so each is atomic and linearizable: a plugin's commands
/// appear and disappear all at once.
/// </remarks>
public sealed class CommandCatalog
{
    /// <summary>The source key of the project and user command files.</summary>
    public const string FilesSource = "files";

    private readonly object _gate = new();
    private volatile State _state = State.Empty;

    /// <summary>Every resolvable command, sorted by name.</summary>
    public IReadOnlyList<CommandDefinition> List() => [.. _state.ByName.Values];

    /// <summary>The source keys, sorted.</summary>
    public IReadOnlyList<string> Sources => [.. _state.Sources.Keys];

    /// <summary>The commands of one source, or empty.</summary>
    public ImmutableArray<CommandDefinition> OfSource(string source) =>
        _state.Sources.TryGetValue(source, out var s) ? s.Commands : [];

    /// <summary>The command named <paramref name="name"/> (without the slash), or null.</summary>
    public CommandDefinition? Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _state.ByName.TryGetValue(name, out var c) ? c : null;
    }

    /// <summary>Replaces the commands of <paramref name="source"/> (a higher <paramref name="priority"/> wins name clashes).</summary>
    public void SetSource(string source, IEnumerable<CommandDefinition> commands, int priority = 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        ArgumentNullException.ThrowIfNull(commands);
        var list = commands.ToImmutableArray();
        lock (_gate)
        {
            _state = _state.With(source, new SourceEntry(priority, list));
        }
    }

    /// <summary>Removes a source and its commands; false when it was not there.</summary>
    public bool RemoveSource(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        lock (_gate)
        {
            if (!_state.Sources.ContainsKey(source))
            {
                return false;
            }
            _state = _state.Without(source);
            return true;
        }
    }

    private sealed record SourceEntry(int Priority, ImmutableArray<CommandDefinition> Commands);

    private sealed class State
    {
        public static readonly State Empty = new(
            ImmutableSortedDictionary.Create<string, SourceEntry>(StringComparer.Ordinal),
            ImmutableSortedDictionary.Create<string, CommandDefinition>(StringComparer.Ordinal));

        private State(ImmutableSortedDictionary<string, SourceEntry> sources, ImmutableSortedDictionary<string, CommandDefinition> byName)
        {
            Sources = sources;
            ByName = byName;
        }

        public ImmutableSortedDictionary<string, SourceEntry> Sources { get; }

        public ImmutableSortedDictionary<string, CommandDefinition> ByName { get; }

        public State With(string source, SourceEntry entry)
        {
            // A new source none of whose names is taken changes only its own names (what Build would give, without
            // rebuilding every other source's: start-up adds one source per plugin).
            if (!Sources.ContainsKey(source) && entry.Commands.All(c => !ByName.ContainsKey(c.Name)))
            {
                return new State(Sources.Add(source, entry), ByName.SetItems(entry.Commands.Select(c => KeyValuePair.Create(c.Name, c))));
            }
            return Build(Sources.SetItem(source, entry));
        }

        public State Without(string source) => Build(Sources.Remove(source));

        private static State Build(ImmutableSortedDictionary<string, SourceEntry> sources)
        {
            var byName = ImmutableSortedDictionary.CreateBuilder<string, CommandDefinition>(StringComparer.Ordinal);
            // Lowest priority first, so a higher one overwrites; ties resolve by source key order.
            foreach (var (_, entry) in sources.OrderBy(s => s.Value.Priority))
            {
                foreach (var command in entry.Commands)
                {
                    byName[command.Name] = command;
                }
            }
            return new State(sources, byName.ToImmutable());
        }
    }
}
