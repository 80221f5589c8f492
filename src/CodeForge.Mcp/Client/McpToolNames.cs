using System.Text;

namespace CodeForge.Mcp.Client;

/// <summary>
/// Forge's names for MCP tools: <c>mcp__&lt;server&gt;__&lt;tool&gt;</c>, as Claude Code names them (and as permission
/// rules match them). Characters outside <c>A-Z a-z 0-9 _ -</c> become <c>_</c> (Claude Code's
/// <c>normalizeMcpServerName</c>: the server <c>plugin:my.plugin:db</c> gives <c>mcp__plugin_my_plugin_db__…</c>); the name
/// is cut to 64 characters.
/// </summary>
/// <remarks>Stateless; safe from any thread.</remarks>
public static class McpToolNames
{
    /// <summary>The prefix of every MCP tool name.</summary>
    public const string Prefix = "mcp__";

    /// <summary>The longest tool name a model accepts.</summary>
    public const int MaxLength = 64;

    /// <summary>The forge name of <paramref name="tool"/> on <paramref name="server"/>.</summary>
    public static string Format(string server, string tool)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(tool);
        var name = ServerPrefix(server) + Sanitize(tool);
        return name.Length <= MaxLength ? name : name[..MaxLength];
    }

    /// <summary>What the names of <paramref name="server"/>'s tools start with: <c>mcp__&lt;server, sanitised&gt;__</c>.</summary>
    public static string ServerPrefix(string server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return $"{Prefix}{Sanitize(server)}__";
    }

    /// <summary>Replaces every character a tool name may not contain with <c>_</c>.</summary>
    public static string Sanitize(string part)
    {
        ArgumentNullException.ThrowIfNull(part);
        var builder = new StringBuilder(part.Length);
        foreach (var c in part)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_');
        }
        return builder.ToString();
    }
}
