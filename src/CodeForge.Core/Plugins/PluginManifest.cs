using System.Collections.Immutable;
using System.Text.Json;

namespace CodeForge.Core.Plugins;

/// <summary>
/// A plugin's <c>.claude-plugin/plugin.json</c> (Claude Code's manifest): identity and the component path overrides.
/// When a plugin has no manifest, the name is the directory name and every other field is empty.
/// </summary>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record PluginManifest
{
    /// <summary>The plugin name (kebab-case), the namespace of its components (<c>name:skill</c>).</summary>
    public required string Name { get; init; }

    public string? Version { get; init; }

    public string? Description { get; init; }

    /// <summary><c>author.name</c> (or <c>author</c> when it is a string).</summary>
    public string? Author { get; init; }

    public string? Homepage { get; init; }

    public string? Repository { get; init; }

    public string? License { get; init; }

    public ImmutableArray<string> Keywords { get; init; } = [];

    /// <summary>The manifest file, or null when the plugin has none.</summary>
    public string? ManifestPath { get; init; }

    /// <summary>The marketplace the plugin was installed from (its entry names it), or null.</summary>
    public string? Marketplace { get; init; }

    /// <summary>False when a marketplace entry with <c>strict: false</c> defines the plugin.</summary>
    public bool Strict { get; init; } = true;

    /// <summary>The raw manifest (for fields CodeForge does not model); undefined without a manifest.</summary>
    public JsonElement Raw { get; init; }
}
