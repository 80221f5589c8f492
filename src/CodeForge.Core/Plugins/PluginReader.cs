using System.Collections.Immutable;
using System.Text.Json;
using CodeForge.Core.Commands;
using CodeForge.Core.Paths;
using CodeForge.Core.Skills;

namespace CodeForge.Core.Plugins;

/// <summary>Reads a plugin directory. The file-system implementation is <see cref="PluginReader"/>; tests substitute their own.</summary>
public interface IPluginReader
{
    /// <summary>Reads and validates the plugin at <paramref name="root"/> (an absolute directory).</summary>
    Task<PluginReadResult> ReadAsync(string root, CancellationToken cancellationToken);
}

/// <summary>
/// Reads a plugin in Claude Code's layout: <c>.claude-plugin/plugin.json</c> (optional; <c>name</c> is required when it
/// exists), <c>skills/&lt;name&gt;/SKILL.md</c>, <c>commands/*.md</c>, <c>agents/*.md</c>, <c>hooks/hooks.json</c>,
/// <c>.mcp.json</c>, with the manifest's path overrides (<c>skills</c> adds to the default; <c>commands</c>,
/// <c>agents</c>, <c>hooks</c>, <c>mcpServers</c> replace it; hooks and MCP servers may also be inline objects).
/// A plugin is broken (null, with errors naming file and line or key) when its manifest or hooks/MCP JSON is invalid,
/// the manifest has no usable name, or a path leaves the plugin root. Problems in single skills, commands or agents are
/// reported and those items skipped; the plugin still loads.
/// </summary>
/// <remarks>Stateless; safe to call from any thread. It only reads the file system.</remarks>
public sealed class PluginReader : IPluginReader
{
    /// <summary>The manifest path relative to the plugin root.</summary>
    public const string ManifestRelativePath = ".claude-plugin/plugin.json";

    /// <summary>Claude Code's hook events; others are reported as warnings (and kept).</summary>
    public static ImmutableHashSet<string> KnownHookEvents { get; } = ImmutableHashSet.Create(StringComparer.Ordinal,
        "SessionStart", "Setup", "UserPromptSubmit", "UserPromptExpansion", "PreToolUse", "PermissionRequest", "PermissionDenied",
        "PostToolUse", "PostToolUseFailure", "PostToolBatch", "Notification", "MessageDisplay", "SubagentStart", "SubagentStop",
        "TaskCreated", "TaskCompleted", "Stop", "StopFailure", "TeammateIdle", "InstructionsLoaded", "ConfigChange", "CwdChanged",
        "DirectoryAdded", "FileChanged", "WorktreeCreate", "WorktreeRemove", "PreCompact", "PostCompact", "Elicitation",
        "ElicitationResult", "SessionEnd");

    private readonly PluginStore? _store;

    /// <summary>A reader without a plugin store: <c>${CLAUDE_PLUGIN_DATA}</c> is left as written.</summary>
    public PluginReader()
    {
    }

    /// <summary>A reader whose plugins get their data folder from <paramref name="store"/> (<see cref="PluginStore.DataDirectoryFor"/>).</summary>
    public PluginReader(PluginStore store) => _store = store ?? throw new ArgumentNullException(nameof(store));

    public static PluginReader Instance { get; } = new();

    public Task<PluginReadResult> ReadAsync(string root, CancellationToken cancellationToken) =>
        Task.Run(() => Read(root, null, _store), cancellationToken);

    /// <summary>
    /// Reads the plugin at <paramref name="root"/> synchronously (see the class summary). <paramref name="entry"/> is the
    /// marketplace entry it is installed from; without one, an installed plugin's saved entry
    /// (<see cref="PluginEntryDefinition.InstalledRelativePath"/>) is used when present.
    /// </summary>
    public static PluginReadResult Read(string root, PluginEntryDefinition? entry = null) => Read(root, entry, null);

    /// <summary>
    /// As <see cref="Read(string, PluginEntryDefinition?)"/>; with a <paramref name="store"/>, <c>${CLAUDE_PLUGIN_DATA}</c>
    /// is the plugin's data folder (<see cref="PluginStore.DataDirectoryFor"/>) in hooks, MCP servers, agents, skills and commands.
    /// </summary>
    public static PluginReadResult Read(string root, PluginEntryDefinition? entry, PluginStore? store)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        var diagnostics = new List<LoadDiagnostic>();
        if (!Directory.Exists(root))
        {
            return Broken(diagnostics, LoadDiagnostic.Fail(root, null, "not a directory; plugin skipped"));
        }
        var savedEntry = Path.Combine(root, PluginEntryDefinition.InstalledRelativePath);
        if (entry is null && File.Exists(savedEntry))
        {
            entry = PluginEntryDefinition.ReadInstalled(savedEntry, diagnostics);
            if (entry is null)
            {
                return Broken(diagnostics);
            }
        }
        var context = new ReadContext(root, diagnostics);
        var manifestPath = Path.Combine(root, ".claude-plugin", "plugin.json");
        PluginJsonFile? manifestFile = null;
        string name;
        if (File.Exists(manifestPath))
        {
            manifestFile = PluginJson.Read(manifestPath, diagnostics, "plugin manifest");
            if (manifestFile is null)
            {
                return Broken(diagnostics);
            }
            if (manifestFile.Root.ValueKind != JsonValueKind.Object)
            {
                return Broken(diagnostics, LoadDiagnostic.Fail(manifestPath, 1, "the manifest must be a JSON object; plugin skipped"));
            }
            if (!manifestFile.Root.TryGetProperty("name", out var n))
            {
                if (entry is null)
                {
                    return Broken(diagnostics, LoadDiagnostic.Fail(manifestPath, 1, "missing required field \"name\"; plugin skipped"));
                }
                name = entry.Name;
            }
            else if (n.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(n.GetString()))
            {
                return Broken(diagnostics, LoadDiagnostic.Fail(manifestPath, manifestFile.LineOf("name"), "\"name\" must be a non-empty string; plugin skipped"));
            }
            else
            {
                name = n.GetString()!.Trim();
            }
            if (entry is { Strict: false } && PluginEntryDefinition.ComponentKeys.FirstOrDefault(k => manifestFile.Root.TryGetProperty(k, out _)) is { } declared)
            {
                return Broken(diagnostics, LoadDiagnostic.Fail(entry.File, entry.Lines.GetValueOrDefault("strict", entry.Lines.GetValueOrDefault("")),
                    $"the marketplace entry '{entry.Name}' has \"strict\": false, so it alone defines the plugin, but {manifestPath} declares \"{declared}\" too; plugin skipped"));
            }
        }
        else
        {
            name = Path.GetFileName(root);
        }
        if (entry is not null && (entry.Strict is false || manifestFile is null || !manifestFile.Root.TryGetProperty("name", out _)))
        {
            // Claude Code names a marketplace plugin by its entry, unless the plugin's own plugin.json names it: entry
            // "claude-ops" with plugin.json "ops" gives "ops:…" skills (it is still installed and enabled as claude-ops@market).
            name = entry.Name;
        }
        if (!IsUsableName(name))
        {
            return Broken(diagnostics, LoadDiagnostic.Fail(manifestFile?.Path ?? root, manifestFile?.LineOf("name"),
                $"plugin name '{name}' cannot be used: no spaces, ':', '@' or '/'; plugin skipped"));
        }
        if (SkillFileLoader.CheckName(name) is { } why)
        {
            diagnostics.Add(LoadDiagnostic.Warn(manifestFile?.Path ?? root, manifestFile?.LineOf("name"), $"plugin name '{name}' is not kebab-case: {why}"));
        }
        var manifest = ReadManifest(name, manifestFile, entry);
        context.Manifest = manifestFile;
        context.Data = store?.DataDirectoryFor(entry?.Name ?? name, root);

        // Component paths: null means "not given". A strict entry adds its lists to the manifest's; a non-strict entry
        // is the whole definition.
        var entryFile = entry?.AsFile();
        var fromManifest = entry is { Strict: false } ? null : manifestFile;
        List<string>? Paths(string key, bool allowInline = false)
        {
            var a = fromManifest is null ? null : context.Paths(fromManifest, key, allowInline);
            var b = entryFile is null ? null : context.Paths(entryFile, key, allowInline);
            return a is null ? b : b is null ? a : [.. a, .. b];
        }
        var skillPaths = Paths("skills");
        var commandPaths = Paths("commands");
        var agentPaths = Paths("agents");
        var hookPaths = Paths("hooks", allowInline: true);
        var mcpPaths = Paths("mcpServers", allowInline: true);
        var outputStylePaths = Paths("outputStyles");
        var workflowPaths = Paths("workflows");
        if (context.Failed)
        {
            return Broken(diagnostics);
        }
        // skills/ is always read, except when a marketplace entry lists the plugin's skills itself.
        var defaultSkills = entry is not null && entry.Declares("skills") ? [] : new[] { Path.Combine(root, "skills") };

        // Skills: skills/ plus the manifest's.
        var skills = new List<SkillDefinition>();
        var skillNames = new HashSet<string>(StringComparer.Ordinal);
        var skillFiles = new HashSet<string>(StringComparer.Ordinal);
        foreach (var dir in defaultSkills.Concat(skillPaths ?? []))
        {
            var found = File.Exists(Path.Combine(dir, SkillFileLoader.FileName))
                ? SkillFileLoader.Load(Path.Combine(dir, SkillFileLoader.FileName), SkillScope.Plugin, diagnostics, name, root) is { } one ? [one] : []
                : SkillDiscovery.LoadDirectory(dir, SkillScope.Plugin, diagnostics, name, root);
            foreach (var skill in found)
            {
                // A manifest that lists folders under skills/ names skills that skills/ already gave: one skill, as in Claude Code.
                if (skill.SourcePath is { } file && !skillFiles.Add(Path.GetFullPath(file)))
                {
                    continue;
                }
                if (skillNames.Add(skill.Metadata.Name))
                {
                    skills.Add(skill.File is { } info && context.Data is not null ? skill with { File = info with { PluginData = context.Data } } : skill);
                }
                else
                {
                    diagnostics.Add(LoadDiagnostic.Fail(skill.SourcePath ?? dir, null, $"another skill of this plugin is already named '{skill.Metadata.Name}'; skill skipped"));
                }
            }
        }

        // Commands: the manifest's replace commands/.
        var commands = new Dictionary<string, CommandDefinition>(StringComparer.Ordinal);
        foreach (var path in commandPaths ?? [Path.Combine(root, "commands")])
        {
            var found = File.Exists(path)
                ? CommandLoader.LoadFile(path, $"{name}:{Path.GetFileNameWithoutExtension(path)}", CommandScope.Plugin, diagnostics, name, root) is { } c ? [c] : []
                : CommandLoader.LoadDirectory(path, CommandScope.Plugin, diagnostics, name, root);
            foreach (var command in found)
            {
                commands.TryAdd(command.Name, command with { PluginData = context.Data });
            }
        }
        // Workflows (workflows/*.js, or the manifest's): slash commands whose prompt calls the Workflow tool. As in Claude
        // Code 2.1.337, a workflow named like a command of the plugin takes its name (code-modernization's
        // modernize-extract-rules: /code-modernization:modernize-extract-rules runs the workflow, not the .md).
        foreach (var workflow in WorkflowLoader.LoadPlugin(root, name, workflowPaths, diagnostics))
        {
            commands[workflow.Name] = workflow.ToCommand() with { PluginData = context.Data };
        }

        // Agents: the manifest's replace agents/.
        var agents = new List<PluginAgent>();
        var agentFiles = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in agentPaths ?? [Path.Combine(root, "agents")])
        {
            var files = File.Exists(path) ? [path]
                : Directory.Exists(path) ? Directory.GetFiles(path, "*.md").Order(StringComparer.Ordinal).ToArray() : [];
            foreach (var file in files.Where(f => agentFiles.Add(Path.GetFullPath(f))))
            {
                if (ReadAgent(file, name, diagnostics, context.Root, context.Data) is { } agent)
                {
                    agents.Add(agent);
                }
            }
        }

        // Hooks and MCP servers.
        var hooks = ReadHooks(context, name, hookPaths);
        var mcp = ReadMcp(context, mcpPaths);
        if (context.Failed)
        {
            return Broken(diagnostics);
        }
        var plugin = new PluginDefinition
        {
            Manifest = manifest,
            Root = root,
            Skills = [.. skills],
            Commands = [.. commands.Values.OrderBy(c => c.Name, StringComparer.Ordinal)],
            Agents = [.. agents],
            Hooks = hooks is null ? null : hooks with { PluginData = context.Data },
            McpServers = mcp,
            DataDirectory = context.Data,
            OutputStylePaths = [.. outputStylePaths ?? [Path.Combine(root, "output-styles")]],
        };
        return new PluginReadResult(plugin, [.. diagnostics]);
    }

    /// <summary>Whether <paramref name="name"/> can name a plugin (it becomes a namespace and a settings key).</summary>
    public static bool IsUsableName(string name) =>
        name.Length > 0 && !name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is ':' or '@' or '/' or '\\') && name != "." && name != "..";

    private static PluginReadResult Broken(List<LoadDiagnostic> diagnostics, LoadDiagnostic? last = null)
    {
        if (last is not null)
        {
            diagnostics.Add(last);
        }
        return new PluginReadResult(null, [.. diagnostics]);
    }

    private static PluginManifest ReadManifest(string name, PluginJsonFile? file, PluginEntryDefinition? entry)
    {
        // A non-strict entry is the whole definition; otherwise the manifest wins and the entry fills its gaps.
        var sources = new List<JsonElement>();
        if (file is not null && entry is not { Strict: false })
        {
            sources.Add(file.Root);
        }
        if (entry is not null && entry.Entry.ValueKind == JsonValueKind.Object)
        {
            sources.Add(entry.Entry);
        }
        string? Str(string key) => sources.Select(r => r.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null).FirstOrDefault(v => v is not null);
        string? Nested(string key, string inner) => sources.Select(r =>
            r.TryGetProperty(key, out var v) ? v.ValueKind switch
            {
                JsonValueKind.String => v.GetString(),
                JsonValueKind.Object when v.TryGetProperty(inner, out var i) && i.ValueKind == JsonValueKind.String => i.GetString(),
                _ => null,
            } : null).FirstOrDefault(v => v is not null);
        var keywords = sources.Select(r => r.TryGetProperty("keywords", out var k) && k.ValueKind == JsonValueKind.Array
            ? k.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToImmutableArray()
            : ImmutableArray<string>.Empty).FirstOrDefault(k => !k.IsEmpty);
        return new PluginManifest
        {
            Name = name,
            Version = Str("version"),
            Description = Str("description"),
            Author = Nested("author", "name"),
            Homepage = Str("homepage"),
            Repository = Nested("repository", "url"),
            License = Str("license"),
            Keywords = keywords.IsDefault ? [] : keywords,
            ManifestPath = file?.Path,
            Raw = file?.Root ?? default,
            Marketplace = entry?.Marketplace is { Length: > 0 } market ? market : null,
            Strict = entry?.Strict ?? true,
        };
    }

    private static PluginAgent? ReadAgent(string file, string pluginName, List<LoadDiagnostic> diagnostics, string root, string? data)
    {
        FrontmatterHead head;
        try
        {
            head = TextFiles.ReadFrontmatterHead(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            diagnostics.Add(LoadDiagnostic.Fail(file, null, $"cannot read the agent: {ex.Message}; agent skipped"));
            return null;
        }
        var doc = MarkdownFrontmatter.Parse(head.Text, file);
        var fileName = Path.GetFileNameWithoutExtension(file);
        foreach (var d in doc.Diagnostics)
        {
            // Claude Code loads such an agent with no frontmatter fields, named by its file.
            diagnostics.Add(LoadDiagnostic.Warn(d.File, d.Line, $"{d.Message}; the agent is loaded as '{fileName}' with no frontmatter fields, as Claude Code does"));
        }
        var warnings = new List<LoadDiagnostic>();
        var declared = doc.GetString("name", warnings)?.Trim();
        if (!string.IsNullOrEmpty(declared) && declared != fileName && !doc.ClaudeCodeReadsFields)
        {
            // Claude Code reads no field of a block that stays invalid YAML after its one retry, so it names the agent by
            // its file; forge does the same (the other fields are still read line by line).
            warnings.Add(LoadDiagnostic.Warn(file, doc.LineOf("name"),
                $"the frontmatter is not valid YAML even with its values quoted, so Claude Code ignores its fields: the agent is named '{fileName}' (by its file), not '{declared}'"));
            declared = null;
        }
        var agentName = string.IsNullOrEmpty(declared) ? fileName : declared;
        var description = doc.GetString("description", warnings);
        var tools = doc.Has("tools")
            ? doc.GetList("tools", warnings).Select(t => t.IndexOf('(', StringComparison.Ordinal) is var paren and >= 0 ? t[..paren].Trim() : t).Where(t => t.Length > 0).ToImmutableArray()
            : (ImmutableArray<string>?)null;
        var model = doc.GetString("model", warnings)?.Trim();
        diagnostics.AddRange(warnings);
        if (string.IsNullOrWhiteSpace(description))
        {
            // Claude Code loads it all the same (community marketplaces ship agent files with no frontmatter at all).
            diagnostics.Add(LoadDiagnostic.Warn(file, doc.HasFrontmatter ? 1 : null, $"agent '{agentName}' has no 'description' (the model needs it to know when to use it); the model is shown its name only"));
            description = agentName;
        }
        if (head.IsWholeFile ? string.IsNullOrWhiteSpace(doc.Body) : !head.BodyHasText)
        {
            diagnostics.Add(LoadDiagnostic.Warn(file, doc.BodyLine, $"agent '{agentName}' has an empty system prompt (the text after the frontmatter); loaded as Claude Code does"));
        }
        // The body was checked above; it is read again when the agent is spawned, with the plugin's placeholders
        // substituted then (Claude Code substitutes them in an agent's system prompt).
        var path = Path.GetFullPath(file);
        return new PluginAgent($"{pluginName}:{agentName}", path, description)
        {
            Tools = tools,
            Model = string.IsNullOrEmpty(model) ? null : model,
            PromptSource = new MarkdownBody(path, body => ReadContext.Substitute(body.Trim(), root, data), acceptsInvalidFrontmatter: true),
        };
    }

    private static PluginHookSet? ReadHooks(ReadContext context, string pluginName, List<string>? paths)
    {
        var events = new SortedDictionary<string, List<JsonElement>>(StringComparer.Ordinal);
        var sources = new List<string>();
        void Merge(JsonElement config, string file, Func<string, int?> lineOf)
        {
            if (config.ValueKind != JsonValueKind.Object)
            {
                context.Fail(file, lineOf(""), "hooks must be a JSON object {\"hooks\": {\"EventName\": [...]}}");
                return;
            }
            var prefix = "";
            if (config.TryGetProperty("hooks", out var inner))
            {
                if (inner.ValueKind != JsonValueKind.Object)
                {
                    context.Fail(file, lineOf("hooks"), "\"hooks\" must be an object mapping event names to lists of matcher groups");
                    return;
                }
                config = inner;
                prefix = "hooks.";
            }
            foreach (var e in config.EnumerateObject())
            {
                var key = prefix + e.Name;
                if (e.Value.ValueKind != JsonValueKind.Array)
                {
                    context.Fail(file, lineOf(key), $"hooks event \"{e.Name}\" must be a list of matcher groups");
                    continue;
                }
                if (!KnownHookEvents.Contains(e.Name))
                {
                    context.Diagnostics.Add(LoadDiagnostic.Warn(file, lineOf(key), $"unknown hook event \"{e.Name}\""));
                }
                var index = 0;
                foreach (var group in e.Value.EnumerateArray())
                {
                    var at = $"{key}[{index++}]";
                    if (group.ValueKind != JsonValueKind.Object || !group.TryGetProperty("hooks", out var handlers) || handlers.ValueKind != JsonValueKind.Array)
                    {
                        context.Fail(file, lineOf(at), $"{at} must be an object with a \"hooks\" list");
                        continue;
                    }
                    foreach (var handler in handlers.EnumerateArray())
                    {
                        if (handler.ValueKind != JsonValueKind.Object || !handler.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
                        {
                            context.Fail(file, lineOf(at), $"{at}: every hook needs a \"type\" (e.g. \"command\")");
                        }
                    }
                    if (!events.TryGetValue(e.Name, out var list))
                    {
                        events[e.Name] = list = [];
                    }
                    list.Add(PluginJson.MapStrings(group, context.SubstituteRoot));
                }
            }
            sources.Add(file);
        }
        if (paths is null && File.Exists(Path.Combine(context.Root, "hooks", "hooks.json")))
        {
            paths = [Path.Combine(context.Root, "hooks", "hooks.json")];
        }
        foreach (var path in paths ?? [])
        {
            if (context.Inline(path) is { } manifest)
            {
                Merge(manifest.Root.GetProperty("hooks"), manifest.Path, k => manifest.LineOf(k.Length == 0 ? "hooks" : "hooks." + k));
                continue;
            }
            var file = PluginJson.Read(path, context.Diagnostics, "hooks file");
            if (file is null)
            {
                context.Failed = true;
                continue;
            }
            Merge(file.Root, path, k => k.Length == 0 ? 1 : file.LineOf(k));
        }
        if (events.Count == 0)
        {
            return null;
        }
        return new PluginHookSet(pluginName, context.Root, string.Join(", ", sources),
            events.ToImmutableSortedDictionary(e => e.Key, e => e.Value.ToImmutableArray(), StringComparer.Ordinal));
    }

    private static ImmutableSortedDictionary<string, JsonElement> ReadMcp(ReadContext context, List<string>? paths)
    {
        var servers = ImmutableSortedDictionary.CreateBuilder<string, JsonElement>(StringComparer.Ordinal);
        void Merge(JsonElement config, string file, Func<string, int?> lineOf)
        {
            var prefix = "";
            if (config.ValueKind == JsonValueKind.Object && config.TryGetProperty("mcpServers", out var inner))
            {
                config = inner;
                prefix = "mcpServers.";
            }
            if (config.ValueKind != JsonValueKind.Object)
            {
                context.Fail(file, lineOf(prefix.TrimEnd('.')), "MCP servers must be an object {\"mcpServers\": {\"name\": {...}}}");
                return;
            }
            foreach (var server in config.EnumerateObject())
            {
                if (server.Value.ValueKind != JsonValueKind.Object)
                {
                    context.Fail(file, lineOf(prefix + server.Name), $"MCP server \"{server.Name}\" must be an object with \"command\" or \"url\"");
                    continue;
                }
                servers[server.Name] = PluginJson.MapStrings(server.Value, context.SubstituteRoot);
            }
        }
        if (paths is null && File.Exists(Path.Combine(context.Root, ".mcp.json")))
        {
            paths = [Path.Combine(context.Root, ".mcp.json")];
        }
        foreach (var path in paths ?? [])
        {
            if (context.Inline(path) is { } manifest)
            {
                Merge(manifest.Root.GetProperty("mcpServers"), manifest.Path, k => manifest.LineOf(k.Length == 0 ? "mcpServers" : "mcpServers." + k));
                continue;
            }
            var file = PluginJson.Read(path, context.Diagnostics, "MCP configuration");
            if (file is null)
            {
                context.Failed = true;
                continue;
            }
            Merge(file.Root, path, k => k.Length == 0 ? 1 : file.LineOf(k));
        }
        return servers.ToImmutable();
    }

    /// <summary>State of one read: the root, the diagnostics and whether the plugin is broken.</summary>
    private sealed class ReadContext(string root, List<LoadDiagnostic> diagnostics)
    {
        private const string InlineMarker = "\0inline#";
        private readonly List<PluginJsonFile> _inline = [];

        public string Root { get; } = root;

        /// <summary>The root with symbolic links resolved, for the escape check of every manifest path (resolved once).</summary>
        public string RealRoot => field ??= RealPath(Root);

        public List<LoadDiagnostic> Diagnostics { get; } = diagnostics;

        public PluginJsonFile? Manifest { get; set; }

        public bool Failed { get; set; }

        public void Fail(string file, int? line, string why)
        {
            Diagnostics.Add(LoadDiagnostic.Fail(file, line, why + "; plugin skipped"));
            Failed = true;
        }

        /// <summary>The plugin's data folder (<c>${CLAUDE_PLUGIN_DATA}</c>), or null when read without a store.</summary>
        public string? Data { get; set; }

        /// <summary>Replaces <c>${CLAUDE_PLUGIN_ROOT}</c> and <c>${CLAUDE_PLUGIN_DATA}</c> (creating the data folder on this first use).</summary>
        public string SubstituteRoot(string value) => Substitute(value, Root, Data);

        /// <summary>As <see cref="SubstituteRoot"/>, for a plugin at <paramref name="root"/> with data folder <paramref name="data"/>.</summary>
        public static string Substitute(string value, string root, string? data) =>
            PluginDataDirectory.Substitute(value.Replace("${CLAUDE_PLUGIN_ROOT}", root, StringComparison.Ordinal), data);

        /// <summary>The file whose inline object <paramref name="marker"/> stands for, or null for a real path.</summary>
        public PluginJsonFile? Inline(string marker) =>
            marker.StartsWith(InlineMarker, StringComparison.Ordinal) ? _inline[int.Parse(marker[InlineMarker.Length..], System.Globalization.CultureInfo.InvariantCulture)] : null;

        /// <summary>
        /// The paths <paramref name="manifest"/> (a plugin.json or a marketplace entry) gives for <paramref name="key"/>
        /// (absolute, checked to stay inside the root), or null when not given.
        /// </summary>
        public List<string>? Paths(PluginJsonFile manifest, string key, bool allowInline = false)
        {
            if (manifest.Root.ValueKind != JsonValueKind.Object || !manifest.Root.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                return null;
            }
            var result = new List<string>();
            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    Add(value.GetString()!, key);
                    break;
                case JsonValueKind.Array:
                    var i = 0;
                    foreach (var item in value.EnumerateArray())
                    {
                        var at = $"{key}[{i++}]";
                        if (item.ValueKind == JsonValueKind.String)
                        {
                            Add(item.GetString()!, at);
                        }
                        else
                        {
                            Fail(manifest.Path, manifest.LineOf(at) ?? manifest.LineOf(key), $"\"{at}\" must be a path string");
                        }
                    }
                    break;
                case JsonValueKind.Object when allowInline:
                    _inline.Add(manifest);
                    result.Add(InlineMarker + (_inline.Count - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
                    break;
                default:
                    Fail(manifest.Path, manifest.LineOf(key), $"\"{key}\" must be a path{(allowInline ? ", a list of paths or an object" : " or a list of paths")}");
                    break;
            }
            return result;

            void Add(string path, string at)
            {
                var line = manifest.LineOf(at) ?? manifest.LineOf(key);
                if (Path.IsPathRooted(path) || path.StartsWith('~'))
                {
                    Fail(manifest.Path, line, $"\"{at}\": '{path}' must be relative to the plugin root (start with ./)");
                    return;
                }
                var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Path.Combine(Root, path)));
                if (!PathText.IsUnderOrSame(full, Root) || !PathText.IsUnderOrSame(RealPath(full), RealRoot))
                {
                    Fail(manifest.Path, line, $"\"{at}\": '{path}' escapes the plugin root");
                    return;
                }
                if (!path.StartsWith("./", StringComparison.Ordinal))
                {
                    Diagnostics.Add(LoadDiagnostic.Warn(manifest.Path, line, $"\"{at}\": '{path}' should start with ./"));
                }
                if (!File.Exists(full) && !Directory.Exists(full))
                {
                    Diagnostics.Add(LoadDiagnostic.Warn(manifest.Path, line, $"\"{at}\": '{path}' does not exist"));
                }
                result.Add(full);
            }
        }
    }

    /// <summary>
    /// The path with symbolic links resolved in every part that exists, not only the last (<c>./link/sub</c>, where
    /// <c>link</c> points elsewhere, is <c>elsewhere/sub</c>); a cycle of links leaves the path as given.
    /// </summary>
    internal static string RealPath(string path)
    {
        try
        {
            return Path.TrimEndingDirectorySeparator(Tools.BuiltIn.FilePathPolicy.RealPath(Path.GetFullPath(path)));
        }
        catch (IOException)
        {
            return path;
        }
    }
}
