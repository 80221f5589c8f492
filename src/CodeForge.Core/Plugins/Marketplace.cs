using System.Collections.Immutable;
using System.Text.Json;
using CodeForge.Core.Paths;
using CodeForge.Core.Skills;

namespace CodeForge.Core.Plugins;

/// <summary>One plugin listed by a marketplace.</summary>
/// <param name="Name">The plugin name: the entry's <c>name</c>, which is the installed plugin's name (as in Claude Code).</param>
/// <param name="SourcePath">The absolute plugin directory, or null when its source cannot be installed from a directory.</param>
/// <param name="Description">The entry's description, if any.</param>
/// <param name="Version">The entry's version, if any.</param>
/// <param name="Unsupported">Why the source cannot be used (e.g. a GitHub source, which needs the network), or null.</param>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record MarketplaceEntry(string Name, string? SourcePath, string? Description, string? Version, string? Unsupported = null)
{
    /// <summary>The parsed <c>source</c> (null when it could not be parsed).</summary>
    public PluginSource? Source { get; init; }

    /// <summary><c>strict</c> (default true): false means the entry itself defines the plugin's components.</summary>
    public bool Strict { get; init; } = true;

    /// <summary>The entry's <c>author.name</c> (or <c>author</c> when a string).</summary>
    public string? Author { get; init; }

    /// <summary>The entry's <c>category</c>.</summary>
    public string? Category { get; init; }

    /// <summary>The entry as data for <see cref="PluginReader"/> (its component lists, metadata and lines).</summary>
    public PluginEntryDefinition? Definition { get; init; }
}

/// <summary>
/// A marketplace entry that defines (<c>strict: false</c>) or supplements (<c>strict: true</c>) a plugin: its name, its
/// metadata and component lists (<c>skills</c>, <c>commands</c>, <c>agents</c>, <c>hooks</c>, <c>mcpServers</c>,
/// relative to the plugin's <c>source</c>), with the line of every key in <see cref="File"/> for messages.
/// </summary>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record PluginEntryDefinition(string Name, bool Strict, string Marketplace, JsonElement Entry, string File, IReadOnlyDictionary<string, int> Lines)
{
    /// <summary>Where an installed plugin keeps the marketplace entry it was installed from.</summary>
    public const string InstalledRelativePath = ".claude-plugin/forge-marketplace-entry.json";

    /// <summary>The component keys an entry (or a manifest) may declare.</summary>
    public static IReadOnlyList<string> ComponentKeys { get; } = ["skills", "commands", "agents", "hooks", "mcpServers", "outputStyles", "lspServers", "workflows"];

    /// <summary>Whether the entry declares <paramref name="key"/>.</summary>
    public bool Declares(string key) => Entry.ValueKind == JsonValueKind.Object && Entry.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null;

    internal PluginJsonFile AsFile() => new(File, Entry, Lines);

    /// <summary>The JSON written to <see cref="InstalledRelativePath"/>: the entry with the marketplace name added.</summary>
    public string ToInstalledJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            foreach (var p in Entry.EnumerateObject())
            {
                if (p.Name != "x-forge-marketplace")
                {
                    p.WriteTo(writer);
                }
            }
            writer.WriteString("x-forge-marketplace", Marketplace);
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Reads an installed plugin's entry file; null (with the reason) when it is unusable.</summary>
    internal static PluginEntryDefinition? ReadInstalled(string path, ICollection<LoadDiagnostic> diagnostics)
    {
        var file = PluginJson.Read(path, diagnostics, "marketplace entry");
        if (file is null)
        {
            return null;
        }
        var root = file.Root;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("name", out var n) || n.ValueKind != JsonValueKind.String)
        {
            diagnostics.Add(LoadDiagnostic.Fail(path, 1, "the marketplace entry needs a \"name\""));
            return null;
        }
        var strict = !(root.TryGetProperty("strict", out var s) && s.ValueKind == JsonValueKind.False);
        var market = root.TryGetProperty("x-forge-marketplace", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "";
        return new PluginEntryDefinition(n.GetString()!, strict, market, root, path, file.Lines);
    }
}

/// <summary>
/// A marketplace directory: <c>.claude-plugin/marketplace.json</c> with <c>name</c>, <c>owner</c> and <c>plugins</c>
/// (each with <c>name</c> and <c>source</c>), read as Claude Code reads it: the entry's <c>name</c> is the plugin's name;
/// <c>strict: false</c> entries define the plugin themselves (their <c>skills</c>, <c>commands</c>, <c>agents</c>,
/// <c>hooks</c>, <c>mcpServers</c>, relative to <c>source</c>). Relative sources (<c>"./plugins/x"</c>, or a bare name
/// under <c>metadata.pluginRoot</c>) are resolved against the marketplace root and must stay inside it; every other
/// source form (github, url/git, git-subdir, npm, pip) is parsed and listed with an offline error, since CodeForge
/// installs only from local directories. Unknown keys are ignored, as Claude Code ignores them.
/// </summary>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record Marketplace(string Name, string Root, string? Owner, ImmutableArray<MarketplaceEntry> Plugins)
{
    /// <summary><c>metadata.description</c> (or a top-level <c>description</c>).</summary>
    public string? Description { get; init; }

    /// <summary><c>metadata.version</c> (or a top-level <c>version</c>).</summary>
    public string? Version { get; init; }

    /// <summary><c>metadata.pluginRoot</c>: the base of bare relative sources, or null.</summary>
    public string? PluginRoot { get; init; }

    /// <summary>The entry named <paramref name="name"/>, or null.</summary>
    public MarketplaceEntry? Find(string name) => Plugins.FirstOrDefault(p => p.Name == name);

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
        string? owner = json.TryGetProperty("owner", out var o) ? o.ValueKind switch
        {
            JsonValueKind.Object when o.TryGetProperty("name", out var on) && on.ValueKind == JsonValueKind.String => on.GetString(),
            JsonValueKind.String => o.GetString(),
            _ => null,
        } : null;
        JsonElement metadata = json.TryGetProperty("metadata", out var m) && m.ValueKind == JsonValueKind.Object ? m : default;
        string? Meta(string key) => metadata.ValueKind == JsonValueKind.Object && metadata.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()
            : json.TryGetProperty(key, out var top) && top.ValueKind == JsonValueKind.String ? top.GetString() : null;
        var pluginRoot = Meta("pluginRoot");
        var pluginRootFull = root;
        if (pluginRoot is not null)
        {
            pluginRootFull = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Path.Combine(root, pluginRoot)));
            if (Path.IsPathRooted(pluginRoot) || !PathText.IsUnderOrSame(pluginRootFull, root))
            {
                diagnostics.Add(LoadDiagnostic.Warn(path, file.LineOf("metadata.pluginRoot"), $"metadata.pluginRoot '{pluginRoot}' must stay inside the marketplace; ignored"));
                pluginRoot = null;
                pluginRootFull = root;
            }
        }
        var entries = ImmutableArray.CreateBuilder<MarketplaceEntry>();
        var names = new HashSet<string>(StringComparer.Ordinal);
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
            if (!names.Add(name))
            {
                diagnostics.Add(LoadDiagnostic.Warn(path, line, $"{at}: another entry is already named '{name}'; entry skipped"));
                continue;
            }
            string? Str(string key) => entry.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            if (!entry.TryGetProperty("source", out var sourceValue))
            {
                diagnostics.Add(LoadDiagnostic.Warn(path, line, $"{at} (\"{name}\") has no \"source\"; entry skipped"));
                continue;
            }
            string? sourcePath = null;
            string? unsupported = null;
            var source = PluginSource.Parse(sourceValue, out var sourceError);
            if (source is null)
            {
                unsupported = sourceError;
            }
            else if (source.Kind == PluginSourceKind.RelativePath)
            {
                var relative = source.Path!;
                if (Path.IsPathRooted(relative) || relative.StartsWith('~'))
                {
                    unsupported = "an absolute source path is not allowed; use a path relative to the marketplace";
                }
                else
                {
                    // "./x" and "../x" are relative to the marketplace root; a bare "x" to metadata.pluginRoot.
                    var baseDir = relative.StartsWith("./", StringComparison.Ordinal) || relative.StartsWith("../", StringComparison.Ordinal) || relative is "." or ".."
                        ? root : pluginRootFull;
                    var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Path.Combine(baseDir, relative)));
                    if (!PathText.IsUnderOrSame(full, root))
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
                unsupported = source.OfflineError(name);
            }
            if (unsupported is not null && source is not { IsRemote: true })
            {
                // Remote sources are normal in public marketplaces: they are reported when someone installs them.
                diagnostics.Add(LoadDiagnostic.Warn(path, file.LineOf(at + ".source") ?? line, $"{at} (\"{name}\"): {unsupported}"));
            }
            var strict = !(entry.TryGetProperty("strict", out var st) && st.ValueKind == JsonValueKind.False);
            var prefix = at + ".";
            var lines = file.Lines.Where(l => l.Key.StartsWith(prefix, StringComparison.Ordinal))
                .ToDictionary(l => l.Key[prefix.Length..], l => l.Value, StringComparer.Ordinal);
            if (line is { } entryLine)
            {
                lines[""] = entryLine;
            }
            string? author = entry.TryGetProperty("author", out var au) ? au.ValueKind switch
            {
                JsonValueKind.String => au.GetString(),
                JsonValueKind.Object when au.TryGetProperty("name", out var an) && an.ValueKind == JsonValueKind.String => an.GetString(),
                _ => null,
            } : null;
            entries.Add(new MarketplaceEntry(name, sourcePath, Str("description"), Str("version"), unsupported)
            {
                Source = source,
                Strict = strict,
                Author = author,
                Category = Str("category"),
                Definition = new PluginEntryDefinition(name, strict, n.GetString()!, entry.Clone(), path, lines),
            });
        }
        var result = new Marketplace(n.GetString()!, root, owner, entries.ToImmutable())
        {
            Description = Meta("description"),
            Version = Meta("version"),
            PluginRoot = pluginRoot,
        };
        return result;
    }
}
