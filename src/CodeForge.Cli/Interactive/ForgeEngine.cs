using System.Globalization;
using CodeForge.Cli.Runtime;
using CodeForge.Core.Agent;
using CodeForge.Core.Permissions;
using CodeForge.Core.Sessions;
using CodeForge.Core.Skills;
using CodeForge.Core.Tokens;
using CodeForge.Providers;
using Microsoft.Extensions.AI;

namespace CodeForge.Cli.Interactive;

/// <summary>The interactive session's engine over a <see cref="ForgeRuntime"/>.</summary>
/// <remarks>
/// Concurrency: turn-changing members (<see cref="RunTurnAsync"/>, <see cref="SetModel"/>, session switches) are called
/// by the input loop one at a time; the status-line reads (usage, mode, model) read immutable snapshots.
/// </remarks>
internal sealed class ForgeEngine(ForgeRuntime runtime, Func<string, string?> environment, IReadOnlyList<string> startupMessages, TimeProvider? timeProvider = null,
    UserWaitClock? userWait = null) : IInteractiveEngine
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private readonly long _started = (timeProvider ?? TimeProvider.System).GetTimestamp();
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _notices = new();
    private CachingCounter? _counter;
    private string _counterModel = "";

    public ForgeRuntime Runtime => runtime;

    public string WorkingDirectory => runtime.WorkingDirectory;

    public string Model => runtime.Provider.Model;

    public string ProviderName => runtime.Provider.DisplayName;

    public string SessionId => runtime.Session.Id;

    public string? TranscriptPath => runtime.Session.TranscriptPath;

    public PermissionMode Mode => runtime.Checker.Policy.Mode;

    public PermissionRulesView PermissionRules => PermissionRulesView.From(runtime.Checker.Policy, Protection);

    public void AddSessionRule(PermissionBehavior behavior, string rule)
    {
        try
        {
            runtime.Checker.AddSessionRule(behavior, rule);
        }
        catch (PermissionRuleException ex)
        {
            throw new ArgumentException(ex.Message, ex);
        }
    }

    public bool RemoveSessionRule(string rule) => runtime.Checker.RemoveSessionRule(rule);

    public UsageReport Usage
    {
        get
        {
            var u = runtime.Usage.Snapshot;
            // API time is the model calls' own (the usage tracker times each call); the time a permission question
            // waited on the user is counted apart.
            return new UsageReport(u.InputTokens, u.OutputTokens, u.CachedInputTokens, u.Cost, u.ApiDuration, _time.GetElapsedTime(_started))
            {
                ReasoningTokens = u.ReasoningTokens,
                CacheWriteTokens = u.CacheWriteTokens,
                UserWaitDuration = userWait?.Total ?? TimeSpan.Zero,
            };
        }
    }

    public int BackgroundShells => runtime.Shells.Shells.List().Count(p => p.Status == CodeForge.Core.Shells.ShellStatus.Running);

    public IReadOnlyList<ToolView> Tools => [.. runtime.Registry.ListAll().Select(t => new ToolView(t.Name, t.Description))];

    public IReadOnlyList<string> StartupMessages => startupMessages;

    public IReadOnlyList<string> TakeNotices()
    {
        var taken = new List<string>();
        while (_notices.TryDequeue(out var n))
        {
            taken.Add(n);
        }
        return taken;
    }

    /// <summary>Queues a notice to show at the next chance (from any flow).</summary>
    public void AddNotice(string text)
    {
        _notices.Enqueue(text);
        NoticesArrived?.Invoke();
    }

    public event Action? NoticesArrived;

    /// <summary>Queues the notice of an applied settings change (called from the settings pump's flow).</summary>
    public void OnSettingsChanged(Core.Config.SettingsChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Changed.Length > 0)
        {
            _notices.Enqueue(string.Create(CultureInfo.InvariantCulture, $"Settings changed: {string.Join(", ", change.Changed)} (version {change.Version}); they apply from the next tool call."));
        }
        foreach (var p in change.Problems)
        {
            _notices.Enqueue(p.ToString());
        }
        NoticesArrived?.Invoke();
    }

    public string? StatusLineCommand =>
        runtime.CurrentSettings.StatusLine is { } s && s.TryGetProperty("command", out var c) && c.ValueKind == System.Text.Json.JsonValueKind.String ? c.GetString() : null;

    public IReadOnlyList<string> AdditionalDirectories => runtime.AdditionalDirectories;

    public string LocalSettingsPath => runtime.LocalSettingsPath;

    public string? Protection => runtime.Shells.Protection;

    public Task<CodeForge.Core.Shells.CommandRunResult> RunUserCommandAsync(string command, CancellationToken cancellationToken) =>
        runtime.Shells.RunUserCommandAsync(command, runtime.WorkingDirectory, cancellationToken);

    public IReadOnlyList<string> KnownModels =>
        [.. ModelCatalog.Aliases.Select(a => $"{a.Alias,-10} {a.ModelId} ({a.Provider})")];

    public IReadOnlyList<CustomCommandInfo> CustomCommands =>
    [
        .. runtime.Extensions.Commands.List().Select(c => new CustomCommandInfo(c.Name, c.Description, c.ArgumentHint ?? "",
            c.PluginName is { } plugin ? "plugin " + plugin : c.Scope.ToString().ToLowerInvariant())),
        .. runtime.Extensions.Skills.ListSkills().Select(s => new CustomCommandInfo(s.Name, s.Description, "", "skill")),
    ];

    public IAsyncEnumerable<AgentEvent> RunTurnAsync(string prompt, CancellationToken cancellationToken) => runtime.RunTurnAsync(prompt, cancellationToken);

    public void SetModel(string model) => runtime.SetModel(model, environment);

    public void SetMode(PermissionMode mode) => runtime.Checker.SetMode(mode);

    public async Task NewConversationAsync(CancellationToken cancellationToken) =>
        await runtime.SwitchSessionAsync(await runtime.Sessions.CreateAsync(null, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);

    public async Task<string> CompactAsync(string? instructions, CancellationToken cancellationToken)
    {
        try
        {
            var result = await runtime.CompactAsync(instructions, cancellationToken).ConfigureAwait(false);
            return result is null ? "Nothing to compact yet." : CompactionNotice.Text(result);
        }
        catch (CompactionException ex)
        {
            throw new ArgumentException("Compaction failed: " + ex.Message, nameof(instructions), ex);
        }
    }

    public IReadOnlyList<SessionSummary> ListSessions() => runtime.Sessions.ListSessions();

    public async Task<IReadOnlyList<string>> ResumeAsync(string sessionId, CancellationToken cancellationToken)
    {
        Session next;
        try
        {
            next = await runtime.Sessions.OpenAsync(sessionId, cancellationToken).ConfigureAwait(false);
        }
        catch (SessionException ex)
        {
            throw new ArgumentException(ex.Message, nameof(sessionId), ex);
        }
        await runtime.SwitchSessionAsync(next).ConfigureAwait(false);
        return [.. runtime.Conversation.Messages.TakeLast(6).Where(m => !string.IsNullOrWhiteSpace(m.Text))
            .Select(m => $"{m.Role}: {Shorten(m.Text)}")];
    }

    public ContextReport GetContext()
    {
        var counter = Counter();
        var options = runtime.CreateAgentOptions();
        var messages = runtime.Conversation.Messages;
        var tools = runtime.Registry.ListAll().Sum(t => counter.Count(t.Name + t.Description) + 50);
        var window = runtime.Context.ContextWindow;
        return new ContextReport(window, [
            ("system prompt", counter.Count(options.SystemPrompt ?? "")),
            ("tools", tools),
            ("messages", messages.Count == 0 ? 0 : ChatMessageTokens.Count(counter, messages)),
        ]);
    }

    public IReadOnlyList<string> Describe(string topic) => runtime.Overview().Describe(topic);

    public Task<string?> ExpandCustomCommandAsync(string name, string arguments)
    {
        var text = arguments.Length == 0 ? "/" + name : $"/{name} {arguments}";
        var expanded = runtime.Extensions.ExpandPrompt(text, new SubstitutionContext(SessionId, runtime.Extensions.ProjectDirectory), _ => { });
        return Task.FromResult<string?>(expanded == text ? null : expanded);
    }

    public Task<IReadOnlyList<string>> TrustAsync(string arguments, CancellationToken cancellationToken) =>
        TrustReport.RunAsync(runtime.Trust, CodeForge.Core.Trust.TrustStore.ForUser(runtime.Home), WorkingDirectory, arguments, cancellationToken);

    public async Task<IReadOnlyList<string>> DoctorAsync(CancellationToken cancellationToken)
    {
        using var report = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        await new DoctorCommand(WorkingDirectory, runtime.Home, runtime.Environment, report).RunAsync(cancellationToken).ConfigureAwait(false);
        return report.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public async ValueTask DisposeAsync() => await runtime.DisposeAsync().ConfigureAwait(false);

    private CachingCounter Counter()
    {
        if (_counter is null || _counterModel != Model)
        {
            _counter = TokenCounters.ForModel(Model);
            _counterModel = Model;
        }
        return _counter;
    }

    private static string Shorten(string text)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length > 120 ? line[..119] + "…" : line;
    }
}
