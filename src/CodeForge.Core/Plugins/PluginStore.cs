using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using CodeForge.Core.Config;
using CodeForge.Core.Skills;
using CodeForge.Core.Paths;

namespace CodeForge.Core.Plugins;

/// <summary>An installed plugin: <c>~/.forge/plugins/&lt;marketplace&gt;/&lt;name&gt;</c>, enabled by the settings key <see cref="Key"/>.</summary>
public sealed record InstalledPlugin(string Name, string Marketplace, string Root)
{
    /// <summary>The <c>enabledPlugins</c> key: <c>name@marketplace</c>.</summary>
    public string Key => $"{Name}@{Marketplace}";
}

/// <summary>A known marketplace: its name, its source, its local directory (null when it needs the network) and the file that declares it.</summary>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record KnownMarketplace(string Name, PluginSource? Source, string? Directory, string Origin);

/// <summary>The result of an install: the installed plugin, or null with the reasons.</summary>
public sealed record PluginInstallResult(InstalledPlugin? Plugin, ImmutableArray<LoadDiagnostic> Diagnostics)
{
    public bool Succeeded => Plugin is not null;
}

/// <summary>
/// The installed plugins under <c>~/.forge/plugins</c> and the known marketplaces. A plugin directly installed from a
/// directory belongs to the marketplace <see cref="LocalMarketplace"/>.
/// </summary>
/// <remarks>
/// Installing validates the source, copies it to a temporary directory beside the target, validates the copy, then
/// renames it into place (an existing install is first renamed aside and deleted after), so a reader never sees a
/// half-copied plugin. The known-marketplaces file is written under the settings lock with temp file + rename. Two
/// concurrent installs of the same plugin both succeed or one fails with a clear message; neither leaves a partial copy.
/// </remarks>
public sealed class PluginStore
{
    /// <summary>The marketplace name of plugins installed straight from a directory.</summary>
    public const string LocalMarketplace = "local";

    public PluginStore(string homeDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(homeDirectory);
        Directory = ForgeFiles.InUserDirectory(Path.GetFullPath(homeDirectory), "plugins");
    }

    /// <summary><c>~/.forge/plugins</c>.</summary>
    public string Directory { get; }

    /// <summary>The folder of the plugins' persistent data folders (<see cref="PluginDataDirectory"/>): <c>~/.forge/plugin-data</c>.</summary>
    public string DataDirectory => Path.Combine(Path.GetDirectoryName(Directory)!, "plugin-data");

    /// <summary>
    /// The <c>${CLAUDE_PLUGIN_DATA}</c> folder (not created) of the plugin <paramref name="name"/> read from
    /// <paramref name="root"/>: <c>name@marketplace</c> for an installed plugin, <c>name@inline</c> for any other directory.
    /// </summary>
    public string DataDirectoryFor(string name, string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        var market = Path.GetDirectoryName(full) is { } parent && Path.GetDirectoryName(parent) is { } store
            && string.Equals(store, Directory, StringComparison.Ordinal) ? Path.GetFileName(parent) : PluginDataDirectory.InlineMarketplace;
        return PluginDataDirectory.PathFor(DataDirectory, name, market);
    }

    /// <summary>The known-marketplaces file.</summary>
    public string KnownMarketplacesPath => Path.Combine(Directory, "known_marketplaces.json");

    /// <summary>The installed plugins, sorted by key.</summary>
    public IReadOnlyList<InstalledPlugin> List()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }
        var result = new List<InstalledPlugin>();
        foreach (var market in System.IO.Directory.GetDirectories(Directory))
        {
            var marketName = Path.GetFileName(market);
            if (marketName.StartsWith('.'))
            {
                continue;
            }
            foreach (var plugin in System.IO.Directory.GetDirectories(market))
            {
                var name = Path.GetFileName(plugin);
                if (!name.StartsWith('.'))
                {
                    result.Add(new InstalledPlugin(name, marketName, plugin));
                }
            }
        }
        return [.. result.OrderBy(p => p.Key, StringComparer.Ordinal)];
    }

    /// <summary>
    /// The installed plugin named <paramref name="nameOrKey"/> (<c>name</c> or <c>name@marketplace</c>). A bare name that
    /// several marketplaces provide is ambiguous: null, with <paramref name="error"/> saying so.
    /// </summary>
    public InstalledPlugin? Find(string nameOrKey, out string? error)
    {
        ArgumentNullException.ThrowIfNull(nameOrKey);
        var all = List();
        var matches = nameOrKey.Contains('@', StringComparison.Ordinal)
            ? all.Where(p => p.Key == nameOrKey).ToList()
            : all.Where(p => p.Name == nameOrKey).ToList();
        error = matches.Count switch
        {
            0 => $"no installed plugin named '{nameOrKey}' (see forge plugin list)",
            1 => null,
            _ => $"'{nameOrKey}' is installed from several marketplaces ({string.Join(", ", matches.Select(m => m.Key))}); say which with name@marketplace",
        };
        return matches.Count == 1 ? matches[0] : null;
    }

    /// <summary>Installs the plugin at <paramref name="source"/> as <c>name@<paramref name="marketplace"/></c> (see the class remarks).</summary>
    public PluginInstallResult Install(string source, string marketplace = LocalMarketplace) => Install(source, marketplace, null);

    private PluginInstallResult Install(string source, string marketplace, PluginEntryDefinition? entry)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        if (!PluginReader.IsUsableName(marketplace))
        {
            throw new ArgumentException($"Marketplace name '{marketplace}' cannot be used.", nameof(marketplace));
        }
        var read = PluginReader.Read(source, entry);
        if (read.Plugin is not { } plugin)
        {
            return new PluginInstallResult(null, read.Diagnostics);
        }
        var diagnostics = read.Diagnostics.ToBuilder();
        var parent = Path.Combine(Directory, marketplace);
        System.IO.Directory.CreateDirectory(parent);
        var installName = entry?.Name ?? plugin.Name; // the entry's name, even when plugin.json names the plugin otherwise
        var target = Path.Combine(parent, installName);
        var temp = Path.Combine(parent, $".{installName}.{Guid.NewGuid():N}.tmp");
        try
        {
            Copy(PluginReader.RealPath(plugin.Root), plugin.Root, temp, diagnostics);
            var saved = Path.Combine(temp, PluginEntryDefinition.InstalledRelativePath);
            if (File.Exists(saved))
            {
                File.Delete(saved); // a copy of an installed plugin: its old entry does not apply
            }
            if (entry is not null)
            {
                System.IO.Directory.CreateDirectory(Path.GetDirectoryName(saved)!);
                File.WriteAllText(saved, (entry with { Marketplace = marketplace }).ToInstalledJson());
            }
            var check = PluginReader.Read(temp);
            if (!check.Succeeded)
            {
                diagnostics.AddRange(check.Diagnostics);
                diagnostics.Add(LoadDiagnostic.Fail(plugin.Root, null, "the copied plugin did not validate; nothing installed"));
                return new PluginInstallResult(null, diagnostics.ToImmutable());
            }
            if (System.IO.Directory.Exists(target))
            {
                var old = Path.Combine(parent, $".{installName}.{Guid.NewGuid():N}.old");
                System.IO.Directory.Move(target, old);
                System.IO.Directory.Move(temp, target);
                System.IO.Directory.Delete(old, recursive: true);
            }
            else
            {
                System.IO.Directory.Move(temp, target);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            diagnostics.Add(LoadDiagnostic.Fail(target, null, $"cannot install: {ex.Message}"));
            return new PluginInstallResult(null, diagnostics.ToImmutable());
        }
        finally
        {
            if (System.IO.Directory.Exists(temp))
            {
                System.IO.Directory.Delete(temp, recursive: true);
            }
        }
        return new PluginInstallResult(new InstalledPlugin(installName, marketplace, target), diagnostics.ToImmutable());
    }

    /// <summary>Installs <paramref name="pluginName"/> from <paramref name="marketplace"/>.</summary>
    public PluginInstallResult InstallFrom(Marketplace marketplace, string pluginName)
    {
        ArgumentNullException.ThrowIfNull(marketplace);
        ArgumentNullException.ThrowIfNull(pluginName);
        var entry = marketplace.Plugins.FirstOrDefault(p => p.Name == pluginName);
        var file = Path.Combine(marketplace.Root, Marketplace.RelativePath);
        if (entry is null)
        {
            return new PluginInstallResult(null, [LoadDiagnostic.Fail(file, null,
                $"marketplace '{marketplace.Name}' has no plugin '{pluginName}' (it has: {string.Join(", ", marketplace.Plugins.Select(p => p.Name))})")]);
        }
        if (entry.SourcePath is null)
        {
            return new PluginInstallResult(null, [LoadDiagnostic.Fail(file, null, entry.Source is { IsRemote: true } remote
                ? remote.OfflineError(pluginName) : $"plugin '{pluginName}' cannot be installed: {entry.Unsupported}")]);
        }
        return Install(entry.SourcePath, marketplace.Name, entry.Definition);
    }

    /// <summary>Remembers a marketplace directory under its name (from its marketplace.json).</summary>
    public async Task<Marketplace?> AddMarketplaceAsync(string directory, ICollection<LoadDiagnostic> diagnostics, CancellationToken cancellationToken = default)
    {
        var marketplace = Marketplace.Read(directory, diagnostics);
        if (marketplace is null)
        {
            return null;
        }
        await SettingsWriter.UpdateAsync(KnownMarketplacesPath, root =>
        {
            root[marketplace.Name] = new JsonObject
            {
                ["source"] = new JsonObject { ["source"] = "directory", ["path"] = marketplace.Root },
            };
            return true;
        }, cancellationToken: cancellationToken).ConfigureAwait(false);
        return marketplace;
    }

    /// <summary>The directory of the known marketplace <paramref name="name"/>, or null.</summary>
    public string? FindMarketplace(string name) => FindMarketplace(name, [], out _);

    /// <summary>
    /// The directory of the marketplace <paramref name="name"/>: one added with <c>forge plugin marketplace add</c>, or
    /// one declared in <c>extraKnownMarketplaces</c> of <paramref name="settingsFiles"/> (a <c>directory</c> source).
    /// Null when unknown, or (with <paramref name="error"/>) when its source needs the network.
    /// </summary>
    public string? FindMarketplace(string name, IEnumerable<string> settingsFiles, out string? error)
    {
        ArgumentNullException.ThrowIfNull(name);
        error = null;
        var known = ListMarketplaces(settingsFiles).FirstOrDefault(m => m.Name == name);
        if (known is null)
        {
            return null;
        }
        if (known.Directory is null)
        {
            error = $"marketplace '{name}' ({known.Origin}) comes from {known.Source?.Text ?? "an unreadable source"}, which forge cannot fetch; clone it and run: forge plugin marketplace add <dir>";
        }
        return known.Directory;
    }

    /// <summary>
    /// The known marketplaces: those added with <c>forge plugin marketplace add</c> (first), then each
    /// <c>extraKnownMarketplaces</c> entry of <paramref name="settingsFiles"/> not already known by that name. A relative
    /// directory path in a settings file is resolved against the project the file belongs to.
    /// </summary>
    public IReadOnlyList<KnownMarketplace> ListMarketplaces(IEnumerable<string> settingsFiles)
    {
        ArgumentNullException.ThrowIfNull(settingsFiles);
        var result = new List<KnownMarketplace>();
        void AddFrom(string file, string property, Func<string, string> baseDir)
        {
            JsonElement root;
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(file), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
                root = doc.RootElement.Clone();
            }
            catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
            {
                return;
            }
            if (property.Length > 0)
            {
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty(property, out root))
                {
                    return;
                }
            }
            if (root.ValueKind != JsonValueKind.Object)
            {
                return;
            }
            foreach (var market in root.EnumerateObject())
            {
                if (result.Any(r => r.Name == market.Name) || market.Value.ValueKind != JsonValueKind.Object || !market.Value.TryGetProperty("source", out var sourceValue))
                {
                    continue;
                }
                var source = PluginSource.Parse(sourceValue, out _);
                string? dir = null;
                if (source is { Kind: PluginSourceKind.Directory or PluginSourceKind.RelativePath, Path: { } path })
                {
                    dir = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Path.Combine(baseDir(file), path)));
                }
                result.Add(new KnownMarketplace(market.Name, source, dir, file));
            }
        }
        AddFrom(KnownMarketplacesPath, "", _ => Directory);
        foreach (var file in settingsFiles)
        {
            // <project>/.claude/settings.json: relative paths are relative to <project>.
            AddFrom(file, "extraKnownMarketplaces", f => Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(f))!)!);
        }
        return result;
    }

    /// <summary>
    /// Forgets the marketplace <paramref name="name"/> added with <c>forge plugin marketplace add</c> and uninstalls its
    /// plugins; returns their keys, or null when no such marketplace was added.
    /// </summary>
    public async Task<IReadOnlyList<string>?> RemoveMarketplaceAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        var removed = false;
        if (File.Exists(KnownMarketplacesPath))
        {
            await SettingsWriter.UpdateAsync(KnownMarketplacesPath, root => removed = root.Remove(name), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        if (!removed)
        {
            return null;
        }
        var keys = new List<string>();
        foreach (var plugin in List().Where(p => p.Marketplace == name))
        {
            if (Uninstall(plugin))
            {
                keys.Add(plugin.Key);
            }
        }
        return keys;
    }

    /// <summary>Deletes an installed plugin and its data folder (see <see cref="Uninstall(InstalledPlugin, bool)"/>).</summary>
    public bool Uninstall(InstalledPlugin plugin) => Uninstall(plugin, keepData: false);

    /// <summary>
    /// Deletes an installed plugin (renamed aside first, so no reader sees half of it) and, unless
    /// <paramref name="keepData"/>, its <c>${CLAUDE_PLUGIN_DATA}</c> folder; false when the plugin was gone already.
    /// </summary>
    public bool Uninstall(InstalledPlugin plugin, bool keepData)
    {
        ArgumentNullException.ThrowIfNull(plugin);
        if (!keepData && PluginReader.IsUsableName(plugin.Name) && PluginReader.IsUsableName(plugin.Marketplace))
        {
            PluginDataDirectory.Delete(PluginDataDirectory.PathFor(DataDirectory, plugin.Name, plugin.Marketplace));
        }
        if (!PathText.IsUnderOrSame(Path.GetFullPath(plugin.Root), Directory))
        {
            throw new ArgumentException($"{plugin.Root} is not an installed plugin under {Directory}.", nameof(plugin));
        }
        if (!System.IO.Directory.Exists(plugin.Root))
        {
            return false;
        }
        var aside = Path.Combine(Path.GetDirectoryName(plugin.Root)!, $".{plugin.Name}.{Guid.NewGuid():N}.old");
        System.IO.Directory.Move(plugin.Root, aside);
        System.IO.Directory.Delete(aside, recursive: true);
        return true;
    }

    /// <summary>
    /// Copies a plugin tree; links are followed only when they stay inside the plugin (<paramref name="realRoot"/>, its
    /// root with links resolved); <c>.git</c> is skipped.
    /// </summary>
    private static void Copy(string realRoot, string from, string to, ImmutableArray<LoadDiagnostic>.Builder diagnostics)
    {
        System.IO.Directory.CreateDirectory(to);
        foreach (var entry in new DirectoryInfo(from).EnumerateFileSystemInfos())
        {
            if (entry.Name == ".git")
            {
                continue;
            }
            var source = entry.FullName;
            if (entry.LinkTarget is not null)
            {
                var resolved = PluginReader.RealPath(source);
                if (!PathText.IsUnderOrSame(resolved, realRoot))
                {
                    diagnostics.Add(LoadDiagnostic.Warn(source, null, "a link that leads outside the plugin; not copied"));
                    continue;
                }
                source = resolved;
            }
            var dest = Path.Combine(to, entry.Name);
            if (System.IO.Directory.Exists(source))
            {
                Copy(realRoot, source, dest, diagnostics);
            }
            else if (File.Exists(source))
            {
                File.Copy(source, dest);
            }
        }
    }
}
