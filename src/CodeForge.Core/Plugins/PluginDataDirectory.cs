using System.Text;
using CodeForge.Core.Paths;

namespace CodeForge.Core.Plugins;

/// <summary>
/// A plugin's persistent data folder, <c>${CLAUDE_PLUGIN_DATA}</c>: <c>~/.forge/plugin-data/&lt;id&gt;</c>, where the id is
/// <c>name@marketplace</c> with every character other than a letter, digit, <c>-</c> or <c>_</c> replaced by <c>-</c>
/// (Claude Code's rule: <c>formatter@my-market</c> → <c>formatter-my-market</c>). A plugin loaded from a directory
/// that is not installed (<c>--plugin-dir</c>) belongs to the marketplace <c>inline</c>, as in Claude Code. The folder
/// is created the first time the path is handed out (a <c>${CLAUDE_PLUGIN_DATA}</c> substituted, a hook or MCP server
/// started with it in its environment); it is kept when the plugin is updated and deleted when it is uninstalled
/// (unless <c>--keep-data</c>).
/// </summary>
/// <remarks>
/// Stateless; safe to call from any thread. <see cref="Ensure"/> is idempotent (<see cref="Directory.CreateDirectory(string)"/>
/// succeeds when the folder exists or another thread or process creates it at the same time).
/// </remarks>
public static class PluginDataDirectory
{
    /// <summary>The placeholder and environment variable name.</summary>
    public const string Variable = "CLAUDE_PLUGIN_DATA";

    /// <summary>The placeholder as written in plugin files.</summary>
    public const string Placeholder = "${" + Variable + "}";

    /// <summary>The marketplace of plugins loaded straight from a directory for one session.</summary>
    public const string InlineMarketplace = "inline";

    /// <summary>The folder that holds every plugin's data folder: <c>&lt;home&gt;/.forge/plugin-data</c>.</summary>
    public static string RootFor(string homeDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(homeDirectory);
        return ForgeFiles.InUserDirectory(Path.GetFullPath(homeDirectory), "plugin-data");
    }

    /// <summary>The folder name of the plugin <paramref name="name"/> from <paramref name="marketplace"/>.</summary>
    public static string Id(string name, string marketplace)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(marketplace);
        var key = $"{name}@{marketplace}";
        var s = new StringBuilder(key.Length);
        foreach (var c in key)
        {
            s.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-');
        }
        return s.ToString();
    }

    /// <summary>The data folder's path (not created) under <paramref name="root"/> (see <see cref="RootFor"/>).</summary>
    public static string PathFor(string root, string name, string marketplace) => Path.Combine(root, Id(name, marketplace));

    /// <summary>Creates <paramref name="path"/> when it is missing and returns it.</summary>
    public static string Ensure(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>
    /// Replaces <c>${CLAUDE_PLUGIN_DATA}</c> in <paramref name="value"/> by <paramref name="dataDirectory"/> (created on
    /// this first use). Without a data directory, or without the placeholder, the value is returned unchanged.
    /// </summary>
    public static string Substitute(string value, string? dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(value);
        return dataDirectory is null || !value.Contains(Placeholder, StringComparison.Ordinal)
            ? value
            : value.Replace(Placeholder, Ensure(dataDirectory), StringComparison.Ordinal);
    }

    /// <summary>Deletes the data folder at <paramref name="path"/>; false when there was none.</summary>
    public static bool Delete(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!Directory.Exists(path))
        {
            return false;
        }
        // Renamed aside first, so a reader never sees half of it.
        var aside = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.old");
        Directory.Move(path, aside);
        Directory.Delete(aside, recursive: true);
        return true;
    }
}
