using System.Collections.Concurrent;
using CodeForge.Cli.Composition;
using CodeForge.Core.Agent;
using CodeForge.Core.Permissions;
using CodeForge.Core.Sessions;

namespace CodeForge.Cli.Interactive;

/// <summary>
/// What the welcome panel and the first prompt's status line need before the runtime is complete: where forge runs,
/// the model and its provider, the permission mode, the local settings file and the extra directories (all known once
/// the settings, provider and permission stages are built).
/// </summary>
internal sealed record StartingView(string WorkingDirectory, string Model, string ProviderName, Func<PermissionMode> Mode, string LocalSettingsPath,
    IReadOnlyList<string> AdditionalDirectories)
{
    /// <summary>The view of the early stages (<see cref="RuntimeStages.ComposeEarly"/>).</summary>
    public static StartingView From(EarlyStages early)
    {
        ArgumentNullException.ThrowIfNull(early);
        var checker = early.Permissions.Checker;
        return new StartingView(early.Settings.WorkingDirectory, early.Provider.Provider.Model, early.Provider.Provider.DisplayName, () => checker.Policy.Mode,
            early.Settings.Store.Locations.LocalSettingsPath, [.. RuntimeStages.AbsoluteDirectories(early.Settings.Settings)]);
    }
}

/// <summary>
/// The interactive engine while the runtime is still being built in the background: the session paints its welcome and
/// shows the prompt from the <see cref="StartingView"/> at once, and awaits <see cref="ReadyAsync"/> before it handles the
/// first submitted input (keys typed meanwhile wait in the key router). Once built, every member is the built engine's.
/// Diagnostics reported before the welcome reads <see cref="StartupMessages"/> are shown in it; later ones (the
/// extensions, tools, session and sandbox stages) arrive as notices, as do the built engine's own notices.
/// </summary>
/// <remarks>
/// Concurrency: the build runs on a pool thread; the input loop reads members. Before the build completes only the
/// view's values, <see cref="StartupMessages"/>, the notices and the status-line reads (<see cref="Usage"/>,
/// <see cref="Mode"/>, <see cref="Model"/>, <see cref="BackgroundShells"/>, <see cref="GetContext"/>) may be used; the
/// others throw <see cref="InvalidOperationException"/>. The built engine is published through a volatile field after
/// the build task completes; notices are a concurrent queue. <see cref="DisposeAsync"/> waits for the build and disposes
/// what it built.
/// </remarks>
internal sealed class StartingEngine : IInteractiveEngine
{
    private readonly StartingView _view;
    private readonly DiagnosticLog _diagnostics;
    private readonly Task<IInteractiveEngine?> _build;
    private readonly ConcurrentQueue<string> _notices = new();
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly long _started;
    private IReadOnlyList<string>? _startupMessages;
    private volatile IInteractiveEngine? _inner;

    /// <summary>Starts <paramref name="build"/> on a pool thread now.</summary>
    public StartingEngine(StartingView view, DiagnosticLog diagnostics, Func<CancellationToken, Task<IInteractiveEngine?>> build, CancellationToken cancellationToken,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(build);
        _view = view ?? throw new ArgumentNullException(nameof(view));
        _diagnostics = diagnostics ?? throw new ArgumentNullException(nameof(diagnostics));
        _time = timeProvider ?? TimeProvider.System;
        _started = _time.GetTimestamp();
        _build = Task.Run(async () =>
        {
            var engine = await build(cancellationToken).ConfigureAwait(false);
            if (engine is not null)
            {
                engine.NoticesArrived += OnInnerNotices;
                _inner = engine;
            }
            return engine;
        }, cancellationToken);
    }

    /// <summary>The built engine, or null while it is being built (or when it could not be).</summary>
    public IInteractiveEngine? Completed => _inner;

    public bool IsReady => _inner is not null;

    /// <summary>Waits for the build; false when it left nothing to run (its problems were reported as notices or, before
    /// the welcome, kept in the diagnostic log).</summary>
    public async Task<bool> ReadyAsync(CancellationToken cancellationToken) =>
        await _build.WaitAsync(cancellationToken).ConfigureAwait(false) is not null;

    private IInteractiveEngine Inner => _inner ?? throw new InvalidOperationException("forge is still starting: await ReadyAsync first.");

    public string WorkingDirectory => _view.WorkingDirectory;

    public string Model => _inner?.Model ?? _view.Model;

    public string ProviderName => _inner?.ProviderName ?? _view.ProviderName;

    public string SessionId => Inner.SessionId;

    public string? TranscriptPath => Inner.TranscriptPath;

    public PermissionMode Mode => _inner?.Mode ?? _view.Mode();

    public PermissionRulesView PermissionRules => Inner.PermissionRules;

    public void AddSessionRule(PermissionBehavior behavior, string rule) => Inner.AddSessionRule(behavior, rule);

    public bool RemoveSessionRule(string rule) => Inner.RemoveSessionRule(rule);

    public UsageReport Usage => _inner?.Usage ?? new UsageReport(0, 0, 0, null, TimeSpan.Zero, _time.GetElapsedTime(_started));

    public int BackgroundShells => _inner?.BackgroundShells ?? 0;

    public IReadOnlyList<ToolView> Tools => Inner.Tools;

    /// <summary>The diagnostics reported until the first read (the welcome's); from then on each arrives as a notice.</summary>
    public IReadOnlyList<string> StartupMessages
    {
        get
        {
            lock (_gate)
            {
                return _startupMessages ??= [.. _diagnostics.Attach(d => AddNotice(d.Message)).Select(d => d.Message)];
            }
        }
    }

    public IReadOnlyList<string> TakeNotices()
    {
        var taken = new List<string>();
        while (_notices.TryDequeue(out var n))
        {
            taken.Add(n);
        }
        if (_inner is { } inner)
        {
            taken.AddRange(inner.TakeNotices());
        }
        return taken;
    }

    public event Action? NoticesArrived;

    /// <summary>Queues a notice (from any flow) and says so.</summary>
    public void AddNotice(string text)
    {
        _notices.Enqueue(text);
        NoticesArrived?.Invoke();
    }

    private void OnInnerNotices() => NoticesArrived?.Invoke();

    public string? Protection => _inner?.Protection;

    public Task<CodeForge.Core.Shells.CommandRunResult> RunUserCommandAsync(string command, CancellationToken cancellationToken) =>
        Inner.RunUserCommandAsync(command, cancellationToken);

    public IReadOnlyList<string> AdditionalDirectories => _inner?.AdditionalDirectories ?? _view.AdditionalDirectories;

    /// <summary>The settings' <c>statusLine</c> command once built; null before (the first prompt gets the built-in line).</summary>
    public string? StatusLineCommand => _inner?.StatusLineCommand;

    public string LocalSettingsPath => _inner?.LocalSettingsPath ?? _view.LocalSettingsPath;

    public IReadOnlyList<string> KnownModels => Inner.KnownModels;

    public IAsyncEnumerable<AgentEvent> RunTurnAsync(string prompt, CancellationToken cancellationToken) => Inner.RunTurnAsync(prompt, cancellationToken);

    public void SetModel(string model) => Inner.SetModel(model);

    public void SetMode(PermissionMode mode) => Inner.SetMode(mode);

    public Task NewConversationAsync(CancellationToken cancellationToken) => Inner.NewConversationAsync(cancellationToken);

    public Task<string> CompactAsync(string? instructions, CancellationToken cancellationToken) => Inner.CompactAsync(instructions, cancellationToken);

    public IReadOnlyList<SessionSummary> ListSessions() => Inner.ListSessions();

    public Task<IReadOnlyList<string>> ResumeAsync(string sessionId, CancellationToken cancellationToken) => Inner.ResumeAsync(sessionId, cancellationToken);

    /// <summary>The built engine's context report; before, an empty one (window 0: the status line leaves it out).</summary>
    public ContextReport GetContext() => _inner?.GetContext() ?? new ContextReport(0, []);

    public IReadOnlyList<string> Describe(string topic) => Inner.Describe(topic);

    public IReadOnlyList<CustomCommandInfo> CustomCommands => _inner?.CustomCommands ?? [];

    public Task<string?> ExpandCustomCommandAsync(string name, string arguments) => Inner.ExpandCustomCommandAsync(name, arguments);

    public Task<IReadOnlyList<string>> TrustAsync(string arguments, CancellationToken cancellationToken) => Inner.TrustAsync(arguments, cancellationToken);

    public Task<IReadOnlyList<string>> DoctorAsync(CancellationToken cancellationToken) => Inner.DoctorAsync(cancellationToken);

    /// <summary>Waits for the build (a cancelled one built nothing) and disposes what it built.</summary>
    public async ValueTask DisposeAsync()
    {
        IInteractiveEngine? engine;
        try
        {
#pragma warning disable VSTHRD003 // the build was started by this object (its constructor) and runs on the pool: no context to deadlock on
            engine = await _build.ConfigureAwait(false);
#pragma warning restore VSTHRD003
        }
        catch (OperationCanceledException)
        {
            return;
        }
        if (engine is not null)
        {
            engine.NoticesArrived -= OnInnerNotices;
            await engine.DisposeAsync().ConfigureAwait(false);
        }
    }
}
