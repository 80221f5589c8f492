using System.Collections.Immutable;
using System.Text;
using System.Text.Json;

namespace CodeForge.Core.Config;

/// <summary>
/// Reads one settings file (Claude Code's <c>settings.json</c> shape) into a <see cref="SettingsFragment"/>, reporting every
/// problem with its file, line and key. Lenient: invalid JSON drops that file only; an invalid value drops that key only;
/// an unknown key is a warning and is ignored.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class SettingsParser
{
    /// <summary>The permission modes a settings file may name (<c>manual</c> is an alias of <c>default</c>).</summary>
    public static readonly ImmutableArray<string> PermissionModes =
        ["default", "acceptEdits", "plan", "dontAsk", "bypassPermissions"];

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
    };

    private static readonly ImmutableHashSet<string> KnownIgnoredKeys = ImmutableHashSet.Create(StringComparer.Ordinal,
        "$schema", "apiKeyHelper", "includeCoAuthoredBy", "outputStyle", "forceLoginMethod", "spinnerTipsEnabled",
        "enableAllProjectMcpServers", "enabledMcpjsonServers", "disabledMcpjsonServers", "extraKnownMarketplaces",
        "theme", "verbose", "companyAnnouncements", "awsAuthRefresh", "awsCredentialExport",
        "sandbox", "attribution", "skipWebFetchPreflight", "disableAllHooks", "subagentStatusLine", "agent",
        "trustAllWorkspaces");

    /// <summary>Parses <paramref name="json"/> read from <paramref name="source"/>.</summary>
    public static (SettingsFragment Fragment, ImmutableArray<SettingsDiagnostic> Diagnostics) Parse(string json, SettingsSource source)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(source);
        var diagnostics = ImmutableArray.CreateBuilder<SettingsDiagnostic>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException ex)
        {
            diagnostics.Add(new SettingsDiagnostic(source, (int)(ex.LineNumber ?? -1) + 1, "",
                $"invalid JSON ({FirstSentence(ex.Message)}); the file was ignored"));
            return (SettingsFragment.Empty, diagnostics.ToImmutable());
        }
        using (document)
        {
            var lines = KeyLines.Index(json);
            var context = new Context(source, lines, diagnostics);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                context.Error("", $"expected a JSON object at the top level, found {Describe(document.RootElement)}; the file was ignored");
                return (SettingsFragment.Empty, diagnostics.ToImmutable());
            }
            var fragment = ParseRoot(document.RootElement, context);
            return (fragment, diagnostics.ToImmutable());
        }
    }

    /// <summary>Reads and parses a file; a missing file is an empty fragment, an unreadable one a diagnostic.</summary>
    public static (SettingsFragment Fragment, ImmutableArray<SettingsDiagnostic> Diagnostics) ParseFile(SettingsSource source)
    {
        var (text, problem) = ReadFile(source);
        return text is null
            ? (SettingsFragment.Empty, problem is null ? [] : [problem])
            : Parse(text, source);
    }

    /// <summary>Reads a settings file: its text, or null with no problem when it does not exist, or null with the reason
    /// it cannot be read.</summary>
    public static (string? Text, SettingsDiagnostic? Problem) ReadFile(SettingsSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        try
        {
            return (File.ReadAllText(source.Path, Encoding.UTF8), null);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return (null, null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, new SettingsDiagnostic(source, 0, "", $"cannot read the file: {ex.Message}"));
        }
    }

    /// <summary>True when <paramref name="diagnostic"/> made the whole file unusable (not JSON, not an object, unreadable).</summary>
    public static bool IsWholeFileProblem(SettingsDiagnostic diagnostic)
    {
        ArgumentNullException.ThrowIfNull(diagnostic);
        return diagnostic.IsError && diagnostic.Key.Length == 0;
    }

    private static SettingsFragment ParseRoot(JsonElement root, Context c)
    {
        var f = SettingsFragment.Empty;
        foreach (var property in root.EnumerateObject())
        {
            var key = property.Name;
            var value = property.Value;
            switch (key)
            {
                case "model":
                    f = f with { Model = c.String(key, value) };
                    break;
                case "provider":
                    f = f with { Provider = c.OneOf(key, value, ["openai", "anthropic", "ollama", "openai-compatible"]) };
                    break;
                case "permissions":
                    f = ParsePermissions(f, value, c);
                    break;
                case "env":
                    f = f with { Env = c.StringMap(key, value) };
                    break;
                case "enabledPlugins":
                    f = f with { EnabledPlugins = c.BoolMap(key, value) };
                    break;
                case "hooks":
                    f = f with { Hooks = c.Hooks(key, value) };
                    break;
                case "statusLine":
                    if (c.Expect(key, value, JsonValueKind.Object))
                    {
                        f = f with { StatusLine = value.Clone() };
                    }
                    break;
                case "sandbox":
                    f = f with { Sandbox = SandboxSettingsParser.Parse(value, c.Error, c.Warning) };
                    break;
                case "cleanupPeriodDays":
                    f = f with { CleanupPeriodDays = c.NonNegativeInt(key, value) };
                    break;
                case "webFetch":
                    f = f with { WebFetch = WebFetchSettings.Parse(key, value, c.Error) };
                    break;
                case "effort":
                    f = f with { Effort = c.OneOf(key, value, ["low", "medium", "high", "max", "none"]) };
                    break;
                case "maxThinkingTokens":
                    f = f with { MaxThinkingTokens = c.NonNegativeInt(key, value) };
                    break;
                case "alwaysThinkingEnabled":
                    if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
                    {
                        f = f with { AlwaysThinkingEnabled = value.GetBoolean() };
                    }
                    else
                    {
                        c.Error(key, $"expected true or false, found {Describe(value)}; ignored");
                    }
                    break;
                case "outputStyle":
                    if (c.Expect(key, value, JsonValueKind.String))
                    {
                        f = f with { OutputStyle = value.GetString() };
                    }
                    break;
                case "openaiApi":
                    f = f with { OpenAIApi = c.OneOf(key, value, ["responses", "chat", "auto"]) };
                    break;
                default:
                    if (!KnownIgnoredKeys.Contains(key))
                    {
                        c.Warning(key, "unknown setting; ignored");
                    }
                    break;
            }
        }
        return f;
    }

    private static SettingsFragment ParsePermissions(SettingsFragment f, JsonElement value, Context c)
    {
        if (!c.Expect("permissions", value, JsonValueKind.Object))
        {
            return f;
        }
        foreach (var property in value.EnumerateObject())
        {
            var key = "permissions." + property.Name;
            switch (property.Name)
            {
                case "allow":
                    f = f with { Allow = c.Rules(key, property.Value) };
                    break;
                case "ask":
                    f = f with { Ask = c.Rules(key, property.Value) };
                    break;
                case "deny":
                    f = f with { Deny = c.Rules(key, property.Value) };
                    break;
                case "defaultMode":
                    var mode = c.String(key, property.Value);
                    if (mode == "manual")
                    {
                        mode = "default";
                    }
                    if (mode is not null && !PermissionModes.Contains(mode))
                    {
                        c.Error(key, $"unknown permission mode \"{mode}\"; expected one of {string.Join(", ", PermissionModes)}");
                        mode = null;
                    }
                    f = f with { DefaultMode = mode };
                    break;
                case "additionalDirectories":
                    f = f with { AdditionalDirectories = c.StringList(key, property.Value) };
                    break;
                case "disableBypassPermissionsMode":
                    var text = c.String(key, property.Value);
                    if (text is not null && text != "disable")
                    {
                        c.Error(key, $"expected \"disable\", found \"{text}\"");
                    }
                    f = f with { DisableBypassPermissionsMode = text == "disable" ? true : null };
                    break;
                default:
                    c.Warning(key, "unknown permissions setting; ignored");
                    break;
            }
        }
        return f;
    }

    internal static string Describe(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => e.ValueKind.ToString(),
    };

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(". ", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd('.');
    }

    private sealed class Context(SettingsSource source, IReadOnlyDictionary<string, int> lines, ImmutableArray<SettingsDiagnostic>.Builder diagnostics)
    {
        private static string Describe(JsonElement e) => SettingsParser.Describe(e);

        public void Error(string key, string message) =>
            diagnostics.Add(new SettingsDiagnostic(source, lines.GetValueOrDefault(key), key, message));

        public void Warning(string key, string message) =>
            diagnostics.Add(new SettingsDiagnostic(source, lines.GetValueOrDefault(key), key, message, IsError: false));

        public bool Expect(string key, JsonElement value, JsonValueKind kind)
        {
            if (value.ValueKind == kind)
            {
                return true;
            }
            Error(key, $"expected {KindName(kind)}, found {Describe(value)}; ignored");
            return false;
        }

        public string? String(string key, JsonElement value) => Expect(key, value, JsonValueKind.String) ? value.GetString() : null;

        public string? OneOf(string key, JsonElement value, string[] allowed)
        {
            var text = String(key, value);
            if (text is not null && !allowed.Contains(text, StringComparer.Ordinal))
            {
                Error(key, $"unknown value \"{text}\"; expected one of {string.Join(", ", allowed)}");
                return null;
            }
            return text;
        }

        public int? NonNegativeInt(string key, JsonElement value)
        {
            if (!Expect(key, value, JsonValueKind.Number))
            {
                return null;
            }
            if (!value.TryGetInt32(out var n) || n < 0)
            {
                Error(key, $"expected a whole number of 0 or more, found {value.GetRawText()}");
                return null;
            }
            return n;
        }

        public ImmutableArray<string> StringList(string key, JsonElement value)
        {
            if (!Expect(key, value, JsonValueKind.Array))
            {
                return [];
            }
            var list = ImmutableArray.CreateBuilder<string>();
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                var itemKey = $"{key}[{i++}]";
                if (item.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(item.GetString()))
                {
                    list.Add(item.GetString()!);
                }
                else
                {
                    Error(itemKey, $"expected a non-empty string, found {(item.ValueKind == JsonValueKind.String ? "an empty string" : Describe(item))}; ignored");
                }
            }
            return list.ToImmutable();
        }

        public ImmutableArray<RuleEntry> Rules(string key, JsonElement value)
        {
            if (!Expect(key, value, JsonValueKind.Array))
            {
                return [];
            }
            var list = ImmutableArray.CreateBuilder<RuleEntry>();
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                var itemKey = $"{key}[{i++}]";
                if (item.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(item.GetString()))
                {
                    list.Add(new RuleEntry(item.GetString()!.Trim(), source, itemKey));
                }
                else
                {
                    Error(itemKey, $"expected a permission rule string such as \"Bash(npm test)\", found {Describe(item)}; ignored");
                }
            }
            return list.ToImmutable();
        }

        public ImmutableDictionary<string, string> StringMap(string key, JsonElement value)
        {
            var map = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
            if (!Expect(key, value, JsonValueKind.Object))
            {
                return map.ToImmutable();
            }
            foreach (var p in value.EnumerateObject())
            {
                if (p.Value.ValueKind == JsonValueKind.String)
                {
                    map[p.Name] = p.Value.GetString()!;
                }
                else
                {
                    Error($"{key}.{p.Name}", $"expected a string, found {Describe(p.Value)}; ignored");
                }
            }
            return map.ToImmutable();
        }

        public ImmutableDictionary<string, bool> BoolMap(string key, JsonElement value)
        {
            var map = ImmutableDictionary.CreateBuilder<string, bool>(StringComparer.Ordinal);
            if (!Expect(key, value, JsonValueKind.Object))
            {
                return map.ToImmutable();
            }
            foreach (var p in value.EnumerateObject())
            {
                if (p.Value.ValueKind is JsonValueKind.True or JsonValueKind.False)
                {
                    map[p.Name] = p.Value.GetBoolean();
                }
                else
                {
                    Error($"{key}.{p.Name}", $"expected true or false, found {Describe(p.Value)}; ignored");
                }
            }
            return map.ToImmutable();
        }

        public ImmutableDictionary<string, ImmutableArray<JsonElement>> Hooks(string key, JsonElement value)
        {
            var map = ImmutableDictionary.CreateBuilder<string, ImmutableArray<JsonElement>>(StringComparer.Ordinal);
            if (!Expect(key, value, JsonValueKind.Object))
            {
                return map.ToImmutable();
            }
            foreach (var p in value.EnumerateObject())
            {
                var eventKey = $"{key}.{p.Name}";
                if (p.Value.ValueKind != JsonValueKind.Array)
                {
                    Error(eventKey, $"expected an array of matcher groups, found {Describe(p.Value)}; ignored");
                    continue;
                }
                var groups = ImmutableArray.CreateBuilder<JsonElement>();
                var i = 0;
                foreach (var group in p.Value.EnumerateArray())
                {
                    if (group.ValueKind == JsonValueKind.Object)
                    {
                        groups.Add(group.Clone());
                    }
                    else
                    {
                        Error($"{eventKey}[{i}]", $"expected an object with \"matcher\" and \"hooks\", found {Describe(group)}; ignored");
                    }
                    i++;
                }
                map[p.Name] = groups.ToImmutable();
            }
            return map.ToImmutable();
        }

        private static string KindName(JsonValueKind kind) => kind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            _ => kind.ToString().ToLowerInvariant(),
        };
    }
}
