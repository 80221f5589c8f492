using System.Collections.Immutable;

namespace CodeForge.Mcp.Config;

/// <summary>
/// The servers of the last good text read from each MCP configuration file (<c>.mcp.json</c>, <c>~/.forge/mcp.json</c>,
/// the user settings' <c>mcpServers</c>), so a file broken while forge runs keeps its servers until it is fixed (see
/// <see cref="McpConfigLoader.Load(McpConfigSources, Func{string, string?}, McpConfigFileMemory?)"/>).
/// </summary>
/// <remarks>Thread-safe: one lock guards the map; entries are immutable arrays.</remarks>
public sealed class McpConfigFileMemory
{
    private readonly object _lock = new();
    private readonly Dictionary<string, ImmutableArray<McpServerConfig>> _good = new(StringComparer.Ordinal);

    internal void Remember(string file, ImmutableArray<McpServerConfig> servers)
    {
        lock (_lock)
        {
            _good[file] = servers;
        }
    }

    internal ImmutableArray<McpServerConfig>? Recall(string file)
    {
        lock (_lock)
        {
            return _good.TryGetValue(file, out var servers) ? servers : null;
        }
    }

    internal void Forget(string file)
    {
        lock (_lock)
        {
            _good.Remove(file);
        }
    }
}
