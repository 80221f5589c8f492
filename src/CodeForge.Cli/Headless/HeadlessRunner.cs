using System.Collections.Immutable;
using CodeForge.Core.Agent;
using CodeForge.Core.Config;
using CodeForge.Core.Permissions;
using CodeForge.Core.Sessions;
using CodeForge.Core.Tools;
using CodeForge.Core.Tools.BuiltIn;
using CodeForge.Providers;
using Microsoft.Extensions.AI;

namespace CodeForge.Cli.Headless;

/// <summary>What <c>forge -p</c> was asked to do.</summary>
internal sealed record HeadlessArgs
{
    public required string Prompt { get; init; }
    public required string WorkingDirectory { get; init; }
    public OutputFormat Format { get; init; } = OutputFormat.Text;
    public bool Verbose { get; init; }
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
/// Runs one headless prompt end to end: settings, provider, permissions, session, the agent loop, the printer.
/// Exit codes: 0 success, 1 failure (configuration, model, max turns), 130 interrupted.
/// </summary>
internal static class HeadlessRunner
{
    public static async Task<int> RunAsync(HeadlessArgs a, TextWriter stdout, TextWriter stderr, Func<string, string?> environment, CancellationToken ct)
    {
        var home = environment("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var cwd = Path.GetFullPath(a.WorkingDirectory);

        // 1. Settings: every layer; problems are reported with file and line, and the rest still loads.
        var commandLine = SettingsFragment.Empty with
        {
            Model = a.Model,
            Provider = a.Provider,
            DefaultMode = a.PermissionMode,
            Allow = [.. a.AllowedTools.Select((r, i) => new RuleEntry(r, new SettingsSource(SettingsScope.CommandLine, "--allowedTools"), $"[{i}]"))],
            Deny = [.. a.DisallowedTools.Select((r, i) => new RuleEntry(r, new SettingsSource(SettingsScope.CommandLine, "--disallowedTools"), $"[{i}]"))],
        };
        using var settingsStore = new SettingsStore(new SettingsLocations(home, MemoryFiles.FindRepositoryRoot(cwd)), commandLine);
        var settings = settingsStore.Current.Settings;
        foreach (var d in settingsStore.Current.Diagnostics.Where(d => d.IsError))
        {
            await stderr.WriteLineAsync($"forge: {d}").ConfigureAwait(false);
        }

        // 2. The model: one clear line if something is missing.
        ProviderConfig provider;
        try
        {
            provider = new ProviderResolver(environment).Resolve(new ProviderOptions(a.Provider, a.Model), new ProviderSettings(settings.Provider, settings.Model));
        }
        catch (ProviderConfigurationException ex)
        {
            await stderr.WriteLineAsync($"forge: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
        var usage = new UsageTracker();
        using var client = ChatClientFactory.Create(provider, new ChatClientFactoryOptions { UsageTracker = usage });

        // 3. Permissions: settings rules by scope, the mode; "ask" becomes a denial here (no one to ask).
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
        using var authorizer = new PermissionAuthorizer(checker);

        // 4. The session (resumed, forked, new, or in memory only).
        var sessions = new SessionManager(cwd, new SessionManagerOptions
        {
            RootDirectory = Path.Combine(home, ".forge"),
            PersistSessions = !a.NoSessionPersistence,
        });
        Session session;
        try
        {
            session = await OpenSessionAsync(sessions, a, ct).ConfigureAwait(false);
        }
        catch (SessionException ex)
        {
            await stderr.WriteLineAsync($"forge: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
        await using (session.ConfigureAwait(false))
        {
            // 5. Tools and the loop.
            var registry = new ToolRegistry();
            registry.RegisterMany(BuiltInTools.CreateFileTools(new FileReadTracker()));
            var executor = new ToolExecutor(registry);
            var toolContext = new ToolContext(cwd) { SessionId = session.Id };
            var loop = new AgentLoop(client, executor, toolContext, new TaskPermissionAuthorizer(checker, authorizer));
            var today = DateOnly.FromDateTime(TimeProvider.System.GetLocalNow().Date);
            var gitStatus = await AgentSetup.GitStatusAsync(cwd, ct).ConfigureAwait(false);
            var contextBudget = AgentSetup.Context(provider, settings, environment, AgentSetup.ToolOutputDirectory(session.TranscriptPath, session.Id), stderr);
            var chatOptions = new ChatOptions { ModelId = provider.Model };
            using var taskTool = AgentSetup.RegisterTaskTool(registry, client, executor, toolContext, authorizer, MemoryFiles.FindRepositoryRoot(cwd), home,
                SystemPrompt.Environment(new SystemPromptContext(cwd, today, gitStatus, [], [])), chatOptions, contextBudget, settings, environment, stderr);
            var systemPrompt = SystemPrompt.Build(new SystemPromptContext(cwd, today,
                gitStatus, registry.ListNames(), MemoryFiles.Load(cwd, home), a.AppendSystemPrompt));
            var options = new AgentOptions
            {
                MaxTurns = a.MaxTurns,
                SystemPrompt = systemPrompt,
                ChatOptions = chatOptions,
                Context = contextBudget,
            };
            var conversation = new Conversation(session.EffectiveMessages);
            var printer = new HeadlessPrinter(a.Format, a.Verbose, stdout, stderr, session.Id, provider.Model);
            printer.Start(cwd, registry.ListNames(), PermissionModes.ToSettingsName(checker.Policy.Mode), Program.InformationalVersion);
            var summary = await printer.PrintAsync(loop.RunAsync(conversation, a.Prompt, options, new SessionConversationSink(session), ct), () =>
            {
                var u = usage.Snapshot;
                return (u.InputTokens, u.OutputTokens, u.CachedInputTokens, u.Cost, 0L);
            }).ConfigureAwait(false);
            return summary.Reason switch
            {
                AgentStopReason.Completed => 0,
                AgentStopReason.Cancelled => 130,
                _ => 1,
            };
        }
    }

    private static async Task<Session> OpenSessionAsync(SessionManager sessions, HeadlessArgs a, CancellationToken ct)
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
