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
/// <item><see cref="DisposeAsync"/> cancels starts in progress, then closes every client: stdio servers get their stdin
/// closed and are killed (with their process tree, by the SDK) after <see cref="McpClientManagerOptions.ShutdownTimeout"/>.
/// After disposal, calls fail with <see cref="ObjectDisposedException"/>.</item>
/// </list>
/// </remarks>
public sealed class McpClientManager : IAsyncDisposable
{
    private readonly FrozenDictionary<string, McpServerConnection> _connections;
    private readonly ImmutableArray<McpServerConnection> _ordered;
    private readonly CancellationTokenSource _shutdown = new();
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
        _ordered = [.. list];
        _connections = list.ToFrozenDictionary(c => c.Config.Name, StringComparer.Ordinal);
        Options = options;
    }

    /// <summary>The limits in force.</summary>
    public McpClientManagerOptions Options { get; }

    /// <summary>The configured servers, in the order given.</summary>
    public ImmutableArray<McpServerConfig> Servers => [.. _ordered.Select(c => c.Config)];

    /// <summary>The current state of <paramref name="server"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such server.</exception>
    public McpServerStatus GetStatus(string server) => Get(server).Status;

    /// <summary>The current state of every server.</summary>
    public ImmutableArray<McpServerStatus> GetStatuses() => [.. _ordered.Select(c => c.Status)];

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
        var tasks = _ordered.Select(c => ConnectAsync(c.Config.Name, cancellationToken)).ToArray();
        return [.. await Task.WhenAll(tasks).ConfigureAwait(false)];
    }

    /// <summary>The tools of every connected server (servers not started, starting or failed contribute none).</summary>
    public ImmutableArray<ITool> GetTools()
    {
        var tools = ImmutableArray.CreateBuilder<ITool>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var connection in _ordered)
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
        await Task.WhenAll(_ordered.Select(c => c.DisposeAsync().AsTask()).ToArray()).ConfigureAwait(false);
        _shutdown.Dispose();
    }

    private McpServerConnection Get(string server) =>
        _connections.TryGetValue(server, out var c) ? c : throw new KeyNotFoundException($"No MCP server is named \"{server}\".");
}
