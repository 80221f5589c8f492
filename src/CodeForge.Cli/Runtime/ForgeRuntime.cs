using CodeForge.Cli.Extensions;
using CodeForge.Cli.Headless;
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

    /// <summary>Say which sandbox is active even when it is the expected one (<c>--verbose</c>).</summary>
    public bool Verbose { get; init; }

    /// <summary>Print each TodoWrite change to stderr (headless text with <c>--verbose</c>).</summary>
    public bool PrintTodos { get; init; }
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
    private volatile Session _session;
    private volatile IChatClient _client;
    private volatile ProviderConfig _provider;
    private volatile Conversation _conversation;
    private volatile SessionConversationSink _sink;
    private readonly List<IChatClient> _retiredClients = [];
    private TaskTool? _taskTool;
    private string? _gitStatus;
    private McpStartup _mcp = null!;
    private ExtensionHost _extensions = null!;
    private ShellSetup _shells = null!;
    private HeadlessHooks _hooks = null!;

    private ForgeRuntime(ForgeOptions options, string home, string cwd, SettingsStore settings, ProviderConfig provider, IChatClient client,
        UsageTracker usage, PermissionChecker checker, PermissionAuthorizer authorizer, SessionManager sessions, Session session,
        ToolRegistry registry, TextWriter diagnostics, Func<string, string?> environment)
    {
        Options = options;
        Home = home;
        WorkingDirectory = cwd;
        Settings = settings;
        _provider = provider;
        _client = client;
        Usage = usage;
        Checker = checker;
        Authorizer = authorizer;
        Sessions = sessions;
        _session = session;
        Registry = registry;
        Executor = new ToolExecutor(registry);
        Diagnostics = diagnostics;
        Environment = environment;
        _conversation = new Conversation(session.EffectiveMessages);
        _sink = new SessionConversationSink(session);
    }

    public ForgeOptions Options { get; }

    public string Home { get; }

    public string WorkingDirectory { get; }

    public SettingsStore Settings { get; }

    public ProviderConfig Provider => _provider;

    public IChatClient Client => _client;

    public UsageTracker Usage { get; }

    public PermissionChecker Checker { get; }

    public PermissionAuthorizer Authorizer { get; }

    public SessionManager Sessions { get; }

    public Session Session => _session;

    public ToolRegistry Registry { get; }

    public ToolExecutor Executor { get; }

    public Conversation Conversation => _conversation;

    /// <summary>Where problems found while loading or running go, one line each (stderr headless; collected for the UI).</summary>
    public TextWriter Diagnostics { get; }

    public Func<string, string?> Environment { get; }

    /// <summary>The authorizer of the loop: permissions, then PreToolUse hooks; Task calls let through to their subagents' own checks.</summary>
    public IToolCallAuthorizer LoopAuthorizer => new TaskPermissionAuthorizer(Checker, _hooks.Authorize(Authorizer, Checker));

    /// <summary>Retry notices of the model client (the headless printer shows them).</summary>
    public RetryRelay Retries { get; private init; } = null!;

    /// <summary>Skills, custom commands and plugins of this run.</summary>
    public ExtensionHost Extensions => _extensions;

    /// <summary>The background shells, the sandbox and the task list.</summary>
    public ShellSetup Shells => _shells;

    /// <summary>The hook session (SessionStart … SessionEnd).</summary>
    public HookSession Hooks => _hooks.Session;

    /// <summary>MCP servers of this run.</summary>
    public McpStartup Mcp => _mcp;

    /// <summary>The context budget of the current model and session.</summary>
    public ContextOptions Context { get; private set; } = null!;

    /// <summary>The git block of the system prompt (null outside a repository).</summary>
    public string? GitStatus => _gitStatus;

    /// <summary>
    /// Builds the runtime. Every problem found on the way is written to <paramref name="stderr"/> as one
    /// <c>forge: …</c> line and the rest still loads; a problem that leaves nothing to run (no usable model, no session)
    /// returns null.
    /// </summary>
    public static async Task<ForgeRuntime?> CreateAsync(ForgeOptions o, TextWriter stderr, Func<string, string?> environment,
        Func<PermissionChecker, SettingsLocations, IPermissionPrompt?>? prompt, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(o);
        ArgumentNullException.ThrowIfNull(stderr);
        var home = environment("HOME") ?? System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile);
        var cwd = Path.GetFullPath(o.WorkingDirectory);

        // 1. Settings: every layer; problems are reported with file and line, and the rest still loads.
        var commandLine = SettingsFragment.Empty with
        {
            Model = o.Model,
            Provider = o.Provider,
            DefaultMode = o.PermissionMode,
            Allow = [.. o.AllowedTools.Select((r, i) => new RuleEntry(r, new SettingsSource(SettingsScope.CommandLine, "--allowedTools"), $"[{i}]"))],
            Deny = [.. o.DisallowedTools.Select((r, i) => new RuleEntry(r, new SettingsSource(SettingsScope.CommandLine, "--disallowedTools"), $"[{i}]"))],
        };
        var settingsStore = new SettingsStore(new SettingsLocations(home, MemoryFiles.FindRepositoryRoot(cwd)), commandLine);
        var settings = settingsStore.Current.Settings;
        foreach (var d in settingsStore.Current.Diagnostics.Where(d => d.IsError))
        {
            await stderr.WriteLineAsync($"forge: {d}").ConfigureAwait(false);
        }

        // 2. The model: one clear line if something is missing.
        ProviderConfig provider;
        try
        {
            provider = new ProviderResolver(environment).Resolve(new ProviderOptions(o.Provider, o.Model), new ProviderSettings(settings.Provider, settings.Model));
        }
        catch (ProviderConfigurationException ex)
        {
            await stderr.WriteLineAsync($"forge: {ex.Message}").ConfigureAwait(false);
            settingsStore.Dispose();
            return null;
        }
        var usage = new UsageTracker();
        var retries = new RetryRelay();
        var client = CreateClient(provider, usage, retries);

        // 3. Permissions: settings rules by scope, the mode.
        var checker = new PermissionChecker(cwd, home);
        foreach (var (scope, layer) in new[]
        {
            (SettingsScope.User, PermissionLayer.User), (SettingsScope.Project, PermissionLayer.Project),
            (SettingsScope.Local, PermissionLayer.ProjectLocal), (SettingsScope.CommandLine, PermissionLayer.CommandLine),
            (SettingsScope.Managed, PermissionLayer.Managed),
        })
        {
            var loaded = PermissionRuleSet.Load(layer,
                settings.Allow.Where(r => r.Source.Scope == scope).Select(r => r.Text),
                settings.Ask.Where(r => r.Source.Scope == scope).Select(r => r.Text),
                settings.Deny.Where(r => r.Source.Scope == scope).Select(r => r.Text));
            foreach (var error in loaded.Errors)
            {
                await stderr.WriteLineAsync($"forge: {error.Message}").ConfigureAwait(false);
            }
            checker.ReplaceLayer(layer, loaded.Rules);
        }
        if (PermissionModes.TryParse(settings.DefaultMode, out var mode))
        {
            checker.SetMode(mode);
        }
        checker.Update(p => p.WithDirectories(cwd, additionalDirectories: settings.AdditionalDirectories.Where(Path.IsPathFullyQualified))
            .WithBypassPermissionsDisabled(settings.DisableBypassPermissionsMode));
        if (mode == PermissionMode.BypassPermissions && settings.DisableBypassPermissionsMode)
        {
            await stderr.WriteLineAsync("forge: bypassPermissions mode is disabled by disableBypassPermissionsMode; using default mode").ConfigureAwait(false);
        }
        var authorizer = new PermissionAuthorizer(checker, prompt?.Invoke(checker, settingsStore.Locations));
        var extensions = await ExtensionHost.LoadAsync(cwd, MemoryFiles.FindRepositoryRoot(cwd), home, settings, checker, stderr, ct, o.Verbose).ConfigureAwait(false);
        // MCP servers (settings, .mcp.json, enabled plugins) start now, in parallel, each bounded by MCP_TIMEOUT; they are
        // closed (stdio servers killed) with the runtime.
        var pluginServers = extensions.Plugins.Snapshot.Plugins.Values
            .SelectMany(p => p.Definition.McpServers.Select(server => new McpPluginServer(p.Name, server.Key, server.Value, p.Root)));
        var mcp = await McpStartup.BeginAsync(cwd, home, environment, stderr, ct, pluginServers).ConfigureAwait(false);

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
            await stderr.WriteLineAsync($"forge: {ex.Message}").ConfigureAwait(false);
            extensions.Dispose();
            authorizer.Dispose();
            client.Dispose();
            await mcp.DisposeAsync().ConfigureAwait(false);
            settingsStore.Dispose();
            return null;
        }

        // 5. Tools (files, web, MCP, skills, shells and todos), hooks, the context budget, git, subagents.
        var registry = new ToolRegistry();
        registry.RegisterMany(BuiltInTools.CreateFileTools(new FileReadTracker()));
        registry.RegisterMany(HeadlessWebTools.Create(settings, home, environment, stderr));
        registry.RegisterMany(await mcp.GetToolsAsync().ConfigureAwait(false));
        var runtime = new ForgeRuntime(o, home, cwd, settingsStore, provider, client, usage, checker, authorizer, sessions, session, registry, stderr, environment)
        {
            _mcp = mcp,
            _extensions = extensions,
            Retries = retries,
        };
        registry.Register(extensions.CreateSkillTool(() => new SubstitutionContext(runtime.Session.Id, extensions.ProjectDirectory)));
        // Bash, BashOutput, KillShell, TodoWrite; the sandbox; background shells are killed when the runtime is disposed.
        runtime._shells = await ShellSetup.CreateAsync(settings, cwd, runtime.AdditionalDirectories, session.Id, o.Verbose, o.PrintTodos, stderr).ConfigureAwait(false);
        registry.RegisterMany(runtime._shells.Tools);
        runtime._hooks = HeadlessHooks.Create(settingsStore.Locations, cwd, home,
            () => new(runtime.Session.Id, runtime.Session.TranscriptPath, cwd, PermissionModes.ToSettingsName(checker.Policy.Mode)), stderr);
        await runtime.AddPluginHooksAsync(stderr).ConfigureAwait(false);
        runtime._gitStatus = await AgentSetup.GitStatusAsync(cwd, ct).ConfigureAwait(false);
        runtime.ConfigureModel();
        return runtime;
    }

    /// <summary>Each enabled plugin's hooks become the hook source <c>plugin:&lt;name&gt;</c> (problems reported, the rest kept).</summary>
    private async Task AddPluginHooksAsync(TextWriter stderr)
    {
        foreach (var set in _extensions.Plugins.Snapshot.Hooks)
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
                await stderr.WriteLineAsync($"forge: hook problem: {d}").ConfigureAwait(false);
            }
            _hooks.Registry.SetSource("plugin:" + set.PluginName, parsed.Definitions);
        }
    }

    /// <summary>The parts that depend on the model and the session: the context budget and the Task tool.</summary>
    private void ConfigureModel()
    {
        Context = AgentSetup.Context(Provider, Settings.Current.Settings, Environment, AgentSetup.ToolOutputDirectory(Session.TranscriptPath, Session.Id), Diagnostics);
        if (_taskTool is not null)
        {
            Registry.Deregister(_taskTool.Name);
            _taskTool.Dispose();
        }
        var today = DateOnly.FromDateTime(TimeProvider.System.GetLocalNow().Date);
        _taskTool = AgentSetup.RegisterTaskTool(Registry, Client, Executor, ToolContext(), Authorizer, MemoryFiles.FindRepositoryRoot(WorkingDirectory), Home,
            SystemPrompt.Environment(new SystemPromptContext(WorkingDirectory, today, _gitStatus, [], [])), new ChatOptions { ModelId = Provider.Model },
            Context, Settings.Current.Settings, Environment, Diagnostics, _extensions.Plugins.Snapshot.Agents.Select(a => a.ToDefinition()));
    }

    private ToolContext ToolContext() =>
        _shells.Apply(new ToolContext(WorkingDirectory) { SessionId = Session.Id, AdditionalDirectories = AdditionalDirectories });

    /// <summary>The settings' <c>additionalDirectories</c> (absolute ones): file tools, Bash and the sandbox may use them too.</summary>
    public System.Collections.Immutable.ImmutableArray<string> AdditionalDirectories =>
        [.. Settings.Current.Settings.AdditionalDirectories.Where(Path.IsPathFullyQualified).Select(Path.GetFullPath)];

    private static IChatClient CreateClient(ProviderConfig provider, UsageTracker usage, RetryRelay retries) =>
        ChatClientFactory.Create(provider, new ChatClientFactoryOptions
        {
            UsageTracker = usage,
            Retry = new RetryOptions { MaxAttempts = retries.MaxAttempts, OnRetry = retries.OnRetry },
        });

    /// <summary>The agent loop over the current client (build one per turn: the model may have changed).</summary>
    public AgentLoop CreateLoop() => new(Client, Executor, ToolContext(), LoopAuthorizer);

    /// <summary>The options of the next turn: system prompt (memory files re-read), model, turn limit.</summary>
    public AgentOptions CreateAgentOptions() => new()
    {
        MaxTurns = Options.MaxTurns,
        SystemPrompt = SystemPrompt.Build(new SystemPromptContext(WorkingDirectory, DateOnly.FromDateTime(TimeProvider.System.GetLocalNow().Date),
            _gitStatus, Registry.ListNames(), MemoryFiles.Load(WorkingDirectory, Home), Options.AppendSystemPrompt, _extensions.Catalogue)),
        ChatOptions = new ChatOptions { ModelId = Provider.Model },
        Context = Context,
        Hooks = _hooks.Session,
    };

    /// <summary>Runs one turn of the current conversation, recorded in the current session.</summary>
    public IAsyncEnumerable<AgentEvent> RunTurnAsync(string prompt, CancellationToken ct) =>
        CreateLoop().RunAsync(Conversation, prompt, CreateAgentOptions(), _sink, ct);

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
                new ProviderSettings(sameProvider ? Settings.Current.Settings.Provider : null, null));
        }
        catch (ProviderConfigurationException ex)
        {
            throw new ArgumentException(ex.Message, nameof(model), ex);
        }
        // The old client may still be referenced by a finishing subagent: retire it, dispose it with the runtime.
        lock (_retiredClients)
        {
            _retiredClients.Add(_client);
        }
        _client = CreateClient(next, Usage, Retries);
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
        await _shells.DisposeAsync().ConfigureAwait(false);
        await _session.DisposeAsync().ConfigureAwait(false);
        _taskTool?.Dispose();
        _extensions.Dispose();
        await _mcp.DisposeAsync().ConfigureAwait(false);
        Authorizer.Dispose();
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
