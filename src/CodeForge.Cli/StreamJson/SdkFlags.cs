using System.CommandLine;
using System.Globalization;
using CodeForge.Cli.Composition;
using CodeForge.Cli.Headless;
using CodeForge.Cli.Runtime;

namespace CodeForge.Cli.StreamJson;

/// <summary>
/// The flags the Agent SDKs (and CI scripts) pass beyond forge's own: <c>--input-format</c>, <c>--include-partial-messages</c>,
/// <c>--replay-user-messages</c>, <c>--permission-prompt-tool</c>, <c>--system-prompt</c>, <c>--tools</c>,
/// <c>--max-budget-usd</c>, <c>--json-schema</c>, <c>--mcp-config</c>, <c>--strict-mcp-config</c>, <c>--settings</c>,
/// <c>--setting-sources</c>, <c>--add-dir</c>, <c>--debug</c>, <c>--fallback-model</c>, <c>--agent</c>, <c>--plugin-dir</c>, ... Each is honoured, or refused at parse time with a
/// one-line reason (<see cref="Refused"/>); none is accepted and ignored.
/// </summary>
/// <remarks>Built once per parse on the startup path; immutable afterwards.</remarks>
internal sealed class SdkFlags
{
    /// <summary>Flags forge cannot honour, and why (the whole line printed when one is given).</summary>
    public static readonly IReadOnlyList<(string Name, bool TakesValue, string Reason)> Refused =
    [
        ("--include-hook-events", false, "forge does not emit hook lifecycle events on stdout"),
        ("--betas", true, "forge does not send Anthropic beta headers"),
        ("--system-prompt-file", true, "pass the text with --system-prompt"),
        ("--resume-session-at", true, "forge resumes whole sessions only (--resume)"),
        ("--permission-prompts", true, "forge asks through --permission-prompt-tool stdio only"),
        ("--managed-settings", true, "forge reads managed settings from /etc/forge/managed-settings.json only"),
        ("--initialize-fields", true, "forge takes settings, disallowed tools and directories from flags, not from initialize"),
        ("--managed-settings-in-initialize", false, "forge reads managed settings from /etc/forge/managed-settings.json only"),
        ("--task-budget", true, "forge does not send Anthropic's task budget (output_config.task_budget); use --max-budget-usd or --max-turns"),
        ("--channels", true, "forge does not take inbound channel messages from MCP servers"),
        ("--session-mirror", false, "forge does not mirror the session transcript to the SDK"),
        ("--project-config-root", true, "forge reads project settings, .mcp.json and .claude/.forge from the working directory (run it in that checkout)"),
        ("--resume-drops-turn", true, "forge resumes whole sessions only (--resume)"),
    ];

    public Option<string> InputFormat { get; } = new("--input-format") { Description = "text or stream-json (user messages as JSON lines on stdin; needs --output-format stream-json).", DefaultValueFactory = _ => "text" };
    public Option<bool> IncludePartialMessages { get; } = new("--include-partial-messages") { Description = "stream_event lines as the answer streams (stream-json)." };
    public Option<bool> ReplayUserMessages { get; } = new("--replay-user-messages") { Description = "Echo each user message read from stdin (stream-json)." };
    public Option<string?> Debug { get; } = new("--debug", "-d") { Description = "Protocol diagnostics on stderr.", Arity = ArgumentArity.ZeroOrOne };
    public Option<string?> DebugFile { get; } = new("--debug-file") { Description = "Write the diagnostics of --debug to this file." };
    public Option<bool> DebugToStderr { get; } = new("--debug-to-stderr") { Description = "Diagnostics on stderr (as --debug)." };
    public Option<string?> PermissionPromptTool { get; } = new("--permission-prompt-tool") { Description = "stdio: ask the Agent SDK (can_use_tool) when the rules say ask." };
    public Option<string?> SystemPrompt { get; } = new("--system-prompt") { Description = "Replace the system prompt (stream-json)." };
    public Option<string?> Tools { get; } = new("--tools") { Description = "The tools the model may use: \"\" none, default all, or a comma list (stream-json).", Arity = ArgumentArity.ZeroOrOne };
    public Option<string?> MaxBudgetUsd { get; } = new("--max-budget-usd") { Description = "Stop a turn once the session has cost this many dollars (stream-json)." };
    public Option<string?> JsonSchema { get; } = new("--json-schema") { Description = "JSON schema of the final answer, returned as structured_output (stream-json)." };
    public Option<bool> AwaitInitialize { get; } = new("--await-initialize") { Description = "Accepted for the Agent SDK: forge always answers initialize before it reads the next line." };
    public Option<bool> AllowDangerouslySkipPermissions { get; } = new("--allow-dangerously-skip-permissions") { Description = "Allow switching to bypassPermissions later (set_permission_mode)." };
    public Option<bool> DangerouslySkipPermissions { get; } = new("--dangerously-skip-permissions") { Description = "Start in bypassPermissions mode." };
    public Option<string[]> AddDir { get; } = new("--add-dir") { Description = "More directories the tools may use.", AllowMultipleArgumentsPerToken = true };
    public Option<string[]> McpConfig { get; } = new("--mcp-config") { Description = "MCP servers from a JSON file or string ({\"mcpServers\":{...}}); repeatable (stream-json)." };
    public Option<bool> StrictMcpConfig { get; } = new("--strict-mcp-config") { Description = "Use only the MCP servers of --mcp-config (stream-json)." };
    public Option<string?> Settings { get; } = new("--settings") { Description = "A settings file or JSON string, layered over the settings files." };
    public Option<string?> Agents { get; } = new("--agents") { Description = "Subagent types for this run, as JSON: {\"name\": {\"description\", \"prompt\", \"tools\"?, \"model\"?}}." };
    public Option<string?> FallbackModel { get; } = new("--fallback-model") { Description = "Model(s), comma-separated, tried in order when the main model is overloaded, failing (5xx) or not found (with -p); the main model is tried again each turn." };
    public Option<string?> Agent { get; } = new("--agent") { Description = "Run the main thread as this agent type (from --agents, .forge/agents, .claude/agents or a plugin): its prompt, tools and model." };
    public Option<string[]> PluginDir { get; } = new("--plugin-dir") { Description = "Load the plugin in this directory for this run only (repeatable)." };
    public Option<string[]> PluginDirNoMcp { get; } = new("--plugin-dir-no-mcp") { Description = "As --plugin-dir, without starting the plugin's MCP servers (repeatable)." };
    public Option<string?> Thinking { get; } = new("--thinking") { Description = "adaptive (the model thinks as it sees fit) or disabled, over the settings (the Agent SDK's thinking option)." };
    public Option<string?> ThinkingDisplay { get; } = new("--thinking-display") { Description = "summarized or omitted: how thinking text comes back (Anthropic)." };
    public Option<string?> SettingSources { get; } = new("--setting-sources") { Description = "user,project,local: forge reads all three; other lists are refused." };

    private readonly List<Option> _refused = [];

    /// <summary>Adds every flag (and the refused ones) to <paramref name="root"/>.</summary>
    public static SdkFlags AddTo(RootCommand root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var flags = new SdkFlags();
        flags.InputFormat.AcceptOnlyFromAmong("text", "stream-json");
        flags.Thinking.AcceptOnlyFromAmong("adaptive", "enabled", "disabled");
        flags.ThinkingDisplay.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && r.Tokens[0].Value is not ("summarized" or "omitted"))
            {
                r.AddError(r.Tokens[0].Value == "highlights"
                    ? "--thinking-display highlights is not supported by forge: the API honours it for Anthropic-hosted remote sessions only (use summarized or omitted)."
                    : $"--thinking-display '{r.Tokens[0].Value}' is not one of summarized, omitted.");
            }
        });
        flags.PermissionPromptTool.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && r.Tokens[0].Value != "stdio")
            {
                r.AddError($"--permission-prompt-tool {r.Tokens[0].Value} is not supported by forge: only 'stdio' (the Agent SDK's canUseTool) is.");
            }
        });
        flags.Agents.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && FlagAgents.Parse(r.Tokens[0].Value).Error is { } problem)
            {
                r.AddError(problem);
            }
        });
        flags.FallbackModel.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && SplitModels(r.Tokens[0].Value).Count == 0)
            {
                r.AddError("--fallback-model needs a model name (or several, comma-separated).");
            }
        });
        flags.MaxBudgetUsd.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && !(decimal.TryParse(r.Tokens[0].Value, NumberStyles.Number, CultureInfo.InvariantCulture, out var d) && d > 0))
            {
                r.AddError($"--max-budget-usd '{r.Tokens[0].Value}' is not a positive number of dollars.");
            }
        });
        flags.SettingSources.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0)
            {
                var sources = r.Tokens[0].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
                if (!sources.SetEquals(["user", "project", "local"]))
                {
                    r.AddError($"--setting-sources '{r.Tokens[0].Value}' is not supported by forge: it reads the user, project and local settings always (pass user,project,local or omit the flag).");
                }
            }
        });
        foreach (var o in new Option[]
        {
            flags.InputFormat, flags.IncludePartialMessages, flags.ReplayUserMessages, flags.Debug, flags.DebugFile, flags.DebugToStderr,
            flags.PermissionPromptTool, flags.SystemPrompt, flags.Tools, flags.MaxBudgetUsd, flags.JsonSchema, flags.AwaitInitialize,
            flags.AllowDangerouslySkipPermissions, flags.DangerouslySkipPermissions, flags.AddDir, flags.McpConfig, flags.StrictMcpConfig,
            flags.Settings, flags.SettingSources, flags.Agents, flags.FallbackModel, flags.Agent, flags.PluginDir, flags.PluginDirNoMcp,
            flags.Thinking, flags.ThinkingDisplay,
        })
        {
            root.Options.Add(o);
        }
        foreach (var (name, takesValue, reason) in Refused)
        {
            Option option = takesValue ? new Option<string?>(name) { Hidden = true } : new Option<bool>(name) { Hidden = true };
            option.Validators.Add(r =>
            {
                if (!r.Implicit)
                {
                    r.AddError($"{name} is not supported by forge: {reason}.");
                }
            });
            root.Options.Add(option);
            flags._refused.Add(option);
        }
        return flags;
    }

    /// <summary>The options every run shares, with <c>--add-dir</c>, <c>--settings</c> and <c>--dangerously-skip-permissions</c>.</summary>
    public ForgeOptions Apply(ParseResult parse, ForgeOptions options)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(options);
        return options with
        {
            AddDirectories = [.. (parse.GetValue(AddDir) ?? []).Select(d => Path.GetFullPath(d, options.WorkingDirectory))],
            SettingsFlag = parse.GetValue(Settings),
            PermissionMode = parse.GetValue(DangerouslySkipPermissions) ? "bypassPermissions" : options.PermissionMode,
            Agents = parse.GetValue(Agents) is { } agents ? FlagAgents.Parse(agents).Agents : [],
            FallbackModels = parse.GetValue(FallbackModel) is { } fallback ? SplitModels(fallback) : [],
            MainAgent = parse.GetValue(Agent),
            PluginDirectories = [
                .. (parse.GetValue(PluginDir) ?? []).Select(d => new PluginDirectory(Path.GetFullPath(d, options.WorkingDirectory))),
                .. (parse.GetValue(PluginDirNoMcp) ?? []).Select(d => new PluginDirectory(Path.GetFullPath(d, options.WorkingDirectory), LoadMcpServers: false)),
            ],
            StrictMcpConfig = parse.GetValue(StrictMcpConfig),
            Thinking = parse.GetValue(Thinking),
            ThinkingDisplay = parse.GetValue(ThinkingDisplay),
        };
    }

    /// <summary>Why a flag cannot be used in the interactive terminal (null when every flag given can).</summary>
    public string? InteractiveReason(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return parse.GetResult(FallbackModel) is { Implicit: false }
            ? "--fallback-model works with -p only (as in Claude Code); in the terminal switch models with /model."
            : null;
    }

    private static List<string> SplitModels(string text) =>
        [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    /// <summary>The flags that only a stream-json session honours, given without <c>--output-format stream-json</c>: why not.</summary>
    public string? MisplacedReason(ParseResult parse, string outputFormat)
    {
        ArgumentNullException.ThrowIfNull(parse);
        if (parse.GetValue(InputFormat) == "stream-json" && outputFormat != "stream-json")
        {
            return "--input-format stream-json needs --output-format stream-json.";
        }
        if (outputFormat == "stream-json")
        {
            return null;
        }
        foreach (var option in new Option[] { IncludePartialMessages, ReplayUserMessages, PermissionPromptTool, SystemPrompt, Tools, MaxBudgetUsd, JsonSchema, McpConfig, StrictMcpConfig })
        {
            if (parse.GetResult(option) is { Implicit: false })
            {
                return $"{option.Name} is honoured with --output-format stream-json only in forge.";
            }
        }
        return null;
    }

    /// <summary>True when the run is a stream-json session (SDK input, or stream-json output with a session-only flag).</summary>
    public bool IsSession(ParseResult parse, string outputFormat) =>
        outputFormat == "stream-json" && (parse.GetValue(InputFormat) == "stream-json"
            || new Option[] { IncludePartialMessages, ReplayUserMessages, PermissionPromptTool, SystemPrompt, Tools, MaxBudgetUsd, JsonSchema, McpConfig, StrictMcpConfig }
                .Any(o => parse.GetResult(o) is { Implicit: false }));

    /// <summary>Runs the stream-json session.</summary>
    public async Task<int> RunAsync(ParseResult parse, ForgeOptions options, string? prompt, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var debugFile = parse.GetValue(DebugFile);
        // The SDK's tools: [] arrives as "--tools=" (no value): no built-in tool at all.
        var tools = parse.GetValue(Tools) switch
        {
            "default" => null,
            null when parse.GetResult(Tools) is null or { Implicit: true } => null,
            null => [],
            var list => (IReadOnlyList<string>)Program.SplitRules([list]),
        };
        var args = new StreamJsonArgs
        {
            Options = options,
            IncludePartialMessages = parse.GetValue(IncludePartialMessages),
            ReplayUserMessages = parse.GetValue(ReplayUserMessages),
            Debug = parse.GetResult(Debug) is { Implicit: false } || parse.GetValue(DebugToStderr) || debugFile is not null,
            PermissionPromptStdio = parse.GetValue(PermissionPromptTool) == "stdio",
            SystemPrompt = parse.GetValue(SystemPrompt),
            JsonSchema = parse.GetValue(JsonSchema),
            MaxBudgetUsd = parse.GetValue(MaxBudgetUsd) is { } budget ? decimal.Parse(budget, NumberStyles.Number, CultureInfo.InvariantCulture) : null,
            Tools = tools,
            McpConfigs = parse.GetValue(McpConfig) ?? [],
            StrictMcpConfig = parse.GetValue(StrictMcpConfig),
            Prompt = parse.GetValue(InputFormat) == "stream-json" ? null : prompt,
        };
        if (args.Prompt is null && parse.GetValue(InputFormat) != "stream-json")
        {
            await stderr.WriteLineAsync("forge: -p needs a prompt: forge -p \"what to do\" (or --input-format stream-json).").ConfigureAwait(false);
            return 1;
        }
        if (debugFile is null)
        {
            return await StreamJsonSession.RunAsync(args, Console.In, stdout, stderr, Environment.GetEnvironmentVariable, ct).ConfigureAwait(false);
        }
        var debugWriter = new StreamWriter(debugFile, append: true) { AutoFlush = true };
        await using (debugWriter.ConfigureAwait(false))
        {
            return await StreamJsonSession.RunAsync(args, Console.In, stdout, new TeeWriter(stderr, debugWriter), Environment.GetEnvironmentVariable, ct).ConfigureAwait(false);
        }
    }

    /// <summary>stderr lines also written to the <c>--debug-file</c>.</summary>
    private sealed class TeeWriter(TextWriter first, TextWriter second) : TextWriter
    {
        public override System.Text.Encoding Encoding => first.Encoding;

        public override void Write(char value)
        {
            first.Write(value);
            second.Write(value);
        }

        public override void Write(string? value)
        {
            first.Write(value);
            second.Write(value);
        }

        public override void WriteLine(string? value)
        {
            first.WriteLine(value);
            second.WriteLine(value);
        }

        public override void Flush()
        {
            first.Flush();
            second.Flush();
        }
    }
}
