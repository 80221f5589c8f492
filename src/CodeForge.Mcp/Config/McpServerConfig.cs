using System.Collections.Immutable;
using System.Text.Json;

namespace CodeForge.Mcp.Config;

/// <summary>How forge talks to an MCP server.</summary>
public enum McpTransportKind
{
    /// <summary>A local process speaking JSON-RPC on stdin/stdout (<c>command</c>, <c>args</c>, <c>env</c>).</summary>
    Stdio,

    /// <summary>Streamable HTTP (<c>"type": "http"</c>, <c>url</c>, <c>headers</c>).</summary>
    Http,

    /// <summary>The older HTTP with server-sent events (<c>"type": "sse"</c>).</summary>
    Sse,
}

/// <summary>Where a server's configuration came from, in increasing precedence.</summary>
public enum McpConfigScope
{
    /// <summary>A plugin's <c>.mcp.json</c> or <c>mcpServers</c>: the server is named <c>plugin:&lt;plugin&gt;:&lt;server&gt;</c>,
    /// its tools <c>mcp__plugin_&lt;plugin&gt;_&lt;server&gt;__…</c>.</summary>
    Plugin,

    /// <summary>The user's <c>~/.forge/settings.json</c> (<c>mcpServers</c>).</summary>
    UserSettings,

    /// <summary>The user's <c>~/.forge/mcp.json</c>.</summary>
    User,

    /// <summary>The project's <c>.mcp.json</c> (at the repository root).</summary>
    Project,
}

/// <summary>
/// One MCP server, with every <c>${VAR}</c> / <c>${VAR:-default}</c> already expanded. When the expansion or the entry
/// itself is wrong, <see cref="Error"/> says why and the server is never started (the others are unaffected).
/// </summary>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record McpServerConfig
{
    /// <summary>
    /// The server's name as users see it, in the <c>system/init</c> event, <c>/mcp</c>, <c>forge doctor</c> and failure
    /// reports (a plugin's: <c>plugin:&lt;plugin&gt;:&lt;server&gt;</c>). Its tools are named from <see cref="ToolPrefix"/>.
    /// </summary>
    public required string Name { get; init; }

    /// <summary>What the names of this server's tools start with: <c>mcp__&lt;Name, every character outside A-Z a-z 0-9 _ -
    /// made _&gt;__</c>, as Claude Code names them (<see cref="Client.McpToolNames.ServerPrefix"/>).</summary>
    public string ToolPrefix => Client.McpToolNames.ServerPrefix(Name);

    /// <summary>How to reach it.</summary>
    public McpTransportKind Transport { get; init; }

    /// <summary>The program to run (stdio).</summary>
    public string? Command { get; init; }

    /// <summary>Its arguments (stdio).</summary>
    public ImmutableArray<string> Args { get; init; } = [];

    /// <summary>Extra environment variables for the process (stdio).</summary>
    public ImmutableDictionary<string, string> Env { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>The endpoint (http, sse).</summary>
    public string? Url { get; init; }

    /// <summary>Extra HTTP headers (http, sse).</summary>
    public ImmutableDictionary<string, string> Headers { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>The file (or description) the entry was read from.</summary>
    public required string Source { get; init; }

    /// <summary>Which kind of source that is.</summary>
    public McpConfigScope Scope { get; init; }

    /// <summary>The plugin's root directory (<c>${CLAUDE_PLUGIN_ROOT}</c>) for plugin servers, else null.</summary>
    public string? PluginRoot { get; init; }

    /// <summary>The entry as written (before expansion), for <c>forge mcp get</c>.</summary>
    public JsonElement Raw { get; init; }

    /// <summary>Why this server cannot be started (a missing variable, a bad entry), or null when it can.</summary>
    public string? Error { get; init; }

    /// <summary>A short description: the command line or the URL.</summary>
    public string Describe() => Transport == McpTransportKind.Stdio
        ? string.Join(' ', Args.Prepend(Command ?? "?"))
        : $"{Url} ({(Transport == McpTransportKind.Http ? "http" : "sse")})";
}
