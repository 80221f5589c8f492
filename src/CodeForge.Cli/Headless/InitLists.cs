using System.Collections.Immutable;
using System.Text.Json;
using CodeForge.Cli.Runtime;
using CodeForge.Mcp.Client;

namespace CodeForge.Cli.Headless;

/// <summary>
/// The lists of the <c>system/init</c> line of <c>forge -p --output-format stream-json</c>, as Claude Code's: the MCP
/// servers with their state (a plugin's named <c>plugin:&lt;plugin&gt;:&lt;server&gt;</c>), the slash commands, skills
/// (<see cref="InitNames"/>), agents and plugins.
/// </summary>
/// <remarks>Immutable; taken once from the runtime's thread-safe snapshots and safe to share between threads.</remarks>
internal sealed record InitLists(
    ImmutableArray<McpServerStatus> McpServers,
    ImmutableArray<string> SlashCommands,
    ImmutableArray<string> Skills,
    ImmutableArray<string> Agents,
    ImmutableArray<(string Name, string Path)> Plugins)
{
    /// <summary>The lists of <paramref name="runtime"/> as they are now.</summary>
    public static InitLists From(ForgeRuntime runtime)
    {
        ArgumentNullException.ThrowIfNull(runtime);
        var commands = runtime.Commands;
        var skills = runtime.Skills;
        return new InitLists(
            runtime.McpStatuses(),
            [.. InitNames.SlashCommands(commands, skills)],
            [.. InitNames.Skills(skills, commands)],
            [.. runtime.AgentCatalog.Agents.Select(a => a.Name)],
            [.. runtime.Plugins.Select(p => (p.Name, p.Root))]);
    }

    /// <summary>Writes <c>mcp_servers</c>.</summary>
    public void WriteMcpServers(Utf8JsonWriter w)
    {
        ArgumentNullException.ThrowIfNull(w);
        w.WriteStartArray("mcp_servers");
        foreach (var s in McpServers)
        {
            w.WriteStartObject();
            w.WriteString("name", s.Name);
            w.WriteString("status", Status(s.State));
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>Claude Code's word for a server's state: <c>connected</c>, <c>failed</c> or <c>pending</c>.</summary>
    public static string Status(McpServerState state) => state switch
    {
        McpServerState.Connected => "connected",
        McpServerState.Failed => "failed",
        _ => "pending",
    };

    /// <summary>Writes <c>slash_commands</c>, <c>agents</c>, <c>skills</c> and <c>plugins</c>.</summary>
    public void WriteNames(Utf8JsonWriter w)
    {
        ArgumentNullException.ThrowIfNull(w);
        Strings(w, "slash_commands", SlashCommands);
        Strings(w, "agents", Agents);
        Strings(w, "skills", Skills);
        w.WriteStartArray("plugins");
        foreach (var (name, path) in Plugins)
        {
            w.WriteStartObject();
            w.WriteString("name", name);
            w.WriteString("path", path);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void Strings(Utf8JsonWriter w, string name, ImmutableArray<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }
        w.WriteEndArray();
    }
}
