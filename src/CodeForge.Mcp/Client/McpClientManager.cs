using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Text.Json;
using CodeForge.Core.Tools;
using CodeForge.Mcp.Config;

namespace CodeForge.Mcp.Client;

/// <summary>
/// The MCP servers of one forge run: starts each on first use (stdio or streamable HTTP, through the official SDK),
/// lists its tools as <c>mcp__&lt;server&gt;__&lt;tool&gt;</c> <see cref="ITool"/>s, calls them, restarts a crashed
/// server, and closes every server on disposal.
/// </summary>
/// <remarks>
/// <para>Concurrency contract. Every member may be called concurrently from any thread.</para>
/// <list type="bullet">
/// <item>Each server has one <see cref="SemaphoreSlim"/> gate that serializes its start, restart and disposal (held
/// across the awaits of a start; no <c>lock</c> is held across an await). Concurrent first uses of one server start it
/// exactly once: the first caller starts it, the others wait at the gate and then find the live client.</item>
/// <item>The live client and its tools are one immutable record behind a volatile reference: readers
/// (<see cref="GetStatus"/>, <see cref="GetTools"/>, a call) never lock and never see a half-started server. A restart
/// is atomic: it replaces the record only if it still holds the client the caller saw die, so two callers that see the
/// same crash restart it once; a call is retried at most once on the new client.</item>
/// <item>Servers start in parallel (<see cref="ConnectAllAsync"/>), each bounded by
/// <see cref="McpClientManagerOptions.StartupTimeout"/>: a slow or dead server fails alone and never delays the others
/// beyond that. A failed start is remembered (the server is reported, not retried on every call); a server that crashes
/// after it started is restarted on next use.</item>
/// <item>The server set is one immutable record behind a volatile reference. <see cref="ApplyAsync"/> (one at a time,
/// behind its own gate) swaps in the new set, then closes the servers it removed or replaced: a call already running on
/// one of those fails as after disposal; later calls reach the new server.</item>
/// <item><see cref="DisposeAsync"/> cancels starts in progress, then closes every client: stdio servers get their stdin
/// closed and are killed (with their process tree, by the SDK) after <see cref="McpClientManagerOptions.ShutdownTimeout"/>.
/// After disposal, calls fail with <see cref="ObjectDisposedException"/>.</item>
/// </list>
/// </remarks>
public sealed class McpClientManager : IAsyncDisposable
{
    private readonly CancellationTokenSource _shutdown = new();
    private readonly SemaphoreSlim _applyGate = new(1, 1);
    private volatile ServerSet _set;
    private int _disposed;

    /// <summary>Creates a manager for <paramref name="servers"/> (nothing starts until first use).</summary>
    /// <exception cref="ArgumentException">Two servers have the same name.</exception>
    public McpClientManager(IEnumerable<McpServerConfig> servers, McpClientManagerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(servers);
        options ??= new McpClientManagerOptions();
        if (options.StartupTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.StartupTimeout, "The MCP start-up timeout must be positive.");
        }
        var list = new List<McpServerConnection>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var server in servers)
        {
            if (!names.Add(server.Name))
            {
                throw new ArgumentException($"Two MCP servers are named \"{server.Name}\".", nameof(servers));
            }
            list.Add(new McpServerConnection(server, options, _shutdown.Token));
        }
        _set = new ServerSet([.. list]);
        Options = options;
    }

    /// <summary>The limits in force.</summary>
    public McpClientManagerOptions Options { get; }

    /// <summary>The configured servers, in the order given.</summary>
    public ImmutableArray<McpServerConfig> Servers => [.. _set.Ordered.Select(c => c.Config)];

    /// <summary>The current state of <paramref name="server"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such server.</exception>
    public McpServerStatus GetStatus(string server) => Get(server).Status;

    /// <summary>The current state of every server.</summary>
    public ImmutableArray<McpServerStatus> GetStatuses() => [.. _set.Ordered.Select(c => c.Status)];

    /// <summary>Starts <paramref name="server"/> if needed (within the start-up timeout) and returns its state.</summary>
    public async Task<McpServerStatus> ConnectAsync(string server, CancellationToken cancellationToken = default)
    {
        var connection = Get(server);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        try
        {
            await connection.EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (McpServerUnavailableException)
        {
            // Reported through the status.
        }
        return connection.Status;
    }

    /// <summary>Starts every server in parallel; each is bounded by the start-up timeout. Never throws for a server's failure.</summary>
    public async Task<ImmutableArray<McpServerStatus>> ConnectAllAsync(CancellationToken cancellationToken = default)
    {
        var tasks = _set.Ordered.Select(c => ConnectAsync(c.Config.Name, cancellationToken)).ToArray();
        return [.. await Task.WhenAll(tasks).ConfigureAwait(false)];
    }

    /// <summary>The tools of every connected server (servers not started, starting or failed contribute none).</summary>
    public ImmutableArray<ITool> GetTools()
    {
        var tools = ImmutableArray.CreateBuilder<ITool>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var connection in _set.Ordered)
        {
            var live = connection.Current;
            foreach (var tool in live?.Tools ?? [])
            {
                var mcpTool = new McpTool(connection, tool);
                if (seen.Add(mcpTool.Name))
                {
                    tools.Add(mcpTool);
                }
            }
        }
        return tools.ToImmutable();
    }

    /// <summary>Calls <paramref name="tool"/> (its name on the server) on <paramref name="server"/>, starting or restarting it as needed.</summary>
    public Task<ToolResult> CallToolAsync(string server, string tool, JsonElement arguments, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return Get(server).CallToolAsync(tool, arguments, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        // Cancel, not CancelAsync: both return once every callback (the starts' linked tokens) has run, but CancelAsync
        // runs them on a thread-pool task that the systematic tests (Coyote, strict mode) cannot control.
#pragma warning disable VSTHRD103 // deliberate (above): the callbacks are quick token links; none blocks
        _shutdown.Cancel();
#pragma warning restore VSTHRD103
        // An ApplyAsync in progress finishes first (it sees the disposal and adds nothing), so no server is left open.
        await _applyGate.WaitAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_set.Ordered.Select(c => c.DisposeAsync().AsTask()).ToArray()).ConfigureAwait(false);
        }
        finally
        {
            _applyGate.Release();
        }
        _shutdown.Dispose();
        _applyGate.Dispose();
    }

    /// <summary>
    /// Makes <paramref name="servers"/> the server set while forge runs: a new name is added (it starts on first use or
    /// <see cref="ConnectAsync"/>), a name no longer listed is closed, a server whose launch settings changed (command,
    /// arguments, environment, URL, headers) is closed and replaced by a new one; an unchanged server keeps its process.
    /// </summary>
    /// <exception cref="ArgumentException">Two servers have the same name (nothing changes).</exception>
    /// <exception cref="ObjectDisposedException">The manager is disposed.</exception>
    public async Task<McpServerSetChange> ApplyAsync(IEnumerable<McpServerConfig> servers, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(servers);
        var configs = servers.ToList();
        var duplicate = configs.GroupBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Two MCP servers are named \"{duplicate.Key}\".", nameof(servers));
        }
        await _applyGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            var old = _set;
            var next = new List<McpServerConnection>();
            var (added, restarted) = (ImmutableArray.CreateBuilder<string>(), ImmutableArray.CreateBuilder<string>());
            var retired = new List<McpServerConnection>();
            foreach (var config in configs)
            {
                if (old.ByName.TryGetValue(config.Name, out var existing) && SameLaunch(existing.Config, config))
                {
                    next.Add(existing);
                    continue;
                }
                (existing is null ? added : restarted).Add(config.Name);
                if (existing is not null)
                {
                    retired.Add(existing);
                }
                next.Add(new McpServerConnection(config, Options, _shutdown.Token));
            }
            var names = configs.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
            var removed = old.Ordered.Where(c => !names.Contains(c.Config.Name)).ToList();
            retired.AddRange(removed);
            _set = new ServerSet([.. next]);
            await Task.WhenAll(retired.Select(c => c.DisposeAsync().AsTask()).ToArray()).ConfigureAwait(false);
            return new McpServerSetChange(added.ToImmutable(), [.. removed.Select(c => c.Config.Name)], restarted.ToImmutable());
        }
        finally
        {
            _applyGate.Release();
        }
    }

    /// <summary>Whether <see cref="ApplyAsync"/> with <paramref name="servers"/> would change anything.</summary>
    public bool WouldChange(IReadOnlyList<McpServerConfig> servers)
    {
        ArgumentNullException.ThrowIfNull(servers);
        var set = _set;
        return servers.Count != set.Ordered.Length ||
               servers.Any(c => !set.ByName.TryGetValue(c.Name, out var existing) || !SameLaunch(existing.Config, c));
    }

    /// <summary>Whether two entries start the same server (where they were read from does not matter).</summary>
    private static bool SameLaunch(McpServerConfig a, McpServerConfig b) =>
        a.Transport == b.Transport && a.Command == b.Command && a.Args.SequenceEqual(b.Args, StringComparer.Ordinal) &&
        SameMap(a.Env, b.Env) && a.Url == b.Url && SameMap(a.Headers, b.Headers) && a.PluginRoot == b.PluginRoot && a.Error == b.Error;

    private static bool SameMap(ImmutableDictionary<string, string> a, ImmutableDictionary<string, string> b) =>
        a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var v) && v == p.Value);

    private McpServerConnection Get(string server) =>
        _set.ByName.TryGetValue(server, out var c) ? c : throw new KeyNotFoundException($"No MCP server is named \"{server}\".");

    /// <summary>One server set: in configuration order, and by name.</summary>
    private sealed class ServerSet(ImmutableArray<McpServerConnection> ordered)
    {
        public ImmutableArray<McpServerConnection> Ordered { get; } = ordered;

        public FrozenDictionary<string, McpServerConnection> ByName { get; } = ordered.ToFrozenDictionary(c => c.Config.Name, StringComparer.Ordinal);
    }
}

/// <summary>What <see cref="McpClientManager.ApplyAsync"/> changed: servers added, removed, and replaced (restarted).</summary>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record McpServerSetChange(ImmutableArray<string> Added, ImmutableArray<string> Removed, ImmutableArray<string> Restarted)
{
    /// <summary>True when the set is as it was.</summary>
    public bool IsEmpty => Added.IsEmpty && Removed.IsEmpty && Restarted.IsEmpty;
}
