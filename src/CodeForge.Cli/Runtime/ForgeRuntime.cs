using CodeForge.Cli.Extensions;
using CodeForge.Cli.Composition;
using CodeForge.Core.Hooks;
using CodeForge.Mcp.Config;
using CodeForge.Core.Skills;
using CodeForge.Core.Agent;
using CodeForge.Core.Config;
using CodeForge.Core.Permissions;
using CodeForge.Core.Sessions;
using CodeForge.Core.Tools;
using CodeForge.Core.Tools.BuiltIn;
using CodeForge.Providers;
using Microsoft.Extensions.AI;

namespace CodeForge.Cli.Runtime;

/// <summary>What a <c>forge</c> run was asked for (flags), shared by headless and interactive runs.</summary>
internal sealed record ForgeOptions
{
    public required string WorkingDirectory { get; init; }
    public int? MaxTurns { get; init; }
    public string? PermissionMode { get; init; }
    public IReadOnlyList<string> AllowedTools { get; init; } = [];
    public IReadOnlyList<string> DisallowedTools { get; init; } = [];
    public string? AppendSystemPrompt { get; init; }
    public string? Model { get; init; }
    public string? Provider { get; init; }
    public bool Continue { get; init; }
    public string? Resume { get; init; }
    public string? SessionId { get; init; }
    public bool ForkSession { get; init; }
    public bool NoSessionPersistence { get; init; }

    /// <summary><c>--agents</c>: subagent types for this run (a definition file of the same name wins).</summary>
    public IReadOnlyList<AgentDefinition> Agents { get; init; } = [];

    /// <summary><c>--effort</c>: reasoning effort over the <c>effort</c> setting.</summary>
    public string? Effort { get; init; }

    /// <summary><c>--max-thinking-tokens</c>: the thinking budget, over the setting and <c>MAX_THINKING_TOKENS</c>.</summary>
    public int? MaxThinkingTokens { get; init; }

    /// <summary>Say which sandbox is active even when it is the expected one (<c>--verbose</c>).</summary>
    public bool Verbose { get; init; }

    /// <summary>Print each TodoWrite change to stderr (headless text with <c>--verbose</c>).</summary>
    public bool PrintTodos { get; init; }

    /// <summary>Runs hook commands (null: bash); the Agent SDK session routes its own hooks' callbacks through it.</summary>
    public IHookProcessRunner? HookProcesses { get; init; }

    /// <summary><c>--add-dir</c>: more directories the tools may use (absolute).</summary>
    public IReadOnlyList<string> AddDirectories { get; init; } = [];

    /// <summary><c>--settings</c>: a settings file or JSON string for the command-line layer.</summary>
    public string? SettingsFlag { get; init; }

    /// <summary><c>--fallback-model</c>: models tried in order when the main one is overloaded, failing or missing.</summary>
    public IReadOnlyList<string> FallbackModels { get; init; } = [];

    /// <summary><c>--agent</c>: the agent type the main thread runs as (its prompt, tools and model).</summary>
    public string? MainAgent { get; init; }

    /// <summary><c>--plugin-dir</c> / <c>--plugin-dir-no-mcp</c>: plugin directories loaded for this run only.</summary>
    public IReadOnlyList<StreamJson.PluginDirectory> PluginDirectories { get; init; } = [];

    /// <summary><c>--strict-mcp-config</c>: no configured MCP server starts (settings, .mcp.json, plugins); only the
    /// <c>--mcp-config</c> ones do.</summary>
    public bool StrictMcpConfig { get; init; }

    /// <summary><c>--trust-workspace</c>: use the folder's own commands and approvals for this run without remembering it.</summary>
    public bool TrustWorkspace { get; init; }

    /// <summary>The trust decision already taken by the front end (the interactive trust screen); null: decide from the
    /// flag, the user's settings and the remembered trust (headless).</summary>
    public CodeForge.Core.Trust.WorkspaceTrust? Trust { get; init; }

    /// <summary>Register MCP servers' tools as each connects instead of waiting for all (interactive: the prompt is usable at once).</summary>
    public bool McpInBackground { get; init; }
}

/// <summary>
/// One agent assembled from settings and flags: settings store, model client with its decorators, permission checker
/// and authorizer, session manager and the open session, tool registry and executor, the agent loop and its options.
/// Headless and interactive runs both build one of these; they differ only in how they show events and whether a
/// permission "ask" can reach a person.
/// </summary>
/// <remarks>
/// Concurrency: built once on the startup path. <see cref="Session"/>, <see cref="Client"/>, <see cref="Conversation"/>
/// and <see cref="AgentOptions"/> are replaced only between turns by the owning front end (single writer, volatile
/// references); readers during a turn see whole objects. The contained components keep their own contracts.
/// </remarks>
internal sealed class ForgeRuntime : IAsyncDisposable
{
    /// <summary>How long the settings files must be quiet before a change is applied (editors write in several steps).</summary>
    private static readonly TimeSpan SettingsDebounce = TimeSpan.FromMilliseconds(50);

    private volatile Session _session;
    private volatile IChatClient _client;
    private volatile ProviderConfig _provider;
    private volatile Conversation _conversation;
    private volatile SessionConversationSink _sink;
    private volatile ProviderConfig? _pendingProvider;
    private readonly List<IChatClient> _retiredClients = [];
    private readonly McpStartup _mcp;
    private readonly ExtensionHost _extensions;
    private readonly ShellSetup _shells;
    private readonly HeadlessHooks _hooks;
    private readonly LiveSettings _live;
    private readonly LiveEnvironmentDictionary _env;
    private readonly string? _gitStatus;
    private TaskTool? _taskTool;
    private System.Collections.Immutable.ImmutableArray<ProviderConfig> _fallbacks = [];
    private System.Collections.Immutable.ImmutableArray<AgentDefinition> _sdkAgents = [];

    private ForgeRuntime(RuntimeParts p)
    {
        Options = p.Options;
        Home = p.Home;
        WorkingDirectory = p.WorkingDirectory;
        Settings = p.Settings;
        _provider = p.Provider;
        _client = p.Client;
        Usage = p.Usage;
        Retries = p.Retries;
        Checker = p.Checker;
        Sessions = p.Sessions;
        _session = p.Session;
        Registry = p.Registry;
        Executor = new ToolExecutor(p.Registry);
        Diagnostics = p.Diagnostics;
        Environment = p.Environment;
        _mcp = p.Mcp;
        _extensions = p.Extensions;
        _shells = p.Shells;
        _hooks = p.Hooks;
        _env = p.Env;
        _gitStatus = p.GitStatus;
        _conversation = new Conversation(p.Session.EffectiveMessages);
        _sink = new SessionConversationSink(p.Session);
        _live = new LiveSettings(p.Settings, [ApplyPermissions, ApplyHooks, ApplyEnvironment, ApplyModel]);
        Gate = new ToolCallGate(p.Checker, new ToolCallGateOptions { Hooks = p.Hooks.Session, Prompt = p.Prompt, Settings = _live.Gate, Tools = p.Registry });
        ConfigureModel();
    }

    /// <summary>Everything <c>CreateAsync</c> assembles before the runtime exists (each part complete).</summary>
    private sealed record RuntimeParts(
        ForgeOptions Options, string Home, string WorkingDirectory, SettingsStore Settings, ProviderConfig Provider, IChatClient Client,
        UsageTracker Usage, RetryRelay Retries, PermissionChecker Checker, IPermissionPrompt? Prompt, SessionManager Sessions,
        Session Session, ToolRegistry Registry, DiagnosticLog Diagnostics, Func<string, string?> Environment, McpStartup Mcp,
        ExtensionHost Extensions, ShellSetup Shells, HeadlessHooks Hooks, LiveEnvironmentDictionary Env, string? GitStatus);

    public ForgeOptions Options { get; }

    public string Home { get; }

    public string WorkingDirectory { get; }

    public SettingsStore Settings { get; }

    public ProviderConfig Provider => _provider;

    public IChatClient Client => _client;

    public UsageTracker Usage { get; }

    public PermissionChecker Checker { get; }

    /// <summary>The one tool-call gate of the run: rules, PreToolUse hooks, the prompt, PostToolUse; the main loop and
    /// every subagent decide through it, each decision on one settings version.</summary>
    public ToolCallGate Gate { get; }

    public SessionManager Sessions { get; }

    public Session Session => _session;

    public ToolRegistry Registry { get; }

    public ToolExecutor Executor { get; }

    public Conversation Conversation => _conversation;

    /// <summary>Where problems found while loading or running are reported (each front end renders them).</summary>
    public DiagnosticLog Diagnostics { get; }

    public Func<string, string?> Environment { get; }

    /// <summary>Retry notices of the model client (the headless printer shows them).</summary>
    public RetryRelay Retries { get; }

    /// <summary>Skills, custom commands and plugins of this run.</summary>
    public ExtensionHost Extensions => _extensions;

    /// <summary>The background shells, the sandbox and the task list.</summary>
    public ShellSetup Shells => _shells;

    /// <summary>The hook session (SessionStart … SessionEnd).</summary>
    public HookSession Hooks => _hooks.Session;

    /// <summary>MCP servers of this run.</summary>
    public McpStartup Mcp => _mcp;

    /// <summary>The settings version in force (permission rules, hooks, env and model follow it while forge runs).</summary>
    public SettingsSnapshot AppliedSettings => _live.Applied;

    /// <summary>The context budget of the current model and session.</summary>
    public ContextOptions Context { get; private set; }

    /// <summary>Whether this run uses its folder's own commands and approvals, and what the folder would run.</summary>
    public CodeForge.Core.Trust.WorkspaceTrust Trust { get; private set; } = null!;

    /// <summary>The <c>.mcp.json</c> servers left out by <c>disabledMcpjsonServers</c>/<c>enabledMcpjsonServers</c>, with why.</summary>
    public System.Collections.Immutable.ImmutableArray<string> McpSkipped { get; private set; } = [];

    /// <summary>The git block of the system prompt (null outside a repository).</summary>
    public string? GitStatus => _gitStatus;

    /// <summary>
    /// Starts applying settings changes while forge runs: each change to a settings file (any scope, <c>.forge</c> or
    /// <c>.claude</c>) is applied before the next tool call (rules, hooks, env) or the next turn (model), and reported once
    /// to <paramref name="onChange"/> (on a background flow). Call once, after the front end is ready to show notices.
    /// </summary>
    public void WatchSettings(Action<SettingsChange> onChange)
    {
        ArgumentNullException.ThrowIfNull(onChange);
        _live.Changed += onChange;
        _live.ApplyFailed += ex => Diagnostics.Error(ex is IOException ? ex.Message : $"applying a settings change failed: {ex.Message}");
        _live.Start(SettingsDebounce);
    }

    /// <summary>
    /// Builds the runtime for a text front end: every problem found on the way (and later) is written to
    /// <paramref name="stderr"/> as one <c>forge: …</c> line at once, as are the <c>--verbose</c> todo lists.
    /// </summary>
    public static Task<ForgeRuntime?> CreateAsync(ForgeOptions o, TextWriter stderr, Func<string, string?> environment,
        Func<PermissionChecker, SettingsLocations, IPermissionPrompt?>? prompt, CancellationToken ct) =>
        CreateAsync(o, DiagnosticLog.ToText(stderr), stderr, environment, prompt, ct);

    /// <summary>
    /// Builds the runtime. Every problem found on the way is reported to <paramref name="log"/> as a
    /// <see cref="Diagnostic"/> and the rest still loads; a problem that leaves nothing to run (no usable model, no
    /// session) returns null. <paramref name="verboseOutput"/> receives the todo lists when <c>PrintTodos</c> is set.
    /// </summary>
    public static async Task<ForgeRuntime?> CreateAsync(ForgeOptions o, DiagnosticLog log, TextWriter? verboseOutput, Func<string, string?> environment,
        Func<PermissionChecker, SettingsLocations, IPermissionPrompt?>? prompt, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(o);
        ArgumentNullException.ThrowIfNull(log);
        var home = environment("HOME") ?? System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile);
        var cwd = Path.GetFullPath(o.WorkingDirectory);
        CodeForge.Core.Diagnostics.StartupTrace.Mark("command line parsed");

        // 1. Settings: every layer; problems are reported with file and line, and the rest still loads.
        var commandLine = SettingsFragment.Empty with
        {
            Model = o.Model,
            Provider = o.Provider,
            DefaultMode = o.PermissionMode,
            Allow = [.. o.AllowedTools.Select((r, i) => new RuleEntry(r, new SettingsSource(SettingsScope.CommandLine, "--allowedTools"), $"[{i}]"))],
            Deny = [.. o.DisallowedTools.Select((r, i) => new RuleEntry(r, new SettingsSource(SettingsScope.CommandLine, "--disallowedTools"), $"[{i}]"))],
        };
        commandLine = StreamJson.FlagSettings.Merge(commandLine, o, log);
        // Workspace trust: an untrusted folder's project and local settings keep only what cannot run or allow anything
        // (see UntrustedProjectSettings); its .mcp.json servers and the plugins it enables are left out. Said once.
        var trust = o.Trust ?? CodeForge.Core.Trust.WorkspaceTrust.Resolve(cwd, home, o.TrustWorkspace, CodeForge.Core.Trust.TrustStore.ForUser(home), p => log.Error(p));
        if (trust.SkippedLine() is { } skippedLine)
        {
            log.Warning(skippedLine);
        }
        var settingsStore = new SettingsStore(new SettingsLocations(home, MemoryFiles.FindRepositoryRoot(cwd)), commandLine, null,
            trust.IsTrusted ? null : CodeForge.Core.Trust.UntrustedProjectSettings.Restrict);
        var snapshot = settingsStore.Current;
        var settings = snapshot.Settings;
        foreach (var d in snapshot.Diagnostics.Where(d => d.IsError))
        {
            log.Report(Diagnostic.From(d));
        }
        CodeForge.Core.Diagnostics.StartupTrace.Mark("settings and trust");

        // 2. The model: one clear line if something is missing.
        ProviderConfig provider;
        try
        {
            provider = new ProviderResolver(environment).Resolve(new ProviderOptions(o.Provider, o.Model), new ProviderSettings(settings.Provider, settings.Model) { OpenAIApi = settings.OpenAIApi });
        }
        catch (ProviderConfigurationException ex)
        {
            log.Error(ex.Message);
            settingsStore.Dispose();
            return null;
        }
        var usage = new UsageTracker();
        var retries = new RetryRelay();
        var reasoningProblems = new List<string>();
        var reasoning = ReasoningConfig.From(o.Effort ?? settings.Effort, settings.MaxThinkingTokens, settings.AlwaysThinkingEnabled, environment, reasoningProblems.Add);
        if (o.MaxThinkingTokens is { } budget)
        {
            reasoning = reasoning with { MaxThinkingTokens = budget }; // the flag wins over MAX_THINKING_TOKENS
        }
        foreach (var problem in reasoningProblems)
        {
            log.Warning($"{problem} (ignored)");
        }
        var client = CreateClient(provider, usage, retries, reasoning);
        if (StreamJson.RunFlags.ResolveFallbacks(o, provider, settings, environment, log) is not { } fallbacks)
        {
            client.Dispose();
            settingsStore.Dispose();
            return null;
        }
        client = StreamJson.RunFlags.WithFallbacks(client, provider, fallbacks, f => CreateClient(f, usage, retries, reasoning), retries);
        CodeForge.Core.Diagnostics.StartupTrace.Mark("model client");

        // 3. Permissions: settings rules by scope, the mode (the same code applies later versions of the settings).
        var checker = new PermissionChecker(cwd, home);
        foreach (var problem in PermissionSettings.Apply(checker, settings, cwd, applyMode: true))
        {
            log.Error(problem.Message, problem.Source.Path, problem.Line);
        }
        if (PermissionModes.TryParse(settings.DefaultMode, out var mode) && mode == PermissionMode.BypassPermissions && settings.DisableBypassPermissionsMode)
        {
            log.Warning("bypassPermissions mode is disabled by disableBypassPermissionsMode; using default mode");
        }
        var permissionPrompt = prompt?.Invoke(checker, settingsStore.Locations);
        CodeForge.Core.Diagnostics.StartupTrace.Mark("permissions");
        var extensions = await ExtensionHost.LoadAsync(cwd, MemoryFiles.FindRepositoryRoot(cwd), home, settings, checker, log, trust.IsTrusted, ct, o.Verbose, o.PluginDirectories).ConfigureAwait(false);
        CodeForge.Core.Diagnostics.StartupTrace.Mark("skills, commands and plugins");
        // MCP servers (settings, .mcp.json, enabled plugins) start now, in parallel, each bounded by MCP_TIMEOUT; they are
        // closed (stdio servers killed) with the runtime.
        var pluginServers = StreamJson.RunFlags.McpPlugins(o, extensions.Plugins.Snapshot.Plugins.Values)
            .SelectMany(p => p.Definition.McpServers.Select(server => new McpPluginServer(p.Name, server.Key, server.Value, p.Root) { PluginData = p.Definition.DataDirectory }));
        var mcpSkipped = new List<string>();
        McpStartup mcp;
        if (o.StrictMcpConfig)
        {
            mcp = McpStartup.None(cwd, environment, log);
        }
        else
        {
            var mcpConfig = McpStartup.LoadConfig(cwd, home, environment, pluginServers, trust.IsTrusted, McpJsonApproval.From(snapshot.Files), mcpSkipped);
            mcp = await McpStartup.BeginAsync(mcpConfig, cwd, environment, log, ct).ConfigureAwait(false);
        }
        CodeForge.Core.Diagnostics.StartupTrace.Mark("mcp started");

        // 4. The session (resumed, forked, new, or in memory only).
        var sessions = new SessionManager(cwd, new SessionManagerOptions
        {
            RootDirectory = Path.Combine(home, ".forge"),
            PersistSessions = !o.NoSessionPersistence,
        });
        Session session;
        try
        {
            session = await OpenSessionAsync(sessions, o, ct).ConfigureAwait(false);
        }
        catch (SessionException ex)
        {
            log.Error(ex.Message);
            extensions.Dispose();
            client.Dispose();
            await mcp.DisposeAsync().ConfigureAwait(false);
            settingsStore.Dispose();
            return null;
        }
        CodeForge.Core.Diagnostics.StartupTrace.Mark("session");

        // 5. Tools (files, web, MCP, skills, shells and todos), hooks, git; the context budget and subagents are set up by
        // the constructor. The skill tool and the hooks ask for the session current when they run (it can be switched).
        ForgeRuntime? self = null;
        var registry = new ToolRegistry();
        registry.RegisterMany(BuiltInTools.CreateFileTools(new FileReadTracker()));
        registry.RegisterMany(HeadlessWebTools.Create(settings, home, environment, log));
        if (o.McpInBackground)
        {
            mcp.RegisterAsTheyConnect(tools =>
            {
                foreach (var tool in tools)
                {
                    registry.TryRegister(tool);
                }
            });
        }
        else
        {
            registry.RegisterMany(await mcp.GetToolsAsync().ConfigureAwait(false));
        }
        registry.Register(extensions.CreateSkillTool(() => new SubstitutionContext(self!.Session.Id, extensions.ProjectDirectory)));
        CodeForge.Core.Diagnostics.StartupTrace.Mark("tools");
        // Bash, BashOutput, KillShell, TodoWrite; the sandbox; background shells are killed when the runtime is disposed.
        var env = new LiveEnvironmentDictionary(settings.Env);
        var shells = await ShellSetup.CreateAsync(settings, cwd, AbsoluteDirectories(settings), session.Id, o.Verbose, o.PrintTodos ? verboseOutput : null, log, env, checker).ConfigureAwait(false);
        registry.RegisterMany(shells.Tools);
        CodeForge.Core.Diagnostics.StartupTrace.Mark("shells and sandbox");
        var hooks = HeadlessHooks.Create(snapshot, cwd, home,
            () => new(self!.Session.Id, self.Session.TranscriptPath, cwd, PermissionModes.ToSettingsName(checker.Policy.Mode)), log, o.HookProcesses);
        AddPluginHooks(hooks, extensions, log);
        var gitStatus = await AgentSetup.GitStatusAsync(cwd, ct).ConfigureAwait(false);
        CodeForge.Core.Diagnostics.StartupTrace.Mark("hooks and git status");
        self = new ForgeRuntime(new RuntimeParts(o, home, cwd, settingsStore, provider, client, usage, retries, checker, permissionPrompt, sessions, session,
            registry, log, environment, mcp, extensions, shells, hooks, env, gitStatus));
        CodeForge.Core.Diagnostics.StartupTrace.Mark("runtime");
        self.Trust = trust;
        self.McpSkipped = [.. mcpSkipped];
        self._fallbacks = fallbacks;
        if (o.MainAgent is { } agentName && !self.UseMainAgent(agentName))
        {
            await self.DisposeAsync().ConfigureAwait(false);
            return null;
        }
        return self;
    }

    private void ApplyPermissions(SettingsSnapshot applied, SettingsSnapshot next, SettingsChangeBuilder change)
    {
        if (!PermissionSettings.Differ(applied.Settings, next.Settings))
        {
            return;
        }
        // The mode follows defaultMode only when that setting changed: a mode picked since start-up is kept otherwise.
        foreach (var problem in PermissionSettings.Apply(Checker, next.Settings, WorkingDirectory, applyMode: applied.Settings.DefaultMode != next.Settings.DefaultMode))
        {
            change.Problem(problem);
        }
        change.Changed("permissions");
    }

    private void ApplyHooks(SettingsSnapshot applied, SettingsSnapshot next, SettingsChangeBuilder change)
    {
        if (_hooks.ApplySettings(applied, next, change))
        {
            change.Changed("hooks");
        }
    }

    private void ApplyEnvironment(SettingsSnapshot applied, SettingsSnapshot next, SettingsChangeBuilder change)
    {
        if (_env.Replace(next.Settings.Env))
        {
            change.Changed("env");
        }
    }

    /// <summary>A new <c>model</c>/<c>provider</c> is resolved now (a problem is reported and the model kept) and switched
    /// to when the next turn starts.</summary>
    private void ApplyModel(SettingsSnapshot applied, SettingsSnapshot next, SettingsChangeBuilder change)
    {
        if (applied.Settings.Model == next.Settings.Model && applied.Settings.Provider == next.Settings.Provider)
        {
            return;
        }
        try
        {
            _pendingProvider = new ProviderResolver(Environment).Resolve(new ProviderOptions(Options.Provider, Options.Model),
                new ProviderSettings(next.Settings.Provider, next.Settings.Model) { OpenAIApi = next.Settings.OpenAIApi });
            change.Changed("model");
        }
        catch (ProviderConfigurationException ex)
        {
            change.Problem(new SettingsDiagnostic(next.Files.LastOrDefault(f => f.Fragment.Model is not null || f.Fragment.Provider is not null)?.Source
                ?? new SettingsSource(SettingsScope.Project, "settings"), 0, "model", ex.Message + "; the model is kept"));
        }
    }

    /// <summary>Switches to a model the settings changed to, between turns.</summary>
    private void SwitchToPendingModel()
    {
        if (Interlocked.Exchange(ref _pendingProvider, null) is { } next && next != _provider)
        {
            SwitchProvider(next);
        }
    }

    private static IEnumerable<string> AbsoluteDirectories(Settings settings) =>
        settings.AdditionalDirectories.Where(Path.IsPathFullyQualified).Select(Path.GetFullPath);

    /// <summary>Each enabled plugin's hooks become the hook source <c>plugin:&lt;name&gt;</c> (problems reported, the rest kept).</summary>
    private static void AddPluginHooks(HeadlessHooks hooks, ExtensionHost extensions, DiagnosticLog log)
    {
        foreach (var set in extensions.Plugins.Snapshot.Hooks)
        {
            using var buffer = new MemoryStream();
            using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                foreach (var (hookEvent, entries) in set.Events)
                {
                    writer.WriteStartArray(hookEvent);
                    foreach (var entry in entries)
                    {
                        entry.WriteTo(writer);
                    }
                    writer.WriteEndArray();
                }
                writer.WriteEndObject();
            }
            using var document = System.Text.Json.JsonDocument.Parse(buffer.ToArray());
            var parsed = HookConfigParser.Parse(document.RootElement, set.SourcePath, set.PluginRoot);
            foreach (var d in parsed.Diagnostics)
            {
                log.Report(new Diagnostic(d.IsError ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning, $"hook problem: {d}", d.Source, d.Line));
            }
            hooks.Registry.SetSource("plugin:" + set.PluginName, set.PluginData is { } data ? [.. parsed.Definitions.Select(d => d with { PluginData = data })] : parsed.Definitions);
        }
    }

    /// <summary>The parts that depend on the model and the session: the context budget and the Task tool.</summary>
    [System.Diagnostics.CodeAnalysis.MemberNotNull(nameof(Context))]
    private void ConfigureModel()
    {
        Context = AgentSetup.Context(Provider, _live.Applied.Settings, Environment, AgentSetup.ToolOutputDirectory(Session.TranscriptPath, Session.Id), Diagnostics);
        if (_taskTool is not null)
        {
            Registry.Deregister(_taskTool.Name);
            _taskTool.Dispose();
        }
        var today = DateOnly.FromDateTime(TimeProvider.System.GetLocalNow().Date);
        _taskTool = AgentSetup.RegisterTaskTool(Registry, Client, Executor, ToolContext(), Gate, MemoryFiles.FindRepositoryRoot(WorkingDirectory), Home,
            SystemPrompt.Environment(new SystemPromptContext(WorkingDirectory, today, _gitStatus, [], [])), new ChatOptions { ModelId = Provider.Model },
            Context, _live.Applied.Settings, Environment, Diagnostics, _sdkAgents.Concat(Options.Agents).Concat(_extensions.Plugins.Snapshot.Agents.Select(a => a.ToDefinition())));
    }

    private ToolContext ToolContext() =>
        _shells.Apply(new ToolContext(WorkingDirectory) { SessionId = Session.Id, AdditionalDirectories = AdditionalDirectories });

    /// <summary>The settings' <c>additionalDirectories</c> (absolute ones): file tools, Bash and the sandbox may use them too.</summary>
    public System.Collections.Immutable.ImmutableArray<string> AdditionalDirectories => [.. AbsoluteDirectories(_live.Applied.Settings)];

    /// <summary>The thinking configuration of the current settings (<c>effort</c>, <c>maxThinkingTokens</c>,
    /// <c>alwaysThinkingEnabled</c>) and <c>MAX_THINKING_TOKENS</c>; values that do not parse were reported at start.</summary>
    private ReasoningConfig CurrentReasoning() => ReasoningConfig.From(Settings.Current.Settings.Effort,
        Settings.Current.Settings.MaxThinkingTokens, Settings.Current.Settings.AlwaysThinkingEnabled, Environment, _ => { });

    private static IChatClient CreateClient(ProviderConfig provider, UsageTracker usage, RetryRelay retries, ReasoningConfig reasoning) =>
        ChatClientFactory.Create(provider, new ChatClientFactoryOptions
        {
            Reasoning = reasoning,
            UsageTracker = usage,
            Retry = new RetryOptions { MaxAttempts = retries.MaxAttempts, OnRetry = retries.OnRetry },
        });

    /// <summary>The agent loop over the current client (build one per turn: the model may have changed).</summary>
    public AgentLoop CreateLoop() => new(Client, Executor, ToolContext(), Gate);

    private OutputStyleResolver? _outputStyleResolver;

    /// <summary>The <c>outputStyle</c> lookup (made on first use; turns are built one at a time).</summary>
    private OutputStyleResolver OutputStyleResolution => _outputStyleResolver ??= new OutputStyleResolver(problem => Diagnostics.Warning(problem));

    /// <summary>The subagent types of this run (the Task tool's): files, <c>--agents</c>, the SDK's, plugins, built-ins.</summary>
    public AgentCatalog AgentCatalog => _taskTool!.Catalog;

    /// <summary><c>--agent</c>: the agent type the main thread runs as (its prompt and tools; its model was switched to), or null.</summary>
    public AgentDefinition? MainAgent { get; private set; }

    /// <summary>
    /// <c>--agent</c>: the main thread runs as <paramref name="name"/> from now on (its prompt and tools; its model unless
    /// <c>--model</c> was given). False, reported to the diagnostics with the known names, when no such type exists.
    /// Between turns only.
    /// </summary>
    public bool UseMainAgent(string name)
    {
        if (StreamJson.RunFlags.FindMainAgent(name, AgentCatalog, Diagnostics) is not { } agent)
        {
            return false;
        }
        MainAgent = agent;
        if (Options.Model is null && agent.Model is { } model && model != "inherit")
        {
            try
            {
                SetModel(model, Environment);
            }
            catch (ArgumentException ex)
            {
                Diagnostics.Error($"--agent {name}: model {model}: {ex.Message}; using {Provider.Model}");
            }
        }
        return true;
    }

    /// <summary>Adds agent types (the Agent SDK's <c>initialize</c> <c>agents</c>); a file of the same name wins. Between turns only.</summary>
    public void AddAgents(IEnumerable<AgentDefinition> agents)
    {
        _sdkAgents = [.. _sdkAgents, .. agents];
        ConfigureModel();
    }

    /// <summary>The options of the next turn: system prompt (memory files re-read), model, turn limit.</summary>
    public AgentOptions CreateAgentOptions() => new()
    {
        MaxTurns = Options.MaxTurns,
        SystemPrompt = MainAgent is { } agent
            ? StreamJson.RunFlags.AgentSystemPrompt(agent, new SystemPromptContext(WorkingDirectory, DateOnly.FromDateTime(TimeProvider.System.GetLocalNow().Date),
                _gitStatus, Registry.ListNames(), [], Options.AppendSystemPrompt, _extensions.Catalogue, Context.ContextWindow) { ModelId = Provider.Model })
            : SystemPrompt.Build(new SystemPromptContext(WorkingDirectory, DateOnly.FromDateTime(TimeProvider.System.GetLocalNow().Date),
                _gitStatus, Registry.ListNames(), LoadMemoryFiles(), Options.AppendSystemPrompt, _extensions.Catalogue, Context.ContextWindow)
            {
                ModelId = Provider.Model,
                OutputStyle = OutputStyleResolution.Resolve(_live.Applied.Settings.OutputStyle, Home, _extensions.ProjectDirectory, _extensions.Plugins.Snapshot.Plugins.Values.Select(p => p.Root)),
            }),
        AllowedTools = MainAgent?.Tools is { } agentTools ? [.. agentTools] : null,
        ChatOptions = new ChatOptions { ModelId = Provider.Model, AdditionalProperties = new() { [ChatClientFactory.PromptCacheKeyProperty] = Session.Id } },
        Context = Context,
        Hooks = _hooks.Session,
    };

    /// <summary>The instruction files of the next turn: an untrusted folder's files and imports only from inside it.</summary>
    public IReadOnlyList<MemoryFile> LoadMemoryFiles() =>
        MemoryFiles.Load(WorkingDirectory, Home, 40_000, Trust.IsTrusted ? null : Trust.Folder);

    /// <summary>Runs one turn of the current conversation, recorded in the current session.</summary>
    public IAsyncEnumerable<AgentEvent> RunTurnAsync(string prompt, CancellationToken ct)
    {
        SwitchToPendingModel();
        (_client as StreamJson.ModelFallbackChatClient)?.BeginTurn();
        return CreateLoop().RunAsync(Conversation, prompt, CreateAgentOptions(), _sink, ct);
    }

    /// <summary>Runs one turn with <paramref name="options"/> (from <see cref="CreateAgentOptions"/>, adjusted by the caller).</summary>
    public IAsyncEnumerable<AgentEvent> RunTurnAsync(string prompt, AgentOptions options, CancellationToken ct)
    {
        (_client as StreamJson.ModelFallbackChatClient)?.BeginTurn();
        return CreateLoop().RunAsync(Conversation, prompt, options, _sink, ct);
    }

    /// <summary>Compacts the conversation now (<c>/compact</c>); null when there is nothing to summarise.</summary>
    public Task<CompactionResult?> CompactAsync(string? instructions, CancellationToken ct) =>
        CreateLoop().CompactAsync(Conversation, instructions, CreateAgentOptions(), _sink, ct);

    /// <summary>Switches the model (and the provider, when the name belongs to another one); throws <see cref="ArgumentException"/> if it cannot.</summary>
    public void SetModel(string model, Func<string, string?> environment)
    {
        ProviderConfig next;
        try
        {
            var alias = ModelCatalog.FindAlias(model);
            var sameProvider = alias is null || alias.Provider == Provider.Kind;
            next = new ProviderResolver(environment).Resolve(new ProviderOptions(sameProvider ? Options.Provider : null, model),
                new ProviderSettings(sameProvider ? _live.Applied.Settings.Provider : null, null));
        }
        catch (ProviderConfigurationException ex)
        {
            throw new ArgumentException(ex.Message, nameof(model), ex);
        }
        SwitchProvider(next);
    }

    private void SwitchProvider(ProviderConfig next)
    {
        // The old client may still be referenced by a finishing subagent: retire it, dispose it with the runtime.
        lock (_retiredClients)
        {
            _retiredClients.Add(_client);
        }
        _client = StreamJson.RunFlags.WithFallbacks(CreateClient(next, Usage, Retries, CurrentReasoning()), next, _fallbacks,
            f => CreateClient(f, Usage, Retries, CurrentReasoning()), Retries);
        _provider = next;
        ConfigureModel();
    }

    /// <summary>Closes the current session and continues in <paramref name="next"/> with its conversation.</summary>
    public async Task SwitchSessionAsync(Session next)
    {
        ArgumentNullException.ThrowIfNull(next);
        var old = _session;
        _session = next;
        _conversation = new Conversation(next.EffectiveMessages);
        _sink = new SessionConversationSink(next);
        ConfigureModel();
        await old.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _live.DisposeAsync().ConfigureAwait(false);
        await _shells.DisposeAsync().ConfigureAwait(false);
        await _session.DisposeAsync().ConfigureAwait(false);
        _taskTool?.Dispose();
        _extensions.Dispose();
        await _mcp.DisposeAsync().ConfigureAwait(false);
        Gate.Dispose();
        _client.Dispose();
        foreach (var c in _retiredClients)
        {
            c.Dispose();
        }
        Settings.Dispose();
    }

    internal static async Task<Session> OpenSessionAsync(SessionManager sessions, ForgeOptions a, CancellationToken ct)
    {
        if (a.Resume is { } id)
        {
            return a.ForkSession ? await sessions.ForkAsync(id, a.SessionId, ct).ConfigureAwait(false) : await sessions.OpenAsync(id, ct).ConfigureAwait(false);
        }
        if (a.Continue)
        {
            var latest = sessions.GetLatest() ?? throw new SessionNotFoundException("No earlier session in this project to continue.");
            return a.ForkSession ? await sessions.ForkAsync(latest.SessionId, a.SessionId, ct).ConfigureAwait(false) : await sessions.OpenAsync(latest.SessionId, ct).ConfigureAwait(false);
        }
        return await sessions.CreateAsync(a.SessionId, ct).ConfigureAwait(false);
    }
}
