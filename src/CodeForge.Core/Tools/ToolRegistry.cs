using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Runtime.InteropServices;

namespace CodeForge.Core.Tools;

/// <summary>
/// The set of tools the model may call, by unique name. One process-wide instance is <see cref="Shared"/>; tests and
/// hosts that prefer injection construct their own.
/// </summary>
/// <remarks>
/// <para><b>Concurrency contract.</b> Every member may be called from any thread at any time.</para>
/// <list type="bullet">
/// <item>The state is an immutable snapshot (a frozen name→tool map plus an array in registration order) behind one
/// volatile reference. Readers (<see cref="Get"/>, <see cref="TryGet"/>, <see cref="Exists"/>, <see cref="ListAll"/>,
/// <see cref="ListNames"/>, <see cref="ListByCategory"/>, <see cref="Count"/>) read that reference once and never lock,
/// so they never wait for a writer and always see one whole published state, never a partial one.</item>
/// <item>Writers (<see cref="Register"/>, <see cref="TryRegister"/>, <see cref="RegisterMany"/>, <see cref="Deregister"/>,
/// <see cref="Clear"/>) serialize on a private lock, build the next snapshot and publish it with one reference write, so
/// each is atomic and linearizable: a duplicate check and its insert cannot interleave with another writer.
/// <see cref="RegisterMany"/> validates the whole batch first and publishes once (all or nothing).</item>
/// <item>A list returned by a reader is a snapshot: it never changes afterwards. Two separate reads (e.g.
/// <see cref="ListAll"/> then <see cref="Count"/>) may observe different states; read a list once and use its length
/// when both must agree.</item>
/// <item><see cref="Shared"/> is created exactly once however many threads race for it. The test hook
/// <c>ResetShared()</c> retires the old instance: from then on any call on it throws
/// <see cref="InvalidOperationException"/>, so a holder of a stale reference fails loudly instead of silently
/// registering into an instance nobody reads.</item>
/// </list>
/// </remarks>
public sealed class ToolRegistry
{
    private static readonly object SharedGate = new();
    private static ToolRegistry? s_shared;
    private static int s_sharedCreations;

    private readonly object _writeGate = new();
    private volatile Snapshot _snapshot = Snapshot.Empty;

    /// <summary>The process-wide registry, created on first use (exactly once, whatever the contention).</summary>
    public static ToolRegistry Shared => Volatile.Read(ref s_shared) ?? CreateShared();

    /// <summary>How many times <see cref="Shared"/> has been created (for tests of the creation race).</summary>
    internal static int SharedCreationCount => Volatile.Read(ref s_sharedCreations);

    /// <summary>
    /// Test hook: retires the current <see cref="Shared"/> instance (every later call on it throws) so that the next
    /// access to <see cref="Shared"/> creates a fresh, empty registry.
    /// </summary>
    internal static void ResetShared()
    {
        lock (SharedGate)
        {
            var old = s_shared;
            Volatile.Write(ref s_shared, null);
            old?.Retire();
        }
    }

    private static ToolRegistry CreateShared()
    {
        lock (SharedGate)
        {
            var registry = s_shared;
            if (registry is null)
            {
                registry = new ToolRegistry();
                s_sharedCreations++;
                Volatile.Write(ref s_shared, registry);
            }
            return registry;
        }
    }

    /// <summary>The number of registered tools (a property, unlike the original's <c>count()</c> method).</summary>
    public int Count => Read().Ordered.Length;

    /// <summary>Registers <paramref name="tool"/> under its <see cref="ITool.Name"/>.</summary>
    /// <exception cref="ToolAlreadyRegisteredException">A tool with that name is already registered.</exception>
    /// <exception cref="ArgumentException">The tool's name is not 1–64 of <c>A-Z a-z 0-9 _ -</c>.</exception>
    public void Register(ITool tool)
    {
        if (!TryRegister(tool))
        {
            throw new ToolAlreadyRegisteredException(tool.Name);
        }
    }

    /// <summary>Registers <paramref name="tool"/> unless its name is taken; returns whether it was registered.</summary>
    /// <exception cref="ArgumentException">The tool's name is not 1–64 of <c>A-Z a-z 0-9 _ -</c>.</exception>
    public bool TryRegister(ITool tool)
    {
        var name = CheckTool(tool, nameof(tool));
        lock (_writeGate)
        {
            var current = ReadForWrite();
            if (current.ByName.ContainsKey(name))
            {
                return false;
            }
            _snapshot = current.With(name, tool);
            return true;
        }
    }

    /// <summary>
    /// Registers every tool in <paramref name="tools"/>, or none: the batch is checked in full (names valid, no duplicate
    /// inside the batch or in the registry) before one atomic publish.
    /// </summary>
    /// <exception cref="ToolAlreadyRegisteredException">A name is taken or appears twice in the batch; nothing was registered.</exception>
    /// <exception cref="ArgumentException">A tool is null or has an invalid name; nothing was registered.</exception>
    public void RegisterMany(IEnumerable<ITool> tools)
    {
        ArgumentNullException.ThrowIfNull(tools);
        var batch = tools.Select(t => (Name: CheckTool(t, nameof(tools)), Tool: t)).ToList();
        var batchNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, _) in batch)
        {
            if (!batchNames.Add(name))
            {
                throw new ToolAlreadyRegisteredException(name);
            }
        }
        if (batch.Count == 0)
        {
            return;
        }
        lock (_writeGate)
        {
            var current = ReadForWrite();
            foreach (var (name, _) in batch)
            {
                if (current.ByName.ContainsKey(name))
                {
                    throw new ToolAlreadyRegisteredException(name);
                }
            }
            _snapshot = current.With(batch);
        }
    }

    /// <summary>Removes the tool named <paramref name="name"/>; returns whether one was registered.</summary>
    public bool Deregister(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_writeGate)
        {
            var current = ReadForWrite();
            if (!current.ByName.TryGetValue(name, out var tool))
            {
                return false;
            }
            _snapshot = current.Without(name, tool);
            return true;
        }
    }

    /// <summary>The tool named <paramref name="name"/> (ordinal, case-sensitive), or <see langword="null"/>.</summary>
    public ITool? Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var snapshot = _snapshot;
        if (snapshot.ByName.TryGetValue(name, out var tool))
        {
            return tool;
        }
        ThrowIfRetired(snapshot);
        return null;
    }

    /// <summary>Looks up the tool named <paramref name="name"/>.</summary>
    public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ITool? tool) =>
        (tool = Get(name)) is not null;

    /// <summary>The tool named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such tool is registered.</exception>
    public ITool GetRequired(string name) =>
        Get(name) ?? throw new KeyNotFoundException($"No tool named '{name}' is registered.");

    /// <summary>Whether a tool named <paramref name="name"/> is registered.</summary>
    public bool Exists(string name) => Get(name) is not null;

    /// <summary>Every tool, in registration order: an immutable snapshot (no copy is made).</summary>
    public ImmutableArray<ITool> ListAll() => Read().Ordered;

    /// <summary>Every tool name, sorted ordinally: an immutable snapshot.</summary>
    public ImmutableArray<string> ListNames() => Read().SortedNames;

    /// <summary>The tools of one category, in registration order: an immutable snapshot.</summary>
    public ImmutableArray<ITool> ListByCategory(ToolCategory category)
    {
        var all = Read().Ordered;
        var builder = ImmutableArray.CreateBuilder<ITool>();
        foreach (var tool in all)
        {
            if (tool.Category == category)
            {
                builder.Add(tool);
            }
        }
        return builder.DrainToImmutable();
    }

    /// <summary>Removes every tool.</summary>
    public void Clear()
    {
        lock (_writeGate)
        {
            _ = ReadForWrite();
            _snapshot = Snapshot.Empty;
        }
    }

    private void Retire()
    {
        lock (_writeGate)
        {
            _snapshot = Snapshot.Retired;
        }
    }

    private Snapshot Read()
    {
        var snapshot = _snapshot;
        ThrowIfRetired(snapshot);
        return snapshot;
    }

    private Snapshot ReadForWrite() => Read();

    private static void ThrowIfRetired(Snapshot snapshot)
    {
        if (snapshot.IsRetired)
        {
            throw new InvalidOperationException(
                "This ToolRegistry was retired by ToolRegistry.ResetShared(); use ToolRegistry.Shared (or an injected registry) instead of a stale reference.");
        }
    }

    private static string CheckTool(ITool? tool, string paramName)
    {
        if (tool is null)
        {
            throw new ArgumentNullException(paramName, "A tool to register is null.");
        }
        var name = tool.Name;
        if (!IsValidName(name))
        {
            throw new ArgumentException(
                $"Tool name '{name}' is invalid: model providers accept 1 to 64 characters from A-Z, a-z, 0-9, '_' and '-'.",
                paramName);
        }
        return name;
    }

    private static bool IsValidName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 64)
        {
            return false;
        }
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '-'))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>One published state. Never mutated after publication, except the lazily cached sorted names.</summary>
    private sealed class Snapshot
    {
        public static readonly Snapshot Empty = new(FrozenDictionary<string, ITool>.Empty, [], isRetired: false);
        public static readonly Snapshot Retired = new(FrozenDictionary<string, ITool>.Empty, [], isRetired: true);

        public readonly FrozenDictionary<string, ITool> ByName;
        public readonly ImmutableArray<ITool> Ordered;
        public readonly bool IsRetired;
        private string[]? _sortedNames;

        private Snapshot(FrozenDictionary<string, ITool> byName, ImmutableArray<ITool> ordered, bool isRetired)
        {
            ByName = byName;
            Ordered = ordered;
            IsRetired = isRetired;
        }

        /// <summary>
        /// Sorted on first use. Racing readers may each sort, but they compute the same array and a reference write is
        /// atomic, so every reader gets a complete, correct array (a benign race).
        /// </summary>
        public ImmutableArray<string> SortedNames
        {
            get
            {
                var names = Volatile.Read(ref _sortedNames);
                if (names is null)
                {
                    names = [.. ByName.Keys];
                    Array.Sort(names, StringComparer.Ordinal);
                    Volatile.Write(ref _sortedNames, names);
                }
                return ImmutableCollectionsMarshal.AsImmutableArray(names);
            }
        }

        public Snapshot With(string name, ITool tool) =>
            new(ByName.Append(KeyValuePair.Create(name, tool)).ToFrozenDictionary(StringComparer.Ordinal), Ordered.Add(tool), false);

        public Snapshot With(List<(string Name, ITool Tool)> batch) =>
            new(
                ByName.Concat(batch.Select(b => KeyValuePair.Create(b.Name, b.Tool))).ToFrozenDictionary(StringComparer.Ordinal),
                Ordered.AddRange(batch.Select(b => b.Tool)),
                false);

        public Snapshot Without(string name, ITool tool) =>
            new(
                ByName.Where(kv => !string.Equals(kv.Key, name, StringComparison.Ordinal)).ToFrozenDictionary(StringComparer.Ordinal),
                Ordered.Remove(tool, ReferenceEqualityComparer.Instance),
                false);
    }
}
