using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using CodeForge.Core.Config;
using CodeForge.Core.Permissions;

namespace CodeForge.Core.Hooks;

/// <summary>The hooks one source configures, and what was wrong with the rest.</summary>
/// <param name="Definitions">The hooks that loaded, in file order.</param>
/// <param name="Diagnostics">Every problem, each naming the file, line and key.</param>
/// <param name="DisableAllHooks">True when a settings file sets <c>"disableAllHooks": true</c>.</param>
public sealed record HookConfigResult(
    ImmutableArray<HookDefinition> Definitions, ImmutableArray<HookConfigDiagnostic> Diagnostics, bool DisableAllHooks = false)
{
    public static HookConfigResult Empty { get; } = new([], []);
}

/// <summary>
/// Turns Claude Code's hook configuration (<c>{"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type":
/// "command", "command": "...", "timeout": 30}]}]}}</c>) into <see cref="HookDefinition"/>s. Lenient: an unknown event,
/// a bad matcher, a missing command or a value of the wrong type drops that event, group or handler with a diagnostic
/// naming the file, line, key and reason; everything else loads.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class HookConfigParser
{
    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
    };

    private static readonly ImmutableHashSet<string> UnsupportedTypes =
        ImmutableHashSet.Create(StringComparer.Ordinal, "http", "prompt", "agent", "mcp_tool");

    /// <summary>
    /// Parses the value of a <c>hooks</c> key. <paramref name="sourceName"/> names the file in messages;
    /// <paramref name="pluginRoot"/> (plugin hooks) replaces <c>${CLAUDE_PLUGIN_ROOT}</c> in commands.
    /// </summary>
    public static HookConfigResult Parse(JsonElement hooks, string sourceName, string? pluginRoot = null, IReadOnlyDictionary<string, int>? lines = null)
    {
        ArgumentNullException.ThrowIfNull(sourceName);
        var c = new Context(sourceName, lines ?? ImmutableDictionary<string, int>.Empty, pluginRoot, reportStructure: true);
        var definitions = ParseHooks(hooks, "hooks", c);
        return new HookConfigResult(definitions, c.Diagnostics.ToImmutable());
    }

    /// <summary>
    /// Parses hooks already split by event (a plugin's <see cref="Plugins.PluginHookSet.Events"/>: event name → its
    /// matcher groups), as <see cref="Parse"/> would parse the same object; keys in messages read <c>hooks.Event[i]…</c>.
    /// </summary>
    public static HookConfigResult ParseEvents(
        IEnumerable<KeyValuePair<string, ImmutableArray<JsonElement>>> events, string sourceName, string? pluginRoot = null)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(sourceName);
        var c = new Context(sourceName, ImmutableDictionary<string, int>.Empty, pluginRoot, reportStructure: true);
        var result = ImmutableArray.CreateBuilder<HookDefinition>();
        foreach (var (name, groups) in events)
        {
            if (ParseEventName(name, "hooks", c) is { } hookEvent)
            {
                ParseGroups(hookEvent, groups, $"hooks.{name}", c, result);
            }
        }
        return new HookConfigResult(result.ToImmutable(), c.Diagnostics.ToImmutable());
    }

    /// <summary>
    /// Parses a whole document in the settings shape (<c>{"hooks": {...}}</c>): a plugin's <c>hooks/hooks.json</c>, or
    /// JSON text from tests. A document that is not JSON, or has no <c>hooks</c> object, is a diagnostic.
    /// </summary>
    public static HookConfigResult ParseDocument(string json, string sourceName, string? pluginRoot = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(sourceName);
        try
        {
            using var document = JsonDocument.Parse(json, DocumentOptions);
            var lines = KeyLines.Index(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("hooks", out var hooks))
            {
                return new HookConfigResult([], [new HookConfigDiagnostic(sourceName, 1, "",
                    $"expected an object with a \"hooks\" key, found {SettingsParser.Describe(document.RootElement)}{(document.RootElement.ValueKind == JsonValueKind.Object ? " without it" : "")}; no hooks loaded")]);
            }
            return Parse(hooks, sourceName, pluginRoot, lines);
        }
        catch (JsonException ex)
        {
            return new HookConfigResult([], [new HookConfigDiagnostic(sourceName, (int)(ex.LineNumber ?? -1) + 1, "",
                $"invalid JSON ({ex.Message.Split(". ")[0]}); no hooks loaded")]);
        }
    }

    /// <summary>Reads a plugin's <c>hooks/hooks.json</c>; a missing file loads nothing without a diagnostic.</summary>
    public static HookConfigResult ParsePluginFile(string path, string pluginRoot)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(pluginRoot);
        string text;
        try
        {
            text = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return HookConfigResult.Empty;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new HookConfigResult([], [new HookConfigDiagnostic(path, 0, "", $"cannot read the file: {ex.Message}")]);
        }
        return ParseDocument(text, path, pluginRoot);
    }

    /// <summary>
    /// Reads the hooks of every settings file of <paramref name="locations"/>, lowest precedence first (user, project,
    /// local, managed). Structural problems that <see cref="SettingsParser"/> already reports (invalid JSON, <c>hooks</c>
    /// not an object, an event not an array, a group not an object) are not reported twice.
    /// </summary>
    public static HookConfigResult LoadSettings(SettingsLocations locations)
    {
        ArgumentNullException.ThrowIfNull(locations);
        var files = new List<(string Path, string Text)>();
        foreach (var source in locations.FilesBeforeCommandLine.Add(locations.Managed))
        {
            try
            {
                files.Add((source.Path, File.ReadAllText(source.Path, Encoding.UTF8)));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // missing, or reported by the settings store
            }
        }
        return LoadSettings(files);
    }

    /// <summary>
    /// The hooks of settings files already read (e.g. <see cref="SettingsSnapshot.Files"/>, which keeps a broken file's last
    /// good text), lowest precedence first; as <see cref="LoadSettings(SettingsLocations)"/> otherwise.
    /// </summary>
    public static HookConfigResult LoadSettings(IEnumerable<SettingsFileContent> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        return LoadSettings(files.Select(f => (f.Source.Path, f.Text)));
    }

    private static HookConfigResult LoadSettings(IEnumerable<(string Path, string Text)> files)
    {
        var definitions = ImmutableArray.CreateBuilder<HookDefinition>();
        var diagnostics = ImmutableArray.CreateBuilder<HookConfigDiagnostic>();
        var disableAll = false;
        foreach (var (path, text) in files)
        {
            try
            {
                using var document = JsonDocument.Parse(text, DocumentOptions);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }
                if (document.RootElement.TryGetProperty("disableAllHooks", out var disable) && disable.ValueKind == JsonValueKind.True)
                {
                    disableAll = true;
                }
                if (!document.RootElement.TryGetProperty("hooks", out var hooks))
                {
                    continue;
                }
                var c = new Context(path, KeyLines.Index(text), pluginRoot: null, reportStructure: false);
                definitions.AddRange(ParseHooks(hooks, "hooks", c));
                diagnostics.AddRange(c.Diagnostics);
            }
            catch (JsonException)
            {
                // Reported by the settings store with its line.
            }
        }
        return new HookConfigResult(definitions.ToImmutable(), diagnostics.ToImmutable(), disableAll);
    }

    private static ImmutableArray<HookDefinition> ParseHooks(JsonElement hooks, string key, Context c)
    {
        var result = ImmutableArray.CreateBuilder<HookDefinition>();
        if (hooks.ValueKind != JsonValueKind.Object)
        {
            c.Structure(key, $"expected an object mapping event names to matcher groups, found {SettingsParser.Describe(hooks)}; ignored");
            return result.ToImmutable();
        }
        foreach (var property in hooks.EnumerateObject())
        {
            var eventKey = $"{key}.{property.Name}";
            if (ParseEventName(property.Name, key, c) is not { } hookEvent)
            {
                continue;
            }
            if (property.Value.ValueKind != JsonValueKind.Array)
            {
                c.Structure(eventKey, $"expected an array of matcher groups, found {SettingsParser.Describe(property.Value)}; ignored");
                continue;
            }
            ParseGroups(hookEvent, property.Value.EnumerateArray(), eventKey, c, result);
        }
        return result.ToImmutable();
    }

    private static HookEvent? ParseEventName(string name, string key, Context c)
    {
        if (HookEvents.TryParse(name, out var hookEvent))
        {
            return hookEvent;
        }
        var eventKey = $"{key}.{name}";
        if (HookEvents.KnownUnsupported.Contains(name))
        {
            c.Warning(eventKey, $"the {name} event is not fired by forge; its hooks are ignored");
        }
        else
        {
            c.Error(eventKey, $"unknown hook event \"{name}\"; expected one of {string.Join(", ", HookEvents.All)}; ignored");
        }
        return null;
    }

    private static void ParseGroups(HookEvent hookEvent, IEnumerable<JsonElement> groups, string eventKey, Context c, ImmutableArray<HookDefinition>.Builder result)
    {
        var g = 0;
        foreach (var group in groups)
        {
            ParseGroup(hookEvent, group, $"{eventKey}[{g++}]", c, result);
        }
    }

    private static void ParseGroup(HookEvent hookEvent, JsonElement group, string key, Context c, ImmutableArray<HookDefinition>.Builder result)
    {
        if (group.ValueKind != JsonValueKind.Object)
        {
            c.Structure(key, $"expected an object with \"matcher\" and \"hooks\", found {SettingsParser.Describe(group)}; ignored");
            return;
        }
        var matcher = HookMatcher.All;
        if (group.TryGetProperty("matcher", out var m) && m.ValueKind != JsonValueKind.Null)
        {
            if (m.ValueKind != JsonValueKind.String)
            {
                c.Error(key + ".matcher", $"expected a string such as \"Write|Edit\", found {SettingsParser.Describe(m)}; the group is ignored");
                return;
            }
            if (!HookMatcher.TryParse(m.GetString(), out matcher, out var error))
            {
                c.Error(key + ".matcher", error + "; the group is ignored");
                return;
            }
        }
        if (!group.TryGetProperty("hooks", out var handlers))
        {
            c.Error(key, "missing \"hooks\" (the array of handlers); the group is ignored");
            return;
        }
        if (handlers.ValueKind != JsonValueKind.Array)
        {
            c.Error(key + ".hooks", $"expected an array of handlers, found {SettingsParser.Describe(handlers)}; the group is ignored");
            return;
        }
        var h = 0;
        foreach (var handler in handlers.EnumerateArray())
        {
            var handlerKey = $"{key}.hooks[{h++}]";
            if (ParseHandler(hookEvent, matcher, handler, handlerKey, c) is { } definition)
            {
                result.Add(definition);
            }
        }
    }

    private static HookDefinition? ParseHandler(HookEvent hookEvent, HookMatcher matcher, JsonElement handler, string key, Context c)
    {
        if (handler.ValueKind != JsonValueKind.Object)
        {
            c.Error(key, $"expected a handler object such as {{\"type\": \"command\", \"command\": \"...\"}}, found {SettingsParser.Describe(handler)}; ignored");
            return null;
        }
        if (!handler.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
        {
            c.Error(key + ".type", $"expected \"type\": \"command\", found {(type.ValueKind == JsonValueKind.Undefined ? "nothing" : SettingsParser.Describe(type))}; ignored");
            return null;
        }
        var typeName = type.GetString();
        if (UnsupportedTypes.Contains(typeName!))
        {
            c.Warning(key + ".type", $"\"{typeName}\" hooks are not supported by forge (only \"command\"); ignored");
            return null;
        }
        if (typeName != "command")
        {
            c.Error(key + ".type", $"unknown hook type \"{typeName}\"; expected \"command\"; ignored");
            return null;
        }
        if (!handler.TryGetProperty("command", out var commandElement) || commandElement.ValueKind != JsonValueKind.String ||
            string.IsNullOrWhiteSpace(commandElement.GetString()))
        {
            c.Error(key + ".command", commandElement.ValueKind == JsonValueKind.Undefined
                ? "missing \"command\"; ignored"
                : $"expected a non-empty command string, found {(commandElement.ValueKind == JsonValueKind.String ? "an empty string" : SettingsParser.Describe(commandElement))}; ignored");
            return null;
        }
        var command = commandElement.GetString()!;
        if (handler.TryGetProperty("shell", out var shell) && !(shell.ValueKind == JsonValueKind.String && shell.GetString() == "bash"))
        {
            c.Warning(key + ".shell", $"only \"bash\" is supported, found {(shell.ValueKind == JsonValueKind.String ? $"\"{shell.GetString()}\"" : SettingsParser.Describe(shell))}; ignored");
            return null;
        }
        if (handler.TryGetProperty("args", out var args))
        {
            if (args.ValueKind != JsonValueKind.Array || args.EnumerateArray().Any(a => a.ValueKind != JsonValueKind.String))
            {
                c.Error(key + ".args", $"expected an array of strings, found {SettingsParser.Describe(args)}; ignored");
                return null;
            }
            // Exec form: no shell interpretation, so every word is quoted for bash.
            command = string.Join(' ', new[] { command }.Concat(args.EnumerateArray().Select(a => a.GetString()!)).Select(ShellQuote));
        }
        if (c.PluginRoot is { } root)
        {
            command = command.Replace("${CLAUDE_PLUGIN_ROOT}", root, StringComparison.Ordinal);
        }
        TimeSpan? timeout = null;
        if (handler.TryGetProperty("timeout", out var t))
        {
            if (t.ValueKind == JsonValueKind.Number && t.TryGetDouble(out var seconds) && seconds > 0 && seconds <= 86_400)
            {
                timeout = TimeSpan.FromSeconds(seconds);
            }
            else
            {
                c.Error(key + ".timeout", $"expected a number of seconds greater than 0, found {(t.ValueKind == JsonValueKind.Number ? t.GetRawText() : SettingsParser.Describe(t))}; the default timeout is used");
            }
        }
        PermissionRule? ifRule = null;
        if (handler.TryGetProperty("if", out var ifElement))
        {
            if (!hookEvent.IsToolEvent())
            {
                c.Warning(key + ".if", $"\"if\" applies to tool events only, not {hookEvent}; ignored");
            }
            else if (ifElement.ValueKind != JsonValueKind.String)
            {
                c.Error(key + ".if", $"expected a permission rule such as \"Bash(rm *)\", found {SettingsParser.Describe(ifElement)}; the hook is ignored");
                return null;
            }
            else if (!PermissionRule.TryParse(ifElement.GetString(), PermissionBehavior.Allow,
                         new RuleSource(PermissionLayer.Session, c.Source, key + ".if"), out ifRule, out var ruleError))
            {
                c.Error(key + ".if", $"{ruleError.Message}; the hook is ignored");
                return null;
            }
        }
        if (handler.TryGetProperty("async", out var isAsync) && isAsync.ValueKind == JsonValueKind.True)
        {
            c.Warning(key + ".async", "asynchronous hooks are not supported; the hook runs synchronously");
        }
        string? status = handler.TryGetProperty("statusMessage", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        return new HookDefinition(hookEvent, matcher, command, $"{c.Source} {key}")
        {
            Timeout = timeout,
            If = ifRule,
            PluginRoot = c.PluginRoot,
            StatusMessage = status,
        };
    }

    private static string ShellQuote(string word) =>
        word.Length > 0 && word.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '/' or '.' or '_' or '-' or '=' or ':' or ',' or '+' or '@')
            ? word
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private sealed class Context(string source, IReadOnlyDictionary<string, int> lines, string? pluginRoot, bool reportStructure)
    {
        public string Source { get; } = source;

        public string? PluginRoot { get; } = pluginRoot;

        public ImmutableArray<HookConfigDiagnostic>.Builder Diagnostics { get; } = ImmutableArray.CreateBuilder<HookConfigDiagnostic>();

        public void Error(string key, string message) =>
            Diagnostics.Add(new HookConfigDiagnostic(Source, Line(key), key, message));

        public void Warning(string key, string message) =>
            Diagnostics.Add(new HookConfigDiagnostic(Source, Line(key), key, message, IsError: false));

        /// <summary>A structural error the settings parser reports already when reading a settings file.</summary>
        public void Structure(string key, string message)
        {
            if (reportStructure)
            {
                Error(key, message);
            }
        }

        private int Line(string key)
        {
            // The key itself, or the nearest enclosing key that has a line.
            for (var k = key; k.Length > 0; k = Parent(k))
            {
                if (lines.TryGetValue(k, out var line))
                {
                    return line;
                }
            }
            return 0;
        }

        private static string Parent(string key)
        {
            var cut = Math.Max(key.LastIndexOf('.'), key.LastIndexOf('['));
            return cut <= 0 ? "" : key[..cut];
        }
    }
}
