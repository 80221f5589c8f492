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

    private ForgeRuntime(ForgeOptions options, string home, string cwd, SettingsStore settings, ProviderConfig provider, IChatClient client,
        UsageTracker usage, PermissionChecker checker, PermissionAuthorizer authorizer, SessionManager sessions, Session session,
        ToolRegistry registry, IReadOnlyList<string> messages)
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
        StartupMessages = messages;
        _conversation = new Conversation(session.EffectiveMessages);
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

    /// <summary>Problems found while loading (settings, rules): already printed by headless runs, shown by the UI.</summary>
    public IReadOnlyList<string> StartupMessages { get; }

    /// <summary>Builds the runtime; on a configuration problem writes one line per problem to <paramref name="stderr"/> and returns null.</summary>
    public static async Task<ForgeRuntime?> CreateAsync(ForgeOptions o, TextWriter stderr, Func<string, string?> environment,
        Func<PermissionChecker, IPermissionPrompt?>? prompt, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(o);
        ArgumentNullException.ThrowIfNull(stderr);
        var messages = new List<string>();
        var home = environment("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
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
            messages.Add(d.ToString());
        }

        // 2. The model: one clear line if something is missing.
        ProviderConfig provider;
        try
        {
            provider = new ProviderResolver(environment).Resolve(new ProviderOptions(o.Provider, o.Model), new ProviderSettings(settings.Provider, settings.Model));
        }
        catch (ProviderConfigurationException ex)
        {
            await Report(stderr, messages).ConfigureAwait(false);
            await stderr.WriteLineAsync($"forge: {ex.Message}").ConfigureAwait(false);
            settingsStore.Dispose();
            return null;
        }
        var usage = new UsageTracker();
        var client = ChatClientFactory.Create(provider, new ChatClientFactoryOptions { UsageTracker = usage });

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
            messages.AddRange(loaded.Errors.Select(e => e.Message));
            checker.ReplaceLayer(layer, loaded.Rules);
        }
        if (PermissionModes.TryParse(settings.DefaultMode, out var mode))
        {
            checker.SetMode(mode);
        }
        var authorizer = new PermissionAuthorizer(checker, prompt?.Invoke(checker));

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
            await Report(stderr, messages).ConfigureAwait(false);
            await stderr.WriteLineAsync($"forge: {ex.Message}").ConfigureAwait(false);
            authorizer.Dispose();
            client.Dispose();
            settingsStore.Dispose();
            return null;
        }

        // 5. Tools.
        var registry = new ToolRegistry();
        registry.RegisterMany(BuiltInTools.CreateFileTools(new FileReadTracker()));
        return new ForgeRuntime(o, home, cwd, settingsStore, provider, client, usage, checker, authorizer, sessions, session, registry, messages);
    }

    private static async Task Report(TextWriter stderr, List<string> messages)
    {
        foreach (var m in messages)
        {
            await stderr.WriteLineAsync($"forge: {m}").ConfigureAwait(false);
        }
    }

    /// <summary>The agent loop over the current client (build one per turn: the model may have changed).</summary>
    public AgentLoop CreateLoop() => new(Client, Executor, new ToolContext(WorkingDirectory) { SessionId = Session.Id }, Authorizer);

    /// <summary>The options of the next turn: system prompt (memory files re-read), model, turn limit.</summary>
    public AgentOptions CreateAgentOptions() => new()
    {
        MaxTurns = Options.MaxTurns,
        SystemPrompt = SystemPrompt.Build(new SystemPromptContext(WorkingDirectory, DateOnly.FromDateTime(TimeProvider.System.GetLocalNow().Date),
            GitStatus: null, Registry.ListNames(), MemoryFiles.Load(WorkingDirectory, Home), Options.AppendSystemPrompt)),
        ChatOptions = new ChatOptions { ModelId = Provider.Model },
    };

    /// <summary>Runs one turn of the current conversation, recorded in the current session.</summary>
    public IAsyncEnumerable<AgentEvent> RunTurnAsync(string prompt, CancellationToken ct) =>
        CreateLoop().RunAsync(Conversation, prompt, CreateAgentOptions(), new SessionSink(Session), ct);

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
        var old = _client;
        _client = ChatClientFactory.Create(next, new ChatClientFactoryOptions { UsageTracker = Usage });
        _provider = next;
        old.Dispose();
    }

    /// <summary>Closes the current session and continues in <paramref name="next"/> with its conversation.</summary>
    public async Task SwitchSessionAsync(Session next)
    {
        ArgumentNullException.ThrowIfNull(next);
        var old = _session;
        _session = next;
        _conversation = new Conversation(next.EffectiveMessages);
        await old.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _session.DisposeAsync().ConfigureAwait(false);
        Authorizer.Dispose();
        _client.Dispose();
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

    /// <summary>Records the conversation in the session transcript as it happens.</summary>
    private sealed class SessionSink(Session session) : IConversationSink
    {
        public async ValueTask AppendAsync(ChatMessage message, CancellationToken cancellationToken) =>
            await session.AppendMessageAsync(message, cancellationToken: cancellationToken).ConfigureAwait(false);

        public async ValueTask CommitTurnAsync(CancellationToken cancellationToken) =>
            await session.CommitTurnAsync(cancellationToken).ConfigureAwait(false);
    }
}
