using System.Collections.Immutable;
using System.Text.Json;
using CodeForge.Core.Skills;

namespace CodeForge.Core.Plugins;

/// <summary>One plugin listed by a marketplace.</summary>
/// <param name="Name">The plugin name.</param>
/// <param name="SourcePath">The absolute plugin directory, or null when its source cannot be installed from a directory.</param>
/// <param name="Description">The entry's description, if any.</param>
/// <param name="Version">The entry's version, if any.</param>
/// <param name="Unsupported">Why the source cannot be used (e.g. a GitHub source, which needs the network), or null.</param>
public sealed record MarketplaceEntry(string Name, string? SourcePath, string? Description, string? Version, string? Unsupported = null);

/// <summary>
/// A marketplace directory: <c>.claude-plugin/marketplace.json</c> with <c>name</c>, <c>owner</c> and <c>plugins</c>
/// (each with <c>name</c> and <c>source</c>). Relative sources (<c>"./plugins/x"</c>, or a bare name under
/// <c>metadata.pluginRoot</c>) are resolved against the marketplace root and must stay inside it; other source kinds
/// (github, url, npm, …) are listed as unsupported, since CodeForge installs only from local directories.
/// </summary>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record Marketplace(string Name, string Root, string? Owner, ImmutableArray<MarketplaceEntry> Plugins)
{
    /// <summary>The file path relative to the marketplace root.</summary>
    public const string RelativePath = ".claude-plugin/marketplace.json";

    /// <summary>Whether <paramref name="directory"/> holds a marketplace file.</summary>
    public static bool IsMarketplace(string directory) => File.Exists(Path.Combine(directory, ".claude-plugin", "marketplace.json"));

    /// <summary>Reads the marketplace at <paramref name="directory"/>; null with errors (file, line, why) when it is unusable.</summary>
    public static Marketplace? Read(string directory, ICollection<LoadDiagnostic> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        var path = Path.Combine(root, ".claude-plugin", "marketplace.json");
        if (!File.Exists(path))
        {
            diagnostics.Add(LoadDiagnostic.Fail(root, null, $"no {RelativePath} here: not a marketplace"));
            return null;
        }
        var file = PluginJson.Read(path, diagnostics, "marketplace file");
        if (file is null)
        {
            return null;
        }
        var json = file.Root;
        if (json.ValueKind != JsonValueKind.Object)
        {
            diagnostics.Add(LoadDiagnostic.Fail(path, 1, "the marketplace file must be a JSON object"));
            return null;
        }
        if (!json.TryGetProperty("name", out var n) || n.ValueKind != JsonValueKind.String || !PluginReader.IsUsableName(n.GetString()!))
        {
            diagnostics.Add(LoadDiagnostic.Fail(path, file.LineOf("name") ?? 1, "missing or unusable \"name\" (kebab-case, no spaces, ':', '@' or '/')"));
            return null;
        }
        if (!json.TryGetProperty("plugins", out var plugins) || plugins.ValueKind != JsonValueKind.Array)
        {
            diagnostics.Add(LoadDiagnostic.Fail(path, file.LineOf("plugins") ?? 1, "missing \"plugins\" list"));
            return null;
        }
        string? owner = json.TryGetProperty("owner", out var o) && o.ValueKind == JsonValueKind.Object && o.TryGetProperty("name", out var on) && on.ValueKind == JsonValueKind.String
            ? on.GetString() : null;
        string? pluginRoot = json.TryGetProperty("metadata", out var m) && m.ValueKind == JsonValueKind.Object && m.TryGetProperty("pluginRoot", out var pr) && pr.ValueKind == JsonValueKind.String
            ? pr.GetString() : null;
        var entries = ImmutableArray.CreateBuilder<MarketplaceEntry>();
        var index = 0;
        foreach (var entry in plugins.EnumerateArray())
        {
            var at = $"plugins[{index++}]";
            var line = file.LineOf(at);
            if (entry.ValueKind != JsonValueKind.Object || !entry.TryGetProperty("name", out var en) || en.ValueKind != JsonValueKind.String
                || !PluginReader.IsUsableName(en.GetString()!))
            {
                diagnostics.Add(LoadDiagnostic.Warn(path, line, $"{at} needs a usable \"name\"; entry skipped"));
                continue;
            }
            var name = en.GetString()!;
            string? Str(string key) => entry.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            if (!entry.TryGetProperty("source", out var source))
            {
                diagnostics.Add(LoadDiagnostic.Warn(path, line, $"{at} (\"{name}\") has no \"source\"; entry skipped"));
                continue;
            }
            string? sourcePath = null;
            string? unsupported = null;
            if (source.ValueKind == JsonValueKind.String)
            {
                var relative = source.GetString()!;
                if (Path.IsPathRooted(relative))
                {
                    unsupported = "an absolute source path is not allowed; use a path relative to the marketplace";
                }
                else
                {
                    var baseDir = relative.StartsWith("./", StringComparison.Ordinal) || relative.StartsWith("../", StringComparison.Ordinal) || pluginRoot is null
                        ? root : Path.Combine(root, pluginRoot);
                    var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Path.Combine(baseDir, relative)));
                    if (!PluginReader.IsWithin(root, full))
                    {
                        unsupported = $"source '{relative}' escapes the marketplace directory";
                    }
                    else
                    {
                        sourcePath = full;
                    }
                }
            }
            else
            {
                var kind = source.ValueKind == JsonValueKind.Object && source.TryGetProperty("source", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : "unknown";
                unsupported = $"a \"{kind}\" source needs the network; only relative directory sources can be installed";
            }
            if (unsupported is not null)
            {
                diagnostics.Add(LoadDiagnostic.Warn(path, line, $"{at} (\"{name}\"): {unsupported}"));
            }
            entries.Add(new MarketplaceEntry(name, sourcePath, Str("description"), Str("version"), unsupported));
        }
        return new Marketplace(n.GetString()!, root, owner, entries.ToImmutable());
    }
}
