using System.Collections.Immutable;
using System.Text.Json;
using CodeForge.Core.Commands;
using CodeForge.Core.Skills;
using CodeForge.Core.Paths;
using CodeForge.Core.Concurrency;

namespace CodeForge.Core.Plugins;

/// <summary>How a <see cref="PluginManager.LoadAsync"/> or <see cref="PluginManager.ReloadAsync"/> ended.</summary>
public enum PluginLoadOutcome
{
    /// <summary>This call read the plugin and published it.</summary>
    Loaded,

    /// <summary>The plugin was already loaded, or another call was loading it and this call waited for it.</summary>
    AlreadyLoaded,

    /// <summary>This call replaced a loaded plugin with a fresh read of it.</summary>
    Reloaded,

    /// <summary>The plugin is broken or conflicts with a loaded one; nothing was published.</summary>
    Failed,
}

/// <summary>A plugin as published by the <see cref="PluginManager"/>.</summary>
/// <param name="Definition">Everything the plugin provides.</param>
/// <param name="Sequence">The manager's publish number of this load (1, 2, …); a reload gets a new one.</param>
/// <param name="Warnings">Problems that did not stop it loading (skipped skills, unknown hook events, …).</param>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record LoadedPlugin(PluginDefinition Definition, long Sequence, ImmutableArray<LoadDiagnostic> Warnings)
{
    public string Name => Definition.Name;

    public string Root => Definition.Root;

    /// <summary>The names of the skills it put in the <see cref="SkillRegistry"/>.</summary>
    public ImmutableArray<string> SkillNames { get; } = [.. Definition.Skills.Select(s => s.Metadata.Name)];
}

/// <summary>The result of one load or reload call.</summary>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record PluginLoadResult(PluginLoadOutcome Outcome, string Root, LoadedPlugin? Plugin, ImmutableArray<LoadDiagnostic> Diagnostics)
{
    public bool Succeeded => Outcome != PluginLoadOutcome.Failed;
}

/// <summary>
/// The loaded plugins at one instant, each whole: its skills, commands, agents, hooks and MCP servers together.
/// </summary>
/// <remarks>Immutable; any thread may use it without locking.</remarks>
public sealed class PluginManagerSnapshot
{
    internal static readonly PluginManagerSnapshot Empty = new(ImmutableSortedDictionary.Create<string, LoadedPlugin>(StringComparer.Ordinal), 0);

    internal PluginManagerSnapshot(ImmutableSortedDictionary<string, LoadedPlugin> plugins, long version)
    {
        Plugins = plugins;
        Version = version;
    }

    /// <summary>Plugin name → plugin, sorted by name.</summary>
    public ImmutableSortedDictionary<string, LoadedPlugin> Plugins { get; }

    /// <summary>How many changes were published before this snapshot.</summary>
    public long Version { get; }

    /// <summary>The plugin loaded from <paramref name="root"/>, or null.</summary>
    public LoadedPlugin? ByRoot(string root) => Plugins.Values.FirstOrDefault(p => p.Root == root);

    /// <summary>Every plugin's hooks (for the hook runner).</summary>
    public ImmutableArray<PluginHookSet> Hooks => [.. Plugins.Values.Select(p => p.Definition.Hooks).OfType<PluginHookSet>()];

    /// <summary>
    /// Every plugin's MCP servers (for the MCP client), named <c>plugin:&lt;plugin&gt;:&lt;server&gt;</c> as Claude Code
    /// names them (<see cref="PluginMcpServerName"/>; its tools are then <c>mcp__plugin_&lt;plugin&gt;_&lt;server&gt;__&lt;tool&gt;</c>).
    /// </summary>
    public ImmutableSortedDictionary<string, JsonElement> McpServers =>
        Plugins.Values.SelectMany(p => p.Definition.McpServers.Select(s => (Key: PluginMcpServerName.Of(p.Name, s.Key), s.Value)))
            .ToImmutableSortedDictionary(x => x.Key, x => x.Value, StringComparer.Ordinal);

    /// <summary>Every plugin's agent files (for the subagent runner).</summary>
    public ImmutableArray<PluginAgent> Agents => [.. Plugins.Values.SelectMany(p => p.Definition.Agents)];

    internal PluginManagerSnapshot With(LoadedPlugin plugin) => new(Plugins.SetItem(plugin.Name, plugin), Version + 1);

    internal PluginManagerSnapshot Without(string name) => new(Plugins.Remove(name), Version + 1);
}

/// <summary>
/// Loads, unloads and reloads plugins, publishing their components: skills into the <see cref="SkillRegistry"/>
/// (namespaced <c>plugin:skill</c>), commands into the <see cref="CommandCatalog"/> (source <c>plugin:&lt;name&gt;</c>),
/// and agents, hooks and MCP servers as data on <see cref="Snapshot"/> for the subagent, hook and MCP runners.
/// </summary>
/// <remarks>
/// <para><b>Concurrency contract.</b> Every member may be called from any thread concurrently.</para>
/// <list type="bullet">
/// <item><b>Exactly once.</b> A plugin is keyed by its absolute root directory. Concurrent <see cref="LoadAsync"/> calls
/// for the same root read it once: the first starts the read, the others join that in-flight read (in-flight
/// deduplication) and report <see cref="PluginLoadOutcome.AlreadyLoaded"/>; a call for a root already loaded returns at
/// once. Reads of different plugins run in parallel, outside any lock.</item>
/// <item><b>All or nothing.</b> Publishing runs under one private lock, in this order: the skills in one atomic
/// <see cref="SkillRegistry.RegisterMany"/>, the commands in one <see cref="CommandCatalog.SetSource"/>, then the plugin
/// (with its agents, hooks and MCP servers) in one swap of the immutable <see cref="Snapshot"/>. So each of the three
/// views shows a plugin wholly or not at all, and once a reader sees a plugin in <see cref="Snapshot"/> its skills and
/// commands are visible. If any part is refused (a name clash), nothing of the plugin is published. Unloading removes
/// the plugin from the snapshot first, then its commands, then its skills (each one atomic step); a reload swaps each
/// view in one step (<see cref="SkillRegistry.Exchange"/>), so no reader sees a mix of the old and the new plugin.</item>
/// <item>Nothing is awaited while the lock is held. Removing the active skill makes the registry deliver a transition
/// on the calling thread while this lock is held: <see cref="SkillRegistry.Changed"/> handlers must not call back into
/// this manager's mutators.</item>
/// </list>
/// </remarks>
public sealed class PluginManager
{
    private readonly object _gate = new();
    private readonly SkillRegistry _skills;
    private readonly CommandCatalog _commands;
    private readonly IPluginReader _reader;
    private readonly Dictionary<string, Task<PluginLoadResult>> _inFlight = new(StringComparer.Ordinal); // guarded by _gate
    private volatile PluginManagerSnapshot _state = PluginManagerSnapshot.Empty;
    private long _sequence; // guarded by _gate
    private long _reads;

    public PluginManager(SkillRegistry skills, CommandCatalog commands, IPluginReader? reader = null)
    {
        _skills = skills ?? throw new ArgumentNullException(nameof(skills));
        _commands = commands ?? throw new ArgumentNullException(nameof(commands));
        _reader = reader ?? PluginReader.Instance;
    }

    /// <summary>The loaded plugins, one consistent immutable snapshot. Lock-free.</summary>
    public PluginManagerSnapshot Snapshot => _state;

    /// <summary>
    /// Test seam: a deliberately broken variant of the real class for the systematic-scheduling tests, which ignores the
    /// in-flight table (every load of a root not yet published starts its own read). Never set in the product.
    /// </summary>
    internal bool InFlightIgnoredForTests { get; init; }

    /// <summary>How many plugin reads this manager has started (a test of the exactly-once guarantee).</summary>
    public long ReadCount => Interlocked.Read(ref _reads);

    /// <summary>The command catalogue source key of a plugin's commands.</summary>
    public static string CommandSource(string pluginName) => "plugin:" + pluginName;

    /// <summary>Loads the plugin at <paramref name="root"/> once (see the class remarks). Never throws for a broken plugin: the result says why.</summary>
    public Task<PluginLoadResult> LoadAsync(string root, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        var key = Normalize(root);
        TaskCompletionSource<PluginLoadResult> owner;
        lock (_gate)
        {
            if (_state.ByRoot(key) is { } loaded)
            {
                return Task.FromResult(new PluginLoadResult(PluginLoadOutcome.AlreadyLoaded, key, loaded, []));
            }
            if (!InFlightIgnoredForTests && _inFlight.TryGetValue(key, out var running))
            {
                return JoinAsync(running, cancellationToken);
            }
            owner = new TaskCompletionSource<PluginLoadResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            _inFlight[key] = owner.Task;
        }
        return RunLoadAsync(key, owner, cancellationToken);
    }

    /// <summary>Loads several plugins concurrently; the results are in the order of <paramref name="roots"/>.</summary>
    public async Task<ImmutableArray<PluginLoadResult>> LoadAllAsync(IEnumerable<string> roots, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(roots);
        var tasks = roots.Select(r => LoadAsync(r, cancellationToken)).ToArray();
        return [.. await Task.WhenAll(tasks).ConfigureAwait(false)];
    }

    /// <summary>Unloads the plugin named <paramref name="name"/>; false when none is loaded.</summary>
    public bool Unload(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (_gate)
        {
            if (!_state.Plugins.TryGetValue(name, out var plugin))
            {
                return false;
            }
            _state = _state.Without(name);
            _commands.RemoveSource(CommandSource(name));
            _skills.UnregisterMany(plugin.SkillNames);
            return true;
        }
    }

    /// <summary>
    /// Reads the plugin named <paramref name="name"/> again and swaps it in atomically. If the new read is broken or
    /// clashes, the loaded plugin stays as it was and the result says why.
    /// </summary>
    public async Task<PluginLoadResult> ReloadAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!_state.Plugins.TryGetValue(name, out var current))
        {
            return new PluginLoadResult(PluginLoadOutcome.Failed, name, null, [LoadDiagnostic.Fail(name, null, $"no plugin named '{name}' is loaded")]);
        }
        Interlocked.Increment(ref _reads);
        var read = await _reader.ReadAsync(current.Root, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            if (!_state.Plugins.TryGetValue(name, out var now) || now.Root != current.Root)
            {
                return new PluginLoadResult(PluginLoadOutcome.Failed, current.Root, null,
                    [.. read.Diagnostics, LoadDiagnostic.Fail(current.Root, null, $"plugin '{name}' was unloaded during the reload")]);
            }
            if (read.Plugin is not { } definition)
            {
                return new PluginLoadResult(PluginLoadOutcome.Failed, current.Root, now, read.Diagnostics);
            }
            if (definition.Name != name)
            {
                return new PluginLoadResult(PluginLoadOutcome.Failed, current.Root, now,
                    [.. read.Diagnostics, LoadDiagnostic.Fail(definition.Manifest.ManifestPath ?? current.Root, null, $"the plugin was renamed to '{definition.Name}'; unload it and load it again")]);
            }
            try
            {
                _skills.Exchange(now.SkillNames, definition.Skills.Select(s => new Skill(s)));
            }
            catch (ArgumentException ex)
            {
                return new PluginLoadResult(PluginLoadOutcome.Failed, current.Root, now, [.. read.Diagnostics, LoadDiagnostic.Fail(current.Root, null, ex.Message)]);
            }
            _commands.SetSource(CommandSource(name), definition.Commands);
            var loaded = new LoadedPlugin(definition, ++_sequence, read.Diagnostics);
            _state = _state.With(loaded);
            return new PluginLoadResult(PluginLoadOutcome.Reloaded, current.Root, loaded, read.Diagnostics);
        }
    }

    private static async Task<PluginLoadResult> JoinAsync(Task<PluginLoadResult> running, CancellationToken cancellationToken)
    {
#pragma warning disable VSTHRD003 // The in-flight load is this manager's own task (its continuations run asynchronously); joining it is the point.
        var result = await TaskWaits.WaitOrCancelAsync(running, cancellationToken).ConfigureAwait(false);
#pragma warning restore VSTHRD003
        return result.Outcome == PluginLoadOutcome.Loaded ? result with { Outcome = PluginLoadOutcome.AlreadyLoaded, Diagnostics = [] } : result;
    }

    private async Task<PluginLoadResult> RunLoadAsync(string key, TaskCompletionSource<PluginLoadResult> owner, CancellationToken cancellationToken)
    {
        PluginReadResult read;
        try
        {
            Interlocked.Increment(ref _reads);
            read = await _reader.ReadAsync(key, cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A reader failure must reach every joined caller as a failed result, and the in-flight entry must go.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            read = new PluginReadResult(null, [LoadDiagnostic.Fail(key, null, ex is OperationCanceledException ? "loading was cancelled" : $"cannot read the plugin: {ex.Message}")]);
        }
        PluginLoadResult result;
        lock (_gate)
        {
            result = Publish(key, read);
            _inFlight.Remove(key);
        }
        owner.SetResult(result);
        return result;
    }

    /// <summary>Called under the lock: publishes a read plugin all or nothing.</summary>
    private PluginLoadResult Publish(string key, PluginReadResult read)
    {
        if (read.Plugin is not { } definition)
        {
            return new PluginLoadResult(PluginLoadOutcome.Failed, key, null, read.Diagnostics);
        }
        if (_state.Plugins.TryGetValue(definition.Name, out var other))
        {
            return new PluginLoadResult(PluginLoadOutcome.Failed, key, null,
                [.. read.Diagnostics, LoadDiagnostic.Fail(definition.Manifest.ManifestPath ?? key, null,
                    $"a plugin named '{definition.Name}' is already loaded from {other.Root}; plugin skipped")]);
        }
        try
        {
            _skills.RegisterMany(definition.Skills.Select(s => new Skill(s)));
        }
        catch (ArgumentException ex)
        {
            return new PluginLoadResult(PluginLoadOutcome.Failed, key, null,
                [.. read.Diagnostics, LoadDiagnostic.Fail(key, null, $"{ex.Message}; plugin skipped")]);
        }
        _commands.SetSource(CommandSource(definition.Name), definition.Commands);
        var loaded = new LoadedPlugin(definition, ++_sequence, read.Diagnostics);
        _state = _state.With(loaded);
        return new PluginLoadResult(PluginLoadOutcome.Loaded, key, loaded, read.Diagnostics);
    }

    private static string Normalize(string root) => PathText.Normalize(root);
}
