using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using CodeForge.Core.Agent;
using CodeForge.Core.Config;
using CodeForge.Core.Permissions;
using CodeForge.Core.Tools;
using CodeForge.Core.Tools.BuiltIn;
using CodeForge.Mcp.Client;
using CodeForge.Mcp.Config;
using CodeForge.Mcp.Server;
using CodeForge.Core.Paths;

namespace CodeForge.Cli;

/// <summary>
/// <c>forge mcp list|get|add|remove|serve</c>, in the shape of Claude Code's <c>claude mcp</c>. Servers are written to
/// the project's <c>.mcp.json</c> (scope <c>project</c>, the default) or the user's <c>~/.forge/mcp.json</c> (scope
/// <c>user</c>), under a lock file with an atomic rename, keeping every other key.
/// </summary>
internal static class McpCommands
{
    public static Command Build()
    {
        var mcp = new Command("mcp", "Configure and use MCP servers (and serve forge's own tools over MCP).");
        mcp.Subcommands.Add(BuildList());
        mcp.Subcommands.Add(BuildGet());
        mcp.Subcommands.Add(BuildAdd());
        mcp.Subcommands.Add(BuildRemove());
        mcp.Subcommands.Add(BuildServe());
        return mcp;
    }

    private static string Home => Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } home
        ? home
        : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    private static string Cwd => Environment.CurrentDirectory;

    private static string ProjectFile => Path.Combine(MemoryFiles.FindRepositoryRoot(Cwd), ForgeFiles.ProjectMcpFile);

    private static string UserFile => ForgeFiles.InUserDirectory(Home, ForgeFiles.UserMcpFile);

    private static Command BuildList()
    {
        var list = new Command("list", "List the configured MCP servers and whether each connects (within MCP_TIMEOUT).");
        list.SetAction(async (parse, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var config = McpStartup.LoadConfig(Cwd, Home, Environment.GetEnvironmentVariable);
            foreach (var d in config.Diagnostics)
            {
                await error.WriteLineAsync($"forge: {d}").ConfigureAwait(false);
            }
            if (config.Servers.IsEmpty)
            {
                await output.WriteLineAsync("No MCP servers configured. Add one with `forge mcp add <name> -- <command> [args...]`.").ConfigureAwait(false);
                return 0;
            }
            await output.WriteLineAsync("Checking MCP server health...").ConfigureAwait(false);
            var options = McpClientManagerOptions.FromEnvironment(Environment.GetEnvironmentVariable) with
            {
                WorkingDirectory = Cwd,
                ClientVersion = Program.InformationalVersion,
            };
            // An untrusted folder's .mcp.json servers are listed, never started (starting one runs its command).
            var trusted = CodeForge.Core.Trust.WorkspaceTrust.Resolve(Cwd, Home, false, CodeForge.Core.Trust.TrustStore.ForUser(Home)).IsTrusted;
            foreach (var server in config.Servers.Where(s => !trusted && s.Scope == McpConfigScope.Project))
            {
                await output.WriteLineAsync($"{server.Name}: {server.Describe()} - not started: this folder is not trusted (forge trust add)").ConfigureAwait(false);
            }
            var started = config.Servers.Where(s => trusted || s.Scope != McpConfigScope.Project).ToList();
            await using var manager = new McpClientManager(started, options);
            var statuses = await manager.ConnectAllAsync(ct).ConfigureAwait(false);
            foreach (var (server, status) in started.Zip(statuses))
            {
                var state = status.State == McpServerState.Connected
                    ? $"✓ Connected ({status.Tools.Length} tool{(status.Tools.Length == 1 ? "" : "s")})"
                    : $"✗ Failed: {status.Error}";
                await output.WriteLineAsync($"{server.Name}: {server.Describe()} - {state}").ConfigureAwait(false);
            }
            return 0;
        });
        return list;
    }

    private static Command BuildGet()
    {
        var name = new Argument<string>("name") { Description = "The server's name." };
        var get = new Command("get", "Show one MCP server's configuration.") { name };
        get.SetAction(async (parse, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var config = McpStartup.LoadConfig(Cwd, Home, Environment.GetEnvironmentVariable);
            var wanted = parse.GetValue(name)!;
            var server = config.Servers.FirstOrDefault(s => s.Name == wanted);
            if (server is null)
            {
                foreach (var d in config.Diagnostics.Where(d => d.Server == wanted))
                {
                    await error.WriteLineAsync($"forge: {d}").ConfigureAwait(false);
                }
                await error.WriteLineAsync($"forge: no MCP server named \"{wanted}\" (see `forge mcp list`).").ConfigureAwait(false);
                return 1;
            }
            await output.WriteLineAsync($"{server.Name}:").ConfigureAwait(false);
            await output.WriteLineAsync($"  Scope: {ScopeName(server.Scope)} ({server.Source})").ConfigureAwait(false);
            await output.WriteLineAsync($"  Type: {server.Transport.ToString().ToLowerInvariant()}").ConfigureAwait(false);
            if (server.Transport == McpTransportKind.Stdio)
            {
                await output.WriteLineAsync($"  Command: {Raw(server, "command") ?? server.Command}").ConfigureAwait(false);
                await output.WriteLineAsync($"  Args: {string.Join(' ', RawList(server, "args"))}").ConfigureAwait(false);
                await WriteMapAsync(output, "Environment", RawMap(server, "env")).ConfigureAwait(false);
            }
            else
            {
                await output.WriteLineAsync($"  URL: {Raw(server, "url") ?? server.Url}").ConfigureAwait(false);
                await WriteMapAsync(output, "Headers", RawMap(server, "headers")).ConfigureAwait(false);
            }
            if (server.Error is not null)
            {
                await output.WriteLineAsync($"  Problem: {server.Error}").ConfigureAwait(false);
            }
            await output.WriteLineAsync($"\nTo remove this server, run: forge mcp remove {server.Name} --scope {ScopeName(server.Scope)}").ConfigureAwait(false);
            return 0;
        });
        return get;
    }

    private static Command BuildAdd()
    {
        var name = new Argument<string>("name") { Description = "The server's name (letters, digits, _ and -)." };
        var target = new Argument<string[]>("commandOrUrl") { Description = "After --: the command and its arguments (stdio), or the URL (http, sse).", Arity = ArgumentArity.OneOrMore };
        var scope = new Option<string>("--scope", "-s") { Description = "project (.mcp.json, the default) or user (~/.forge/mcp.json).", DefaultValueFactory = _ => "project" };
        scope.AcceptOnlyFromAmong("project", "user");
        var transport = new Option<string>("--transport", "-t") { Description = "stdio (the default), http or sse.", DefaultValueFactory = _ => "stdio" };
        transport.AcceptOnlyFromAmong("stdio", "http", "sse");
        var env = new Option<string[]>("--env", "-e") { Description = "An environment variable for a stdio server: KEY=VALUE (repeatable)." };
        var header = new Option<string[]>("--header", "-H") { Description = "An HTTP header: \"Name: value\" (repeatable)." };
        var add = new Command("add", "Add an MCP server: forge mcp add <name> [options] -- <command> [args...]  |  forge mcp add --transport http <name> <url>")
        {
            name, target, scope, transport, env, header,
        };
        add.SetAction(async (parse, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var serverName = parse.GetValue(name)!;
            var kind = parse.GetValue(transport)!;
            var words = parse.GetValue(target) ?? [];
            if (serverName.Length == 0 || !serverName.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            {
                await error.WriteLineAsync($"forge: invalid server name \"{serverName}\": use letters, digits, '_' and '-'.").ConfigureAwait(false);
                return 1;
            }
            var entry = new JsonObject();
            if (kind == "stdio")
            {
                entry["type"] = "stdio";
                entry["command"] = words[0];
                entry["args"] = new JsonArray([.. words.Skip(1).Select(a => (JsonNode)JsonValue.Create(a))]);
                var envObject = new JsonObject();
                foreach (var pair in parse.GetValue(env) ?? [])
                {
                    var eq = pair.IndexOf('=', StringComparison.Ordinal);
                    if (eq <= 0)
                    {
                        await error.WriteLineAsync($"forge: invalid --env \"{pair}\": expected KEY=VALUE.").ConfigureAwait(false);
                        return 1;
                    }
                    envObject[pair[..eq]] = pair[(eq + 1)..];
                }
                entry["env"] = envObject;
                if ((parse.GetValue(header) ?? []).Length > 0)
                {
                    await error.WriteLineAsync("forge: --header is only for http and sse servers (use --transport http).").ConfigureAwait(false);
                    return 1;
                }
            }
            else
            {
                if (words.Length != 1)
                {
                    await error.WriteLineAsync($"forge: an {kind} server takes one URL, got {words.Length} words: {string.Join(' ', words)}").ConfigureAwait(false);
                    return 1;
                }
                var url = words[0];
                if (!url.StartsWith("${", StringComparison.Ordinal)
                    && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
                {
                    await error.WriteLineAsync($"forge: invalid URL \"{url}\": expected an absolute http:// or https:// URL.").ConfigureAwait(false);
                    return 1;
                }
                entry["type"] = kind;
                entry["url"] = url;
                var headers = new JsonObject();
                foreach (var h in parse.GetValue(header) ?? [])
                {
                    var colon = h.IndexOf(':', StringComparison.Ordinal);
                    if (colon <= 0)
                    {
                        await error.WriteLineAsync($"forge: invalid --header \"{h}\": expected \"Name: value\".").ConfigureAwait(false);
                        return 1;
                    }
                    headers[h[..colon].Trim()] = h[(colon + 1)..].Trim();
                }
                if (headers.Count > 0)
                {
                    entry["headers"] = headers;
                }
                if ((parse.GetValue(env) ?? []).Length > 0)
                {
                    await error.WriteLineAsync("forge: --env is only for stdio servers.").ConfigureAwait(false);
                    return 1;
                }
            }
            var file = parse.GetValue(scope) == "user" ? UserFile : ProjectFile;
            try
            {
                if (!await McpConfigWriter.AddAsync(file, serverName, entry, replace: false, ct).ConfigureAwait(false))
                {
                    await error.WriteLineAsync($"forge: an MCP server named \"{serverName}\" already exists in {file}; remove it first (forge mcp remove {serverName}).").ConfigureAwait(false);
                    return 1;
                }
            }
            catch (Exception ex) when (ex is SettingsWriteException or IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"forge: could not update {file}: {ex.Message}").ConfigureAwait(false);
                return 1;
            }
            await output.WriteLineAsync($"Added {kind} MCP server {serverName} to {parse.GetValue(scope)} config ({file})").ConfigureAwait(false);
            return 0;
        });
        return add;
    }

    private static Command BuildRemove()
    {
        var name = new Argument<string>("name") { Description = "The server's name." };
        var scope = new Option<string?>("--scope", "-s") { Description = "project or user; by default, whichever has it (project first)." };
        scope.AcceptOnlyFromAmong("project", "user");
        var remove = new Command("remove", "Remove an MCP server.") { name, scope };
        remove.SetAction(async (parse, ct) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var serverName = parse.GetValue(name)!;
            var files = parse.GetValue(scope) switch
            {
                "project" => new[] { ProjectFile },
                "user" => [UserFile],
                _ => [ProjectFile, UserFile],
            };
            foreach (var file in files)
            {
                try
                {
                    if (await McpConfigWriter.RemoveAsync(file, serverName, ct).ConfigureAwait(false))
                    {
                        await output.WriteLineAsync($"Removed MCP server {serverName} from {file}").ConfigureAwait(false);
                        return 0;
                    }
                }
                catch (Exception ex) when (ex is SettingsWriteException or IOException or UnauthorizedAccessException)
                {
                    await error.WriteLineAsync($"forge: could not update {file}: {ex.Message}").ConfigureAwait(false);
                    return 1;
                }
            }
            await error.WriteLineAsync($"forge: no MCP server named \"{serverName}\" in {string.Join(" or ", files)}.").ConfigureAwait(false);
            return 1;
        });
        return remove;
    }

    private static Command BuildServe()
    {
        var serve = new Command("serve",
            "Serve forge's own tools (Read, Write, Edit, MultiEdit, Glob, Grep) as an MCP server on stdin/stdout. " +
            "Calls follow the settings' permission rules; a call that would ask is denied (no one can answer).");
        serve.SetAction(async (parse, ct) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var cwd = Path.GetFullPath(Cwd);
            var trusted = CodeForge.Core.Trust.WorkspaceTrust.Resolve(cwd, Home, false, CodeForge.Core.Trust.TrustStore.ForUser(Home)).IsTrusted;
            using var settingsStore = new SettingsStore(new SettingsLocations(Home, MemoryFiles.FindRepositoryRoot(cwd)), SettingsFragment.Empty, null,
                trusted ? null : CodeForge.Core.Trust.UntrustedProjectSettings.Restrict);
            var settings = settingsStore.Current.Settings;
            foreach (var d in settingsStore.Current.Diagnostics.Where(d => d.IsError))
            {
                await error.WriteLineAsync($"forge: {d}").ConfigureAwait(false);
            }
            var checker = new PermissionChecker(cwd, Home);
            foreach (var problem in PermissionSettings.Apply(checker, settings, cwd, applyMode: true))
            {
                await error.WriteLineAsync($"forge: {problem.Message}").ConfigureAwait(false);
            }
            var registry = new ToolRegistry();
            registry.RegisterMany(BuiltInTools.CreateFileTools(new FileReadTracker()));
            // The one gate, as in forge -p: rules, the settings' PreToolUse/PostToolUse hooks, no prompt (an "ask" is a denial).
            var sessionId = "mcp-serve-" + Guid.NewGuid().ToString("N");
            var hooks = Composition.HeadlessHooks.Create(settingsStore.Current, cwd, Home,
                () => new CodeForge.Core.Hooks.HookSessionInfo(sessionId, null, cwd, PermissionModes.ToSettingsName(checker.Policy.Mode)),
                Composition.DiagnosticLog.ToText(error));
            using var gate = new ToolCallGate(checker, new ToolCallGateOptions { Hooks = hooks.Session, Tools = registry, CannotAsk = ForgeMcpServer.CannotAsk });
            var options = ForgeMcpServer.CreateOptions(new ToolExecutor(registry), new ToolContext(cwd), gate, Program.InformationalVersion);
            await ForgeMcpServer.RunStdioAsync(options, ct).ConfigureAwait(false);
            return 0;
        });
        return serve;
    }

    private static string ScopeName(McpConfigScope scope) => scope switch
    {
        McpConfigScope.Project => "project",
        McpConfigScope.User => "user",
        McpConfigScope.UserSettings => "user settings",
        _ => "plugin",
    };

    private static string? Raw(McpServerConfig server, string key) =>
        server.Raw.ValueKind == JsonValueKind.Object && server.Raw.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static IEnumerable<string> RawList(McpServerConfig server, string key) =>
        server.Raw.ValueKind == JsonValueKind.Object && server.Raw.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Select(e => e.ToString())
            : [];

    private static IEnumerable<KeyValuePair<string, string>> RawMap(McpServerConfig server, string key) =>
        server.Raw.ValueKind == JsonValueKind.Object && server.Raw.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Object
            ? v.EnumerateObject().Select(p => new KeyValuePair<string, string>(p.Name, p.Value.ToString()))
            : [];

    private static async Task WriteMapAsync(TextWriter output, string title, IEnumerable<KeyValuePair<string, string>> values)
    {
        var list = values.ToList();
        if (list.Count == 0)
        {
            return;
        }
        await output.WriteLineAsync($"  {title}:").ConfigureAwait(false);
        foreach (var (k, v) in list)
        {
            await output.WriteLineAsync($"    {k}={v}").ConfigureAwait(false);
        }
    }
}
