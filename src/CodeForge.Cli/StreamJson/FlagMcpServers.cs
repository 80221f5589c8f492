using System.Collections.Immutable;
using CodeForge.Cli.Runtime;
using CodeForge.Mcp.Client;
using CodeForge.Mcp.Config;

namespace CodeForge.Cli.StreamJson;

/// <summary>
/// <c>--mcp-config</c> (files or JSON strings with <c>mcpServers</c>, repeatable) and <c>--strict-mcp-config</c>: the
/// servers are started with the session and their tools registered; with strict, the tools of every other configured
/// server are taken out of the registry, so the model sees only these. Problems are reported one line each; the other
/// servers still start.
/// </summary>
/// <remarks>Thread-safe: managers are added under a lock (from the startup path, and from <c>initialize</c> on the reader's
/// flow, before any turn can use them) and read as an immutable list; each manager is thread-safe; disposed with the
/// session.</remarks>
internal sealed class FlagMcpServers : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly bool _strict;
    private readonly ForgeRuntime _runtime;
    private ImmutableList<McpClientManager> _managers = [];

    private FlagMcpServers(ForgeRuntime runtime, bool strict)
    {
        _runtime = runtime;
        _strict = strict;
    }

    /// <summary>The statuses the SDK is shown: these servers, and the configured ones unless strict.</summary>
    public ImmutableArray<McpServerStatus> Statuses =>
        [.. _strict ? [] : _runtime.McpStatuses(), .. Volatile.Read(ref _managers).SelectMany(m => m.GetStatuses())];

    public static async Task<FlagMcpServers> StartAsync(ForgeRuntime runtime, IReadOnlyList<string> configs, bool strict,
        Func<string, string?> environment, TextWriter stderr, CancellationToken ct)
    {
        if (strict)
        {
            foreach (var tool in runtime.McpTools())
            {
                runtime.Registry.Deregister(tool.Name);
            }
        }
        var self = new FlagMcpServers(runtime, strict);
        await self.AddAsync(configs, environment, stderr, ct).ConfigureAwait(false);
        return self;
    }

    /// <summary>Starts the servers of <paramref name="configs"/> (files or JSON) and registers their tools.</summary>
    public async Task AddAsync(IReadOnlyList<string> configs, Func<string, string?> environment, TextWriter stderr, CancellationToken ct)
    {
        if (configs.Count == 0)
        {
            return;
        }
        var runtime = _runtime;
        var servers = new List<McpServerConfig>();
        foreach (var config in configs)
        {
            var isJson = config.TrimStart().StartsWith('{');
            var file = isJson ? "--mcp-config" : Path.GetFullPath(config, runtime.WorkingDirectory);
            if (!isJson && !File.Exists(file))
            {
                await stderr.WriteLineAsync($"forge: --mcp-config: no such file: {file} (pass a file or a JSON object with mcpServers)").ConfigureAwait(false);
                continue;
            }
            var set = McpConfigLoader.Parse(isJson ? config : await File.ReadAllTextAsync(file, ct).ConfigureAwait(false), file, McpConfigScope.Project, environment);
            foreach (var d in set.Diagnostics)
            {
                await stderr.WriteLineAsync($"forge: {d}").ConfigureAwait(false);
            }
            servers.AddRange(set.Servers);
        }
        var problems = new List<string>();
        var options = McpClientManagerOptions.FromEnvironment(environment, problems) with
        {
            WorkingDirectory = runtime.WorkingDirectory,
            ClientVersion = Program.InformationalVersion,
        };
        foreach (var p in problems)
        {
            await stderr.WriteLineAsync($"forge: {p}").ConfigureAwait(false);
        }
        var manager = new McpClientManager(servers.DistinctBy(s => s.Name, StringComparer.Ordinal), options);
        lock (_gate)
        {
            _managers = _managers.Add(manager);
        }
        foreach (var status in await manager.ConnectAllAsync(ct).ConfigureAwait(false))
        {
            if (status.State == McpServerState.Failed)
            {
                await stderr.WriteLineAsync($"forge: MCP server '{status.Name}' (--mcp-config) failed: {status.Error}").ConfigureAwait(false);
            }
        }
        foreach (var tool in manager.GetTools())
        {
            if (!runtime.Registry.TryRegister(tool))
            {
                await stderr.WriteLineAsync($"forge: --mcp-config: tool {tool.Name} is already registered; the --mcp-config one is not used").ConfigureAwait(false);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var manager in Volatile.Read(ref _managers))
        {
            await manager.DisposeAsync().ConfigureAwait(false);
        }
    }
}
