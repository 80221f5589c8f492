using System.Collections.Immutable;
using CodeForge.Core.Agent;
using CodeForge.Core.Config;
using CodeForge.Core.Permissions;
using CodeForge.Core.Sessions;
using CodeForge.Core.Tools;
using CodeForge.Core.Trust;
using CodeForge.Providers;
using Microsoft.Extensions.AI;
using CodeForge.Core.Paths;

namespace CodeForge.Cli.Composition;

/// <summary>Stage 1: the settings of every layer (the command line's from the flags), the folder's trust, where forge runs.</summary>
internal sealed record SettingsStage(ForgeOptions Options, string Home, string WorkingDirectory, Func<string, string?> Environment,
    WorkspaceTrust Trust, SettingsStore Store)
{
    /// <summary>The version read at start-up (later versions are applied by <see cref="LiveSettings"/>).</summary>
    public SettingsSnapshot Snapshot { get; } = Store.Current;

    public Settings Settings => Snapshot.Settings;
}

/// <summary>Stage 2: the model: its provider, the client with its decorators (retries, usage, fallbacks) and their relays.</summary>
internal sealed record ProviderStage(ProviderConfig Provider, IChatClient Client, UsageTracker Usage, RetryRelay Retries,
    ImmutableArray<ProviderConfig> Fallbacks);

/// <summary>Stage 3: the permission checker with the settings' rules and mode, and the front end's prompt (null: an ask is a denial).</summary>
internal sealed record PermissionStage(PermissionChecker Checker, IPermissionPrompt? Prompt);

/// <summary>Stage 4: skills, commands and plugins; the MCP servers (started, in parallel) and those left out, with why.</summary>
internal sealed record ExtensionStage(ExtensionHost Extensions, McpStartup Mcp, ImmutableArray<string> McpSkipped);

/// <summary>Stage 5: the session manager and the open session (resumed, forked, new or in memory), as a switchable slot.</summary>
internal sealed record SessionStage(SessionManager Sessions, CurrentSession Current);

/// <summary>Stage 6: the tool registry (files, web, MCP, Skill, Bash and friends), the shells and the live environment.</summary>
internal sealed record ToolStage(ToolRegistry Registry, ShellSetup Shells, LiveEnvironmentDictionary Environment, string? GitStatus);

/// <summary>Stage 7: the hooks of every settings layer and every enabled plugin.</summary>
internal sealed record HookStage(HeadlessHooks Hooks);

/// <summary>Stages 1–3: settings, provider and permissions, built before the rest (the interactive welcome is painted from them).</summary>
internal sealed record EarlyStages(SettingsStage Settings, ProviderStage Provider, PermissionStage Permissions);

/// <summary>Everything a <c>ForgeRuntime</c> is made of, each stage complete.</summary>
internal sealed record ComposedRuntime(SettingsStage Settings, ProviderStage Provider, PermissionStage Permissions, ExtensionStage Extensions,
    SessionStage Session, ToolStage Tools, HookStage Hooks);

/// <summary>
/// The composition root of a forge run, in stages: settings → provider → permissions → extensions → session → tools →
/// hooks. Each stage is a builder function that takes the earlier stages and returns an immutable record; a problem is
/// reported to the run's <see cref="DiagnosticLog"/> as a <see cref="Diagnostic"/> and the rest still loads, except one
/// that leaves nothing to run (no usable model, no session), which returns null after closing what was already started.
/// The session opens before the tools because Bash's background output and the hooks' input name it.
/// </summary>
/// <remarks>Stateless; each call builds new parts on the caller's flow (the MCP servers start in the background; in
/// <see cref="ComposeRestAsync"/> git status and the session file run on pool threads while the extensions load, and are
/// awaited before the tools; the sandbox probe is not run here at all but by the first command, see <see cref="ShellSetup"/>).</remarks>
internal static class RuntimeStages
{
    /// <summary>Builds every stage in order; null when a stage leaves nothing to run (reported to <paramref name="log"/>).</summary>
    public static async Task<ComposedRuntime?> ComposeAsync(ForgeOptions o, DiagnosticLog log, TextWriter? verboseOutput, Func<string, string?> environment,
        Func<PermissionChecker, SettingsLocations, IPermissionPrompt?>? prompt, CancellationToken ct)
    {
        if (ComposeEarly(o, log, environment, prompt) is not { } early)
        {
            return null;
        }
        return await ComposeRestAsync(early, log, verboseOutput, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Stages 1–3 (settings, provider, permissions): what a front end needs to show where and with which model forge runs
    /// (the interactive welcome is painted from these while the rest loads). Null, reported, when no model can be used.
    /// </summary>
    public static EarlyStages? ComposeEarly(ForgeOptions o, DiagnosticLog log, Func<string, string?> environment,
        Func<PermissionChecker, SettingsLocations, IPermissionPrompt?>? prompt)
    {
        CodeForge.Core.Diagnostics.StartupTrace.Mark("command line parsed");
        var settings = Settings(o, environment, log);
        CodeForge.Core.Diagnostics.StartupTrace.Mark("settings and trust");
        if (Provider(settings, log) is not { } provider)
        {
            settings.Store.Dispose();
            return null;
        }
        CodeForge.Core.Diagnostics.StartupTrace.Mark("model client");
        var permissions = Permissions(settings, prompt, log);
        CodeForge.Core.Diagnostics.StartupTrace.Mark("permissions");
        return new EarlyStages(settings, provider, permissions);
    }

    /// <summary>
    /// Stages 4–7 (extensions, session, tools, hooks) over <paramref name="early"/>; null, reported, when the session
    /// cannot be opened (what was started is closed, the early stages' client and settings store included). The sandbox
    /// is not probed here: the first command (or its permission check) does it (<see cref="ShellSetup"/>).
    /// </summary>
    public static async Task<ComposedRuntime?> ComposeRestAsync(EarlyStages early, DiagnosticLog log, TextWriter? verboseOutput, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(early);
        var (settings, provider, permissions) = early;
        // git status (its own processes) and the session file run while the extensions load.
        var gitStatus = Task.Run(() => AgentSetup.GitStatusAsync(settings.WorkingDirectory, ct), ct);
        var opening = Task.Run(() => SessionAsync(settings, log, ct), ct);
        ExtensionStage extensions;
        try
        {
            extensions = await ExtensionsAsync(settings, permissions, log, ct).ConfigureAwait(false);
        }
        catch
        {
            if (await opening.ConfigureAwait(false) is { } opened)
            {
                await opened.Current.Session.DisposeAsync().ConfigureAwait(false);
            }
            throw;
        }
        if (await opening.ConfigureAwait(false) is not { } session)
        {
            extensions.Extensions.Dispose();
            provider.Client.Dispose();
            await extensions.Mcp.DisposeAsync().ConfigureAwait(false);
            settings.Store.Dispose();
            return null;
        }
        CodeForge.Core.Diagnostics.StartupTrace.Mark("session");
        var tools = await ToolsAsync(settings, permissions, extensions, session, verboseOutput, log, ct, gitStatus).ConfigureAwait(false);
        var hooks = Hooks(settings, permissions, extensions, session, log);
        CodeForge.Core.Diagnostics.StartupTrace.Mark("hooks and git status");
        return new ComposedRuntime(settings, provider, permissions, extensions, session, tools, hooks);
    }

    /// <summary>Stage 1: every settings layer (problems reported with file and line); an untrusted folder's project and
    /// local settings keep only what cannot run or allow anything (said once).</summary>
    public static SettingsStage Settings(ForgeOptions o, Func<string, string?> environment, DiagnosticLog log)
    {
        ArgumentNullException.ThrowIfNull(o);
        ArgumentNullException.ThrowIfNull(log);
        var home = environment("HOME") ?? System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile);
        var cwd = Path.GetFullPath(o.WorkingDirectory);
        var commandLine = SettingsFragment.Empty with
        {
            Model = o.Model,
            Provider = o.Provider,
            DefaultMode = o.PermissionMode,
            Allow = [.. o.AllowedTools.Select((r, i) => new RuleEntry(r, new SettingsSource(SettingsScope.CommandLine, "--allowedTools"), $"[{i}]"))],
            Deny = [.. o.DisallowedTools.Select((r, i) => new RuleEntry(r, new SettingsSource(SettingsScope.CommandLine, "--disallowedTools"), $"[{i}]"))],
        };
        commandLine = FlagSettings.Merge(commandLine, o, log);
        var trust = o.Trust ?? WorkspaceTrust.Resolve(cwd, home, o.TrustWorkspace, TrustStore.ForUser(home), p => log.Error(p));
        if (trust.SkippedLine() is { } skippedLine)
        {
            log.Warning(skippedLine);
        }
        var mcpFiles = Mcp.Config.McpConfigSources.ForProject(MemoryFiles.FindRepositoryRoot(cwd), home);
        // The MCP server files are watched with the settings: a change to one alone is a new settings version.
        var store = new SettingsStore(new SettingsLocations(home, MemoryFiles.FindRepositoryRoot(cwd)) { AlsoWatched = [mcpFiles.ProjectFile!, mcpFiles.UserFile!] }, commandLine, null,
            trust.IsTrusted ? null : UntrustedProjectSettings.Restrict);
        var stage = new SettingsStage(o, home, cwd, environment, trust, store);
        foreach (var d in stage.Snapshot.Diagnostics.Where(d => d.IsError))
        {
            log.Report(Diagnostic.From(d));
        }
        return stage;
    }

    /// <summary>Stage 2: the provider and its client (reasoning, retries, usage, <c>--fallback-model</c>); null, with one
    /// clear diagnostic, when no model can be used.</summary>
    public static ProviderStage? Provider(SettingsStage s, DiagnosticLog log)
    {
        ArgumentNullException.ThrowIfNull(s);
        var (o, settings) = (s.Options, s.Settings);
        ProviderConfig provider;
        try
        {
            provider = new ProviderResolver(s.Environment).Resolve(new ProviderOptions(o.Provider, o.Model),
                new ProviderSettings(settings.Provider, settings.Model) { OpenAIApi = settings.OpenAIApi });
        }
        catch (ProviderConfigurationException ex)
        {
            log.Error(ex.Message);
            return null;
        }
        var usage = new UsageTracker();
        var retries = new RetryRelay();
        var reasoningProblems = new List<string>();
        var reasoning = ReasoningConfig.From(o.Effort ?? settings.Effort, settings.MaxThinkingTokens, settings.AlwaysThinkingEnabled, s.Environment, reasoningProblems.Add);
        reasoning = o.ApplyReasoningFlags(reasoning); // the flags win over the settings and MAX_THINKING_TOKENS
        foreach (var problem in reasoningProblems)
        {
            log.Warning($"{problem} (ignored)");
        }
        var client = CreateClient(provider, usage, retries, reasoning);
        if (RunFlags.ResolveFallbacks(o, provider, settings, s.Environment, log) is not { } fallbacks)
        {
            client.Dispose();
            return null;
        }
        client = RunFlags.WithFallbacks(client, provider, fallbacks, f => CreateClient(f, usage, retries, reasoning), retries);
        return new ProviderStage(provider, client, usage, retries, fallbacks);
    }

    /// <summary>A model client with forge's decorators (reasoning, usage, retries reported to <paramref name="retries"/>).</summary>
    public static IChatClient CreateClient(ProviderConfig provider, UsageTracker usage, RetryRelay retries, ReasoningConfig reasoning)
    {
        ArgumentNullException.ThrowIfNull(retries);
        return ChatClientFactory.Create(provider, new ChatClientFactoryOptions
        {
            Reasoning = reasoning,
            UsageTracker = usage,
            Retry = new RetryOptions { MaxAttempts = retries.MaxAttempts, OnRetry = retries.OnRetry },
        });
    }

    /// <summary>Stage 3: settings rules by scope and the mode (the same code applies later settings versions), and the prompt.</summary>
    public static PermissionStage Permissions(SettingsStage s, Func<PermissionChecker, SettingsLocations, IPermissionPrompt?>? prompt, DiagnosticLog log)
    {
        ArgumentNullException.ThrowIfNull(s);
        var settings = s.Settings;
        var checker = new PermissionChecker(s.WorkingDirectory, s.Home);
        foreach (var problem in PermissionSettings.Apply(checker, settings, s.WorkingDirectory, applyMode: true))
        {
            log.Error(problem.Message, problem.Source.Path, problem.Line);
        }
        if (PermissionModes.TryParse(settings.DefaultMode, out var mode) && mode == PermissionMode.BypassPermissions && settings.DisableBypassPermissionsMode)
        {
            log.Warning("bypassPermissions mode is disabled by disableBypassPermissionsMode; using default mode");
        }
        return new PermissionStage(checker, prompt?.Invoke(checker, s.Store.Locations));
    }

    /// <summary>Stage 4: skills, commands, plugins; MCP servers (settings, <c>.mcp.json</c>, enabled plugins) start now, in
    /// parallel, each bounded by <c>MCP_TIMEOUT</c>, and are closed (stdio servers killed) with the runtime.</summary>
    public static async Task<ExtensionStage> ExtensionsAsync(SettingsStage s, PermissionStage p, DiagnosticLog log, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(p);
        var (o, cwd) = (s.Options, s.WorkingDirectory);
        var extensions = await ExtensionHost.LoadAsync(cwd, MemoryFiles.FindRepositoryRoot(cwd), s.Home, s.Settings, p.Checker, log, s.Trust.IsTrusted, ct,
            o.Verbose, o.PluginDirectories).ConfigureAwait(false);
        var pluginServers = RunFlags.McpPlugins(o, extensions.Plugins.Snapshot.Plugins.Values)
            .SelectMany(pl => pl.Definition.McpServers.Select(server => new Mcp.Config.McpPluginServer(pl.Name, server.Key, server.Value, pl.Root) { PluginData = pl.Definition.DataDirectory }));
        var skipped = new List<string>();
        CodeForge.Core.Diagnostics.StartupTrace.Mark("skills, commands and plugins");
        McpStartup mcp;
        if (o.StrictMcpConfig)
        {
            mcp = McpStartup.None(cwd, s.Environment, log);
        }
        else
        {
            var lastGood = new Mcp.Config.McpConfigFileMemory();
            var config = McpStartup.LoadConfig(cwd, s.Home, s.Environment, pluginServers, s.Trust.IsTrusted, Mcp.Config.McpJsonApproval.From(s.Snapshot.Files), skipped, lastGood);
            mcp = await McpStartup.BeginAsync(config, cwd, s.Environment, log, ct).ConfigureAwait(false);
            var plugins = pluginServers.ToList();
            mcp.ReloadWith(next => McpStartup.LoadConfig(cwd, s.Home, s.Environment, plugins, s.Trust.IsTrusted, Mcp.Config.McpJsonApproval.From(next.Files), new List<string>(), lastGood));
        }
        mcp.FailureReport = o.Verbose ? McpFailureReport.Each : o.StructuredOutput ? McpFailureReport.RecordOnly : McpFailureReport.Summary;
        CodeForge.Core.Diagnostics.StartupTrace.Mark("mcp started");
        return new ExtensionStage(extensions, mcp, [.. skipped]);
    }

    /// <summary>Stage 5: the session (resumed, forked, new, or in memory only); null, reported, when it cannot be opened.</summary>
    public static async Task<SessionStage?> SessionAsync(SettingsStage s, DiagnosticLog log, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(s);
        var sessions = new SessionManager(s.WorkingDirectory, new SessionManagerOptions
        {
            RootDirectory = Path.Combine(s.Home, ForgeFiles.ForgeDirectory),
            PersistSessions = !s.Options.NoSessionPersistence,
        });
        try
        {
            return new SessionStage(sessions, new CurrentSession(await OpenSessionAsync(sessions, s.Options, ct).ConfigureAwait(false)));
        }
        catch (SessionException ex)
        {
            log.Error(ex.Message);
            return null;
        }
    }

    /// <summary>Stage 6: files, web, MCP (now, or as each server connects), Skill, Bash and friends with the sandbox and
    /// the todo list, and the git block of the system prompt. The Skill tool asks for the session current when it runs.</summary>
    public static async Task<ToolStage> ToolsAsync(SettingsStage s, PermissionStage p, ExtensionStage e, SessionStage session, TextWriter? verboseOutput,
        DiagnosticLog log, CancellationToken ct, Task<string?>? startedGitStatus = null)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(session);
        var (o, settings, cwd) = (s.Options, s.Settings, s.WorkingDirectory);
        // git status runs in its own processes: it starts now (unless the caller started it earlier) and runs while the
        // tools, shells and sandbox are set up.
        var gitStatusTask = startedGitStatus ?? AgentSetup.GitStatusAsync(cwd, ct);
        var registry = new ToolRegistry();
        registry.RegisterMany(Core.Tools.BuiltIn.BuiltInTools.CreateFileTools(new Core.Tools.BuiltIn.FileReadTracker()));
        registry.RegisterMany(HeadlessWebTools.Create(settings, s.Home, s.Environment, log));
        if (o.McpInBackground)
        {
            e.Mcp.RegisterAsTheyConnect(tools =>
            {
                foreach (var tool in tools)
                {
                    registry.TryRegister(tool);
                }
            });
        }
        else
        {
            registry.RegisterMany(await e.Mcp.GetToolsAsync().ConfigureAwait(false));
        }
        var extensions = e.Extensions;
        var current = session.Current;
        registry.Register(extensions.CreateSkillTool(() => new Core.Skills.SubstitutionContext(current.Session.Id, extensions.ProjectDirectory)));
        registry.Register(extensions.CreateWorkflowTool(() => registry.Get(Core.Agent.TaskTool.ToolName)));
        CodeForge.Core.Diagnostics.StartupTrace.Mark("tools");
        // Bash, BashOutput, KillShell, TodoWrite; the sandbox; background shells are killed when the runtime is disposed.
        var env = new LiveEnvironmentDictionary(settings.Env);
        var shells = await ShellSetup.CreateAsync(settings, cwd, AbsoluteDirectories(settings), current.Session.Id, o.Verbose, o.PrintTodos ? verboseOutput : null,
            log, env, p.Checker).ConfigureAwait(false);
        registry.RegisterMany(shells.Tools);
        CodeForge.Core.Diagnostics.StartupTrace.Mark("shells and sandbox");
        var gitStatus = await gitStatusTask.ConfigureAwait(false);
        return new ToolStage(registry, shells, env, gitStatus);
    }

    /// <summary>Stage 7: the hooks of every settings layer, then each enabled plugin's as the source <c>plugin:&lt;name&gt;</c>;
    /// the hooks' input names the session current when they run.</summary>
    public static HookStage Hooks(SettingsStage s, PermissionStage p, ExtensionStage e, SessionStage session, DiagnosticLog log)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(session);
        var (cwd, checker, current) = (s.WorkingDirectory, p.Checker, session.Current);
        var hooks = HeadlessHooks.Create(s.Snapshot, cwd, s.Home,
            () => new(current.Session.Id, current.Session.TranscriptPath, cwd, PermissionModes.ToSettingsName(checker.Policy.Mode)), log, s.Options.HookProcesses);
        PluginHooks.Add(hooks, e.Extensions, log);
        return new HookStage(hooks);
    }

    /// <summary>The settings' <c>additionalDirectories</c> that are absolute (file tools, Bash and the sandbox may use them).</summary>
    public static IEnumerable<string> AbsoluteDirectories(Settings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.AdditionalDirectories.Where(Path.IsPathFullyQualified).Select(Path.GetFullPath);
    }

    /// <summary>Opens the session the flags ask for: <c>--resume</c> (or its fork), <c>--continue</c>, or a new one.</summary>
    public static async Task<Session> OpenSessionAsync(SessionManager sessions, ForgeOptions a, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(sessions);
        ArgumentNullException.ThrowIfNull(a);
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
