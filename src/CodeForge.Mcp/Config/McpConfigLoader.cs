using System.Collections.Immutable;
using System.Text.Json;
using CodeForge.Core.Config;
using CodeForge.Core.Paths;

namespace CodeForge.Mcp.Config;

/// <summary>A problem in an MCP configuration file: where (file, line, server) and why.</summary>
public sealed record McpConfigDiagnostic(string File, int Line, string? Server, string Message)
{
    /// <summary>A note, not an error (e.g. that a broken file's last good servers stay in effect).</summary>
    public bool IsNote { get; init; }

    /// <inheritdoc />
    public override string ToString() =>
        $"{File}{(Line > 0 ? $":{Line}" : "")}: {(Server is null ? "" : $"MCP server \"{Server}\": ")}{Message}";
}

/// <summary>An MCP server a plugin brings (from its <c>.mcp.json</c> or <c>mcpServers</c>), handed over as data.</summary>
/// <param name="PluginName">The plugin's name; the server is named <c>plugin:&lt;plugin&gt;:&lt;server&gt;</c> as in Claude Code
/// (<see cref="CodeForge.Core.Plugins.PluginMcpServerName"/>), its tools <c>mcp__plugin_&lt;plugin&gt;_&lt;server&gt;__&lt;tool&gt;</c>.</param>
/// <param name="ServerName">The server's name inside the plugin.</param>
/// <param name="Entry">The server's entry, as in <c>.mcp.json</c>.</param>
/// <param name="PluginRoot">The plugin's directory, substituted for <c>${CLAUDE_PLUGIN_ROOT}</c>.</param>
public sealed record McpPluginServer(string PluginName, string ServerName, JsonElement Entry, string PluginRoot)
{
    /// <summary>The plugin's data folder, substituted for <c>${CLAUDE_PLUGIN_DATA}</c> and exported to a stdio server; null when none.</summary>
    public string? PluginData { get; init; }

    /// <summary>The server's name: <c>plugin:&lt;plugin&gt;:&lt;server&gt;</c>.</summary>
    public string Name => CodeForge.Core.Plugins.PluginMcpServerName.Of(PluginName, ServerName);
}

/// <summary>Where to look for MCP servers. Any file may be null or missing.</summary>
public sealed record McpConfigSources
{
    /// <summary>The project's <c>.mcp.json</c>.</summary>
    public string? ProjectFile { get; init; }

    /// <summary>The user's <c>~/.forge/mcp.json</c>.</summary>
    public string? UserFile { get; init; }

    /// <summary>The user's settings file, whose <c>mcpServers</c> key is read too.</summary>
    public string? UserSettingsFile { get; init; }

    /// <summary>Servers from plugins.</summary>
    public ImmutableArray<McpPluginServer> Plugins { get; init; } = [];

    /// <summary>The usual places for a project directory and a home directory.</summary>
    public static McpConfigSources ForProject(string projectDirectory, string homeDirectory) => new()
    {
        ProjectFile = Path.Combine(projectDirectory, ForgeFiles.ProjectMcpFile),
        UserFile = ForgeFiles.InUserDirectory(homeDirectory, ForgeFiles.UserMcpFile),
        UserSettingsFile = ForgeFiles.InUserDirectory(homeDirectory, ForgeFiles.SettingsFile),
    };
}

/// <summary>The servers found and the problems met while reading them.</summary>
public sealed record McpConfigSet(ImmutableArray<McpServerConfig> Servers, ImmutableArray<McpConfigDiagnostic> Diagnostics)
{
    /// <summary>No servers, no problems.</summary>
    public static McpConfigSet Empty { get; } = new([], []);
}

/// <summary>
/// Reads MCP server entries (<c>{"mcpServers": {name: {command, args, env} | {type: "http"|"sse", url, headers}}}</c>)
/// from the project's <c>.mcp.json</c>, the user's <c>~/.forge/mcp.json</c> and settings, and plugins. A later source
/// overrides an earlier one for the same name (plugin &lt; user settings &lt; user &lt; project). Lenient: invalid JSON
/// skips the file, a malformed entry skips that server, each with a diagnostic naming file, line and server; a missing
/// <c>${VAR}</c> keeps the server with its <see cref="McpServerConfig.Error"/>; everything else loads.
/// </summary>
/// <remarks>Stateless (a <see cref="McpConfigFileMemory"/> passed in keeps its own state); safe to call from any thread.
/// Reads each file once per call.</remarks>
public static class McpConfigLoader
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    /// <summary>Loads every source; <paramref name="environment"/> resolves <c>${VAR}</c>.</summary>
    public static McpConfigSet Load(McpConfigSources sources, Func<string, string?> environment) => Load(sources, environment, lastGood: null);

    /// <summary>
    /// Loads every source; <paramref name="environment"/> resolves <c>${VAR}</c>. With <paramref name="lastGood"/>, a file
    /// that cannot be used as a whole (unreadable, invalid JSON, not an object, <c>mcpServers</c> not an object) keeps the
    /// servers of the last good text read from it through the same memory, with its error and a note saying so; a good
    /// file's text is remembered; a deleted file contributes nothing and is forgotten.
    /// </summary>
    public static McpConfigSet Load(McpConfigSources sources, Func<string, string?> environment, McpConfigFileMemory? lastGood)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(environment);
        var servers = new Dictionary<string, McpServerConfig>(StringComparer.Ordinal);
        var diagnostics = ImmutableArray.CreateBuilder<McpConfigDiagnostic>();
        foreach (var plugin in sources.Plugins)
        {
            var name = plugin.Name;
            var source = $"plugin {plugin.PluginName}";
            var config = ParseServer(name, plugin.Entry, source, 0, McpConfigScope.Plugin, plugin.PluginRoot, environment, diagnostics, plugin.PluginData);
            if (config is not null)
            {
                servers[name] = config;
            }
        }
        foreach (var (file, scope) in new[]
        {
            (sources.UserSettingsFile, McpConfigScope.UserSettings), (sources.UserFile, McpConfigScope.User), (sources.ProjectFile, McpConfigScope.Project),
        })
        {
            if (file is null || !File.Exists(file))
            {
                if (file is not null)
                {
                    lastGood?.Forget(file);
                }
                continue;
            }
            var required = scope != McpConfigScope.UserSettings;
            McpConfigSet parsed;
            bool broken;
            try
            {
                (parsed, broken) = ParseFile(File.ReadAllText(file), file, scope, environment, required);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                (parsed, broken) = (new McpConfigSet([], [new McpConfigDiagnostic(file, 0, null, $"could not be read ({ex.Message}); ignored")]), true);
            }
            diagnostics.AddRange(parsed.Diagnostics);
            if (!broken)
            {
                lastGood?.Remember(file, parsed.Servers);
            }
            else if (lastGood?.Recall(file) is { } kept)
            {
                diagnostics.Add(new McpConfigDiagnostic(file, parsed.Diagnostics.Select(d => d.Line).FirstOrDefault(), null,
                    "the last good MCP servers of this file stay in effect until it is fixed") { IsNote = true });
                parsed = parsed with { Servers = kept };
            }
            foreach (var server in parsed.Servers)
            {
                servers[server.Name] = server;
            }
        }
        return new McpConfigSet([.. servers.Values.OrderBy(s => s.Name, StringComparer.Ordinal)], diagnostics.ToImmutable());
    }

    /// <summary>Parses the text of one file (<paramref name="file"/> names it in diagnostics).</summary>
    /// <param name="json">The file's text.</param>
    /// <param name="file">Its path.</param>
    /// <param name="scope">What kind of file it is.</param>
    /// <param name="environment">Resolves <c>${VAR}</c>.</param>
    /// <param name="required">Whether a missing <c>mcpServers</c> key is worth a diagnostic (not in a settings file).</param>
    public static McpConfigSet Parse(string json, string file, McpConfigScope scope, Func<string, string?> environment, bool required = true) =>
        ParseFile(json, file, scope, environment, required).Set;

    /// <summary>As <see cref="Parse"/>; <c>Broken</c> when the file cannot be used as a whole (see
    /// <see cref="Load(McpConfigSources, Func{string, string?}, McpConfigFileMemory?)"/>).</summary>
    private static (McpConfigSet Set, bool Broken) ParseFile(string json, string file, McpConfigScope scope, Func<string, string?> environment, bool required)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(environment);
        var diagnostics = ImmutableArray.CreateBuilder<McpConfigDiagnostic>();
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException ex)
        {
            diagnostics.Add(new McpConfigDiagnostic(file, (int)(ex.LineNumber ?? -1) + 1, null,
                $"invalid JSON ({ex.Message.Split(". ")[0].TrimEnd('.')}); no server was loaded from this file"));
            return (new McpConfigSet([], diagnostics.ToImmutable()), true);
        }
        using (document)
        {
            var lines = KeyLines.Index(json);
            int LineOf(string key) => lines.TryGetValue(key, out var line) ? line : 0;
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                diagnostics.Add(new McpConfigDiagnostic(file, 1, null, "must be a JSON object with an \"mcpServers\" object; ignored"));
                return (new McpConfigSet([], diagnostics.ToImmutable()), true);
            }
            if (!root.TryGetProperty("mcpServers", out var map))
            {
                if (required)
                {
                    diagnostics.Add(new McpConfigDiagnostic(file, 1, null, "has no \"mcpServers\" object; no server was loaded"));
                }
                return (new McpConfigSet([], diagnostics.ToImmutable()), false);
            }
            if (map.ValueKind != JsonValueKind.Object)
            {
                diagnostics.Add(new McpConfigDiagnostic(file, LineOf("mcpServers"), null, "\"mcpServers\" must be an object of servers by name; ignored"));
                return (new McpConfigSet([], diagnostics.ToImmutable()), true);
            }
            var servers = ImmutableArray.CreateBuilder<McpServerConfig>();
            foreach (var property in map.EnumerateObject())
            {
                var config = ParseServer(property.Name, property.Value.Clone(), file, LineOf($"mcpServers.{property.Name}"), scope, null, environment, diagnostics);
                if (config is not null)
                {
                    servers.Add(config);
                }
            }
            return (new McpConfigSet(servers.ToImmutable(), diagnostics.ToImmutable()), false);
        }
    }

    /// <summary>
    /// A plugin's stdio server gets <c>CLAUDE_PLUGIN_ROOT</c> and <c>CLAUDE_PLUGIN_DATA</c> in its environment, as in
    /// Claude Code; the entry's own <c>env</c> wins.
    /// </summary>
    private static ImmutableDictionary<string, string> PluginEnvironment(ImmutableDictionary<string, string> env, McpTransportKind transport, string? pluginRoot, string? pluginData)
    {
        if (transport != McpTransportKind.Stdio)
        {
            return env;
        }
        if (pluginRoot is not null && !env.ContainsKey("CLAUDE_PLUGIN_ROOT"))
        {
            env = env.SetItem("CLAUDE_PLUGIN_ROOT", pluginRoot);
        }
        if (pluginData is not null && !env.ContainsKey("CLAUDE_PLUGIN_DATA"))
        {
            env = env.SetItem("CLAUDE_PLUGIN_DATA", Directory.CreateDirectory(pluginData).FullName);
        }
        return env;
    }

    /// <summary>
    /// Reads one entry. Returns null (with a diagnostic) when it is malformed; otherwise the expanded config, whose
    /// <see cref="McpServerConfig.Error"/> names any variable that is unset and has no default.
    /// </summary>
    internal static McpServerConfig? ParseServer(string name, JsonElement entry, string file, int line, McpConfigScope scope, string? pluginRoot,
        Func<string, string?> environment, ImmutableArray<McpConfigDiagnostic>.Builder diagnostics, string? pluginData = null)
    {
        McpServerConfig? Bad(string message)
        {
            diagnostics.Add(new McpConfigDiagnostic(file, line, name, message + "; this server was not loaded"));
            return null;
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            return Bad("the server name is empty");
        }
        if (entry.ValueKind != JsonValueKind.Object)
        {
            return Bad($"the entry must be an object, got {Kind(entry)}");
        }
        string? type = null;
        if (entry.TryGetProperty("type", out var typeElement))
        {
            if (typeElement.ValueKind != JsonValueKind.String)
            {
                return Bad($"\"type\" must be a string (\"stdio\", \"http\" or \"sse\"), got {Kind(typeElement)}");
            }
            type = typeElement.GetString();
        }
        if (!TryString(entry, "command", out var command, out var error) || !TryString(entry, "url", out var url, out error)
            || !TryStrings(entry, "args", out var args, out error) || !TryMap(entry, "env", out var env, out error)
            || !TryMap(entry, "headers", out var headers, out error))
        {
            return Bad(error!);
        }
        McpTransportKind transport;
        switch (type)
        {
            case null when command is not null:
            case "stdio":
                transport = McpTransportKind.Stdio;
                break;
            case null when url is not null:
            case "http":
            case "streamable-http":
            case "streamableHttp":
                transport = McpTransportKind.Http;
                break;
            case "sse":
                transport = McpTransportKind.Sse;
                break;
            case null:
                return Bad("neither \"command\" (a local server) nor \"url\" (a remote one) is given");
            default:
                return Bad($"unknown \"type\" \"{type}\" (expected \"stdio\", \"http\" or \"sse\")");
        }
        if (transport == McpTransportKind.Stdio && string.IsNullOrWhiteSpace(command))
        {
            return Bad("a stdio server needs a \"command\"");
        }
        if (transport != McpTransportKind.Stdio && string.IsNullOrWhiteSpace(url))
        {
            return Bad($"an {(transport == McpTransportKind.Http ? "http" : "sse")} server needs a \"url\"");
        }

        var missing = new List<string>();
        string? Lookup(string variable) => variable switch
        {
            "CLAUDE_PLUGIN_ROOT" when pluginRoot is not null => pluginRoot,
            "CLAUDE_PLUGIN_DATA" when pluginData is not null => Directory.CreateDirectory(pluginData).FullName,
            _ => environment(variable),
        };
        string X(string value) => McpEnvironmentExpander.Expand(value, Lookup, missing);
        var expandedUrl = url is null ? null : X(url);
        string? urlError = null;
        if (transport != McpTransportKind.Stdio && missing.Count == 0
            && (!Uri.TryCreate(expandedUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            urlError = $"\"url\" must be an absolute http or https URL, got \"{expandedUrl}\"";
        }
        var config = new McpServerConfig
        {
            Name = name,
            Transport = transport,
            Command = command is null ? null : X(command),
            Args = [.. args.Select(X)],
            Env = PluginEnvironment(env.ToImmutableDictionary(kv => kv.Key, kv => X(kv.Value), StringComparer.Ordinal), transport, pluginRoot, pluginData),
            Url = expandedUrl,
            Headers = headers.ToImmutableDictionary(kv => kv.Key, kv => X(kv.Value), StringComparer.OrdinalIgnoreCase),
            Source = file,
            Scope = scope,
            PluginRoot = pluginRoot,
            Raw = entry.Clone(),
        };
        if (missing.Count > 0)
        {
            return config with
            {
                Error = $"environment variable{(missing.Count == 1 ? "" : "s")} {string.Join(", ", missing.Select(m => "${" + m + "}"))} " +
                        $"{(missing.Count == 1 ? "is" : "are")} not set and {(missing.Count == 1 ? "has" : "have")} no default (use ${{VAR:-default}}) — in {file}",
            };
        }
        return urlError is null ? config : config with { Error = urlError };
    }

    private static bool TryString(JsonElement entry, string key, out string? value, out string? error)
    {
        value = null;
        error = null;
        if (!entry.TryGetProperty(key, out var e) || e.ValueKind == JsonValueKind.Null)
        {
            return true;
        }
        if (e.ValueKind != JsonValueKind.String)
        {
            error = $"\"{key}\" must be a string, got {Kind(e)}";
            return false;
        }
        value = e.GetString();
        return true;
    }

    private static bool TryStrings(JsonElement entry, string key, out ImmutableArray<string> values, out string? error)
    {
        values = [];
        error = null;
        if (!entry.TryGetProperty(key, out var e) || e.ValueKind == JsonValueKind.Null)
        {
            return true;
        }
        if (e.ValueKind != JsonValueKind.Array)
        {
            error = $"\"{key}\" must be an array of strings, got {Kind(e)}";
            return false;
        }
        var builder = ImmutableArray.CreateBuilder<string>();
        var index = 0;
        foreach (var item in e.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                error = $"\"{key}[{index}]\" must be a string, got {Kind(item)}";
                return false;
            }
            builder.Add(item.GetString()!);
            index++;
        }
        values = builder.ToImmutable();
        return true;
    }

    private static bool TryMap(JsonElement entry, string key, out IReadOnlyList<KeyValuePair<string, string>> values, out string? error)
    {
        values = [];
        error = null;
        if (!entry.TryGetProperty(key, out var e) || e.ValueKind == JsonValueKind.Null)
        {
            return true;
        }
        if (e.ValueKind != JsonValueKind.Object)
        {
            error = $"\"{key}\" must be an object of strings, got {Kind(e)}";
            return false;
        }
        var list = new List<KeyValuePair<string, string>>();
        foreach (var p in e.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.String)
            {
                error = $"\"{key}.{p.Name}\" must be a string, got {Kind(p.Value)}";
                return false;
            }
            list.Add(new(p.Name, p.Value.GetString()!));
        }
        values = list;
        return true;
    }

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => $"the number {e.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => e.GetRawText(),
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
