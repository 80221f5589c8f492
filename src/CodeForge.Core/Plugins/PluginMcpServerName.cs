namespace CodeForge.Core.Plugins;

/// <summary>
/// The name of an MCP server a plugin brings, as Claude Code names it: <c>plugin:&lt;plugin&gt;:&lt;server&gt;</c> in the
/// <c>system/init</c> event, <c>/mcp</c>, <c>forge doctor</c> and failure reports. Its tools take the name with every
/// character outside <c>A-Z a-z 0-9 _ -</c> made <c>_</c> (Claude Code's <c>normalizeMcpServerName</c>), so they stay
/// <c>mcp__plugin_&lt;plugin&gt;_&lt;server&gt;__&lt;tool&gt;</c>.
/// </summary>
/// <remarks>Stateless; safe from any thread.</remarks>
public static class PluginMcpServerName
{
    /// <summary>What every plugin server's name starts with.</summary>
    public const string Prefix = "plugin:";

    /// <summary>The name of <paramref name="plugin"/>'s server <paramref name="server"/>.</summary>
    public static string Of(string plugin, string server)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        ArgumentNullException.ThrowIfNull(server);
        return $"{Prefix}{plugin}:{server}";
    }
}
