using System.Collections.Immutable;
using CodeForge.Cli.Composition;
using CodeForge.Core.Hooks;
using CodeForge.Core.Skills;
using CodeForge.Core.Agent;
using CodeForge.Core.Commands;
using CodeForge.Core.Config;
using CodeForge.Core.Permissions;
using CodeForge.Core.Plugins;
using CodeForge.Core.Sessions;
using CodeForge.Core.Tools;
using CodeForge.Mcp.Client;
using CodeForge.Providers;
using Microsoft.Extensions.AI;

namespace CodeForge.Cli.Runtime;

/// <summary>
/// One agent assembled from settings and flags by <see cref="RuntimeStages"/> (settings → provider → permissions →
/// extensions → session → tools → hooks) and complete when constructed: the one <see cref="ToolCallGate"/>, the live
/// settings, the agent loop per turn and its options. Headless and interactive runs both build one of these; they differ
/// only in how they show events and whether a permission "ask" can reach a person. Front ends read what they show from
/// this type's own members (hooks, MCP servers, plugins, settings values), not through its parts.
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

    private volatile IChatClient _client;
    private volatile ProviderConfig _provider;
    private volatile Conversation _conversation;
    private volatile SessionConversationSink _sink;
    private volatile ProviderConfig? _pendingProvider;
    private readonly List<IChatClient> _retiredClients = [];
    private readonly CurrentSession _session;
    private readonly McpStartup _mcp;
    private readonly ExtensionHost _extensions;
    private readonly ShellSetup _shells;
    private readonly HeadlessHooks _hooks;
    private readonly LiveSettings _live;
    private readonly LiveEnvironmentDictionary _env;
    private readonly string? _gitStatus;
    private readonly ImmutableArray<ProviderConfig> _fallbacks;
    private TaskTool _taskTool;
    private ImmutableArray<AgentDefinition> _sdkAgents = [];

    private ForgeRuntime(ComposedRuntime parts, DiagnosticLog diagnostics)
    {
        var (settings, provider, permissions, extensions, session, tools, hooks) = parts;
        Options = settings.Options;
        Home = settings.Home;
        WorkingDirectory = settings.WorkingDirectory;
        Environment = settings.Environment;
        Settings = settings.Store;
        Trust = settings.Trust;
        _provider = provider.Provider;
        _client = provider.Client;
        _fallbacks = provider.Fallbacks;
        Usage = provider.Usage;
        Retries = provider.Retries;
        Checker = permissions.Checker;
        _extensions = extensions.Extensions;
        _mcp = extensions.Mcp;
        McpSkipped = extensions.McpSkipped;
        Sessions = session.Sessions;
        _session = session.Current;
        Registry = tools.Registry;
        Executor = new ToolExecutor(tools.Registry);
        _shells = tools.Shells;
        _env = tools.Environment;
        _gitStatus = tools.GitStatus;
        _hooks = hooks.Hooks;
        Diagnostics = diagnostics;
        _conversation = new Conversation(Session.EffectiveMessages);
        _sink = new SessionConversationSink(Session);
        _live = new LiveSettings(Settings, [ApplyPermissions, ApplyHooks, ApplyEnvironment, ApplyModel], ApplyMcpAsync);
        Gate = new ToolCallGate(Checker, new ToolCallGateOptions { Hooks = _hooks.Session, Prompt = permissions.Prompt, Settings = _live.Gate, Tools = Registry, BeforeDecision = _shells.BeforeDecisionAsync });
        ConfigureModel();
    }

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

    public Session Session => _session.Session;

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

    /// <summary>The settings values in force (<see cref="AppliedSettings"/>' merged values).</summary>
    public Settings CurrentSettings => _live.Applied.Settings;

    /// <summary>Where <c>/permissions</c> and "don't ask again" write: the project's local settings file.</summary>
    public string LocalSettingsPath => Settings.Locations.LocalSettingsPath;

    /// <summary>The permission mode in force.</summary>
    public PermissionMode PermissionMode => Checker.Policy.Mode;

    /// <summary>The plugins loaded for this run (installed and enabled, and <c>--plugin-dir</c>).</summary>
    public IEnumerable<LoadedPlugin> Plugins => _extensions.Plugins.Snapshot.Plugins.Values;

    /// <summary>The skills of this run (files, plugins, built-ins).</summary>
    public IReadOnlyList<Skill> Skills => _extensions.Skills.ListSkills();

    /// <summary>Every hook in force, by source (<c>settings</c>, <c>plugin:&lt;name&gt;</c>, <c>sdk</c>).</summary>
    public IEnumerable<KeyValuePair<string, ImmutableArray<HookDefinition>>> HookSources => _hooks.Registry.Snapshot.Sources;

    /// <summary>The Agent SDK's hooks (its <c>initialize</c> request) become the hook source <c>sdk</c>, replacing earlier ones.</summary>
    public void SetSdkHooks(ImmutableArray<HookDefinition> definitions) => _hooks.Registry.SetSource("sdk", definitions);

    /// <summary>The configured MCP servers' states (connecting, connected, failed) and tools.</summary>
    public ImmutableArray<McpServerStatus> McpStatuses() => _mcp.Manager.GetStatuses();

    /// <summary>The tools of the MCP servers connected so far.</summary>
    public ImmutableArray<ITool> McpTools() => _mcp.Manager.GetTools();

    /// <summary>The custom commands of this run (files and plugins).</summary>
    public IReadOnlyList<CommandDefinition> Commands => _extensions.Commands.List();

    /// <summary>Expands <c>/name args</c> for the current session (a skill, else a custom command); problems are reported
    /// to <see cref="Diagnostics"/>. Other prompts are returned unchanged.</summary>
    public string ExpandPrompt(string prompt) =>
        _extensions.ExpandPrompt(prompt, new SubstitutionContext(Session.Id, _extensions.ProjectDirectory), Diagnostics.Report);

    /// <summary>Every problem found loading the plugins, with file and line (reported in the <c>system/init</c> event).</summary>
    public ImmutableArray<Diagnostic> PluginProblems => _extensions.PluginLoadProblems;

    /// <summary>The context budget of the current model and session.</summary>
    public ContextOptions Context { get; private set; }

    /// <summary>Whether this run uses its folder's own commands and approvals, and what the folder would run.</summary>
    public CodeForge.Core.Trust.WorkspaceTrust Trust { get; }

    /// <summary>The <c>.mcp.json</c> servers left out by <c>disabledMcpjsonServers</c>/<c>enabledMcpjsonServers</c>, with why.</summary>
    public ImmutableArray<string> McpSkipped { get; }

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
    /// Builds the runtime through <see cref="RuntimeStages"/>. Every problem found on the way is reported to
    /// <paramref name="log"/> as a <see cref="Diagnostic"/> and the rest still loads; a problem that leaves nothing to run
    /// (no usable model, no session, an unknown <c>--agent</c>) returns null. <paramref name="verboseOutput"/> receives the
    /// todo lists when <c>PrintTodos</c> is set.
    /// </summary>
    public static async Task<ForgeRuntime?> CreateAsync(ForgeOptions o, DiagnosticLog log, TextWriter? verboseOutput, Func<string, string?> environment,
        Func<PermissionChecker, SettingsLocations, IPermissionPrompt?>? prompt, CancellationToken ct)
    {
        if (await RuntimeStages.ComposeAsync(o, log, verboseOutput, environment, prompt, ct).ConfigureAwait(false) is not { } parts)
        {
            return null;
        }
        var self = new ForgeRuntime(parts, log);
        CodeForge.Core.Diagnostics.StartupTrace.Mark("runtime");
        if (o.MainAgent is { } agentName && !self.UseMainAgent(agentName))
        {
            await self.DisposeAsync().ConfigureAwait(false);
            return null;
        }
        return self;
    }

    /// <summary>
    /// Builds the rest of the runtime (<see cref="RuntimeStages.ComposeRestAsync"/>) over stages a front end built first
    /// (<see cref="RuntimeStages.ComposeEarly"/>); null, reported to <paramref name="log"/>, as <see cref="CreateAsync(ForgeOptions, DiagnosticLog, TextWriter?, Func{string, string?}, Func{PermissionChecker, SettingsLocations, IPermissionPrompt?}?, CancellationToken)"/>.
    /// </summary>
    public static async Task<ForgeRuntime?> CreateAsync(EarlyStages early, DiagnosticLog log, TextWriter? verboseOutput, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(early);
        if (await RuntimeStages.ComposeRestAsync(early, log, verboseOutput, ct).ConfigureAwait(false) is not { } parts)
        {
            return null;
        }
        var self = new ForgeRuntime(parts, log);
        CodeForge.Core.Diagnostics.StartupTrace.Mark("runtime");
        if (early.Settings.Options.MainAgent is { } agentName && !self.UseMainAgent(agentName))
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

    /// <summary>
    /// The MCP server set of a settings version (the settings' <c>mcpServers</c>, <c>.mcp.json</c> and <c>~/.forge/mcp.json</c>
    /// — all watched — and the <c>.mcp.json</c> approvals), applied by <see cref="LiveSettings"/>' own serial worker, never
    /// by the settings pump: a new server's start-up (up to <c>MCP_TIMEOUT</c>) delays no permission, hook, env or model
    /// change. The tool list changes in atomic steps under the settings gate (see <see cref="McpStartup.ApplySettingsAsync"/>).
    /// Announced as its own change (<c>mcp</c>, with the MCP files' problems), once per applied set or new problems.
    /// </summary>
    private async Task<SettingsChange?> ApplyMcpAsync(SettingsSnapshot next, CancellationToken cancellationToken)
    {
        var applied = await _mcp.ApplySettingsAsync(next, _live.ChangeUnderGateAsync, tools =>
        {
            foreach (var tool in tools)
            {
                Registry.TryRegister(tool);
            }
        }, names =>
        {
            foreach (var name in names)
            {
                Registry.Deregister(name);
            }
        }, cancellationToken).ConfigureAwait(false);
        if (applied is null || (applied.Change is not { IsEmpty: false } && !applied.ProblemsChanged))
        {
            return null;
        }
        ImmutableArray<SettingsDiagnostic> problems = [.. applied.Problems.Select(p => new SettingsDiagnostic(
            new SettingsSource(p.File.EndsWith(CodeForge.Core.Paths.ForgeFiles.ProjectMcpFile, StringComparison.Ordinal) ? SettingsScope.Project : SettingsScope.User, p.File),
            p.Line, p.IsNote ? "" : p.Server is null ? "mcpServers" : $"mcpServers.{p.Server}", p.Message, IsError: !p.IsNote))];
        return new SettingsChange(next.Version, applied.Change is { IsEmpty: false } ? ["mcp"] : [], problems);
    }

    /// <summary>Switches to a model the settings changed to, between turns.</summary>
    private void SwitchToPendingModel()
    {
        if (Interlocked.Exchange(ref _pendingProvider, null) is { } next && next != _provider)
        {
            SwitchProvider(next);
        }
    }

    /// <summary>The parts that depend on the model and the session: the context budget and the Task tool.</summary>
    [System.Diagnostics.CodeAnalysis.MemberNotNull(nameof(Context), nameof(_taskTool))]
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
            SystemPrompt.Environment(new SystemPromptContext(WorkingDirectory, today, _gitStatus, [], [])), SubagentChatOptions(),
            Context, _live.Applied.Settings, Environment, Diagnostics, _sdkAgents.Concat(Options.Agents).Concat(_extensions.Plugins.Snapshot.Agents.Select(a => a.ToDefinition())));
    }

    /// <summary>The subagents' request options: their own OpenAI <c>prompt_cache_key</c> (their prefix is not the main
    /// conversation's, so they keep a cache of their own instead of crowding the session's).</summary>
    private ChatOptions SubagentChatOptions() =>
        new() { ModelId = Provider.Model, AdditionalProperties = new() { [ChatClientFactory.PromptCacheKeyProperty] = Session.Id + "/subagents" } };

    private ToolContext ToolContext() =>
        _shells.Apply(new ToolContext(WorkingDirectory) { SessionId = Session.Id, AdditionalDirectories = AdditionalDirectories });

    /// <summary>The settings' <c>additionalDirectories</c> (absolute ones): file tools, Bash and the sandbox may use them too.</summary>
    public System.Collections.Immutable.ImmutableArray<string> AdditionalDirectories => [.. RuntimeStages.AbsoluteDirectories(_live.Applied.Settings)];

    /// <summary>The thinking configuration of the current settings (<c>effort</c>, <c>maxThinkingTokens</c>,
    /// <c>alwaysThinkingEnabled</c>) and <c>MAX_THINKING_TOKENS</c>; values that do not parse were reported at start.</summary>
    private ReasoningConfig CurrentReasoning() => Options.ApplyReasoningFlags(ReasoningConfig.From(Options.Effort ?? Settings.Current.Settings.Effort,
        Settings.Current.Settings.MaxThinkingTokens, Settings.Current.Settings.AlwaysThinkingEnabled, Environment, _ => { }));

    /// <summary>The agent loop over the current client (build one per turn: the model may have changed).</summary>
    public AgentLoop CreateLoop() => new(Client, Executor, ToolContext(), Gate);

    private OutputStyleResolver? _outputStyleResolver;

    /// <summary>The <c>outputStyle</c> lookup (made on first use; turns are built one at a time).</summary>
    private OutputStyleResolver OutputStyleResolution => _outputStyleResolver ??= new OutputStyleResolver(problem => Diagnostics.Warning(problem));

    /// <summary>The subagent types of this run (the Task tool's): files, <c>--agents</c>, the SDK's, plugins, built-ins.</summary>
    public AgentCatalog AgentCatalog => _taskTool.Catalog;

    /// <summary><c>--agent</c>: the agent type the main thread runs as (its prompt and tools; its model was switched to), or null.</summary>
    public AgentDefinition? MainAgent { get; private set; }

    /// <summary>
    /// <c>--agent</c>: the main thread runs as <paramref name="name"/> from now on (its prompt and tools; its model unless
    /// <c>--model</c> was given). False, reported to the diagnostics with the known names, when no such type exists.
    /// Between turns only.
    /// </summary>
    public bool UseMainAgent(string name)
    {
        if (RunFlags.FindMainAgent(name, AgentCatalog, Diagnostics) is not { } agent)
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
    public AgentOptions CreateAgentOptions()
    {
        // Options are made when a turn starts: a model the settings changed to is switched to first.
        SwitchToPendingModel();
        return NewAgentOptions();
    }

    private AgentOptions NewAgentOptions() => new()
    {
        MaxTurns = Options.MaxTurns,
        SystemPrompt = MainAgent is { } agent
            ? RunFlags.AgentSystemPrompt(agent, new SystemPromptContext(WorkingDirectory, DateOnly.FromDateTime(TimeProvider.System.GetLocalNow().Date),
                _gitStatus, Registry.ListNames(), [], Options.AppendSystemPrompt, _extensions.Catalogue, Context.ContextWindow) { ModelId = Provider.Model })
            : SystemPrompt.Build(new SystemPromptContext(WorkingDirectory, DateOnly.FromDateTime(TimeProvider.System.GetLocalNow().Date),
                _gitStatus, Registry.ListNames(), LoadMemoryFiles(), Options.AppendSystemPrompt, _extensions.Catalogue, Context.ContextWindow)
            {
                ModelId = Provider.Model,
                OutputStyle = OutputStyleResolution.Resolve(_live.Applied.Settings.OutputStyle, Home, _extensions.ProjectDirectory, _extensions.Plugins.Snapshot.Plugins.Values.SelectMany(p => p.Definition.OutputStylePaths)),
            }),
        AllowedTools = MainAgent?.Tools is { } agentTools ? [.. agentTools] : null,
        ChatOptions = new ChatOptions { ModelId = Provider.Model, AdditionalProperties = new() { [ChatClientFactory.PromptCacheKeyProperty] = Session.Id } },
        Context = Context,
        Hooks = _hooks.Session,
    };

    /// <summary>What this runtime has loaded now, as values for a front end to describe.</summary>
    public RuntimeOverview Overview() => new()
    {
        Model = Provider.Model,
        ProviderName = Provider.DisplayName,
        Mode = Checker.Policy.Mode,
        Settings = Settings.Current,
        SessionId = Session.Id,
        TranscriptPath = Session.TranscriptPath,
        Todos = _shells.Todos.Current,
        Skills = [.. Skills.Select(s => new SkillSummary(s.Name, s.Description))],
        Plugins = [.. Plugins.Select(p => new PluginSummary(p.Name, p.Root, p.SkillNames))],
        Hooks = [.. HookSources],
        McpServers = McpStatuses(),
        MemoryFiles = new(LoadMemoryFiles),
    };

    /// <summary>The instruction files of the next turn: an untrusted folder's files and imports only from inside it.</summary>
    public IReadOnlyList<MemoryFile> LoadMemoryFiles() =>
        MemoryFiles.Load(WorkingDirectory, Home, 40_000, Trust.IsTrusted ? null : Trust.Folder);

    /// <summary>Runs one turn of the current conversation, recorded in the current session.</summary>
    public IAsyncEnumerable<AgentEvent> RunTurnAsync(string prompt, CancellationToken ct)
    {
        SwitchToPendingModel();
        (_client as ModelFallbackChatClient)?.BeginTurn();
        return CreateLoop().RunAsync(Conversation, prompt, CreateAgentOptions(), _sink, ct);
    }

    /// <summary>Runs one turn with <paramref name="options"/> (from <see cref="CreateAgentOptions"/>, adjusted by the caller).</summary>
    public IAsyncEnumerable<AgentEvent> RunTurnAsync(string prompt, AgentOptions options, CancellationToken ct)
    {
        (_client as ModelFallbackChatClient)?.BeginTurn();
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
        _client = RunFlags.WithFallbacks(RuntimeStages.CreateClient(next, Usage, Retries, CurrentReasoning()), next, _fallbacks,
            f => RuntimeStages.CreateClient(f, Usage, Retries, CurrentReasoning()), Retries);
        _provider = next;
        ConfigureModel();
    }

    /// <summary>Closes the current session and continues in <paramref name="next"/> with its conversation.</summary>
    public async Task SwitchSessionAsync(Session next)
    {
        ArgumentNullException.ThrowIfNull(next);
        var old = _session.Switch(next);
        _conversation = new Conversation(next.EffectiveMessages);
        _sink = new SessionConversationSink(next);
        ConfigureModel();
        await old.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _live.DisposeAsync().ConfigureAwait(false);
        await _shells.DisposeAsync().ConfigureAwait(false);
        await Session.DisposeAsync().ConfigureAwait(false);
        _taskTool.Dispose();
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
}
