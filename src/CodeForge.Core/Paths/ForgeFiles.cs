using System.Collections.Immutable;

namespace CodeForge.Core.Paths;

/// <summary>
/// The names of forge's configuration folders and files, in one place: <c>.forge</c> (forge's own) and <c>.claude</c>
/// (Claude Code's, read too), the settings files in them, and the MCP server files.
/// </summary>
/// <remarks>Constants and pure functions; thread-safe.</remarks>
public static class ForgeFiles
{
    /// <summary>forge's folder, in the home directory (user scope) and in a project.</summary>
    public const string ForgeDirectory = ".forge";

    /// <summary>Claude Code's folder, read with the same meaning as <see cref="ForgeDirectory"/> (lower precedence).</summary>
    public const string ClaudeDirectory = ".claude";

    /// <summary>The shared settings file of a scope (<c>settings.json</c>).</summary>
    public const string SettingsFile = "settings.json";

    /// <summary>The project's personal settings file, not committed (<c>settings.local.json</c>).</summary>
    public const string LocalSettingsFile = "settings.local.json";

    /// <summary>The project's MCP servers, at the repository root (<c>.mcp.json</c>).</summary>
    public const string ProjectMcpFile = ".mcp.json";

    /// <summary>The user's MCP servers, in <c>~/.forge</c> (<c>mcp.json</c>).</summary>
    public const string UserMcpFile = "mcp.json";

    /// <summary>Both configuration folders, lowest precedence first: <c>.claude</c>, then <c>.forge</c>.</summary>
    public static ImmutableArray<string> ConfigDirectories { get; } = [ClaudeDirectory, ForgeDirectory];

    /// <summary>Whether a path component names one of the configuration folders (compared as written).</summary>
    public static bool IsConfigDirectory(string? name) => name is ForgeDirectory or ClaudeDirectory;

    /// <summary><c>~/.forge</c> of <paramref name="home"/>, with <paramref name="parts"/> below it.</summary>
    public static string InUserDirectory(string home, params ReadOnlySpan<string> parts)
    {
        ArgumentNullException.ThrowIfNull(home);
        var path = Path.Combine(home, ForgeDirectory);
        foreach (var part in parts)
        {
            path = Path.Combine(path, part);
        }
        return path;
    }
}
