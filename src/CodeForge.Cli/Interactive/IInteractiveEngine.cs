using CodeForge.Core.Agent;
using CodeForge.Core.Permissions;
using CodeForge.Core.Sessions;

namespace CodeForge.Cli.Interactive;

/// <summary>Tokens and money spent in this session so far.</summary>
internal sealed record UsageReport(long InputTokens, long OutputTokens, long CachedInputTokens, decimal? CostUsd, TimeSpan ApiDuration, TimeSpan WallDuration)
{
    /// <summary>Thinking tokens the provider reported (part of <see cref="OutputTokens"/>, priced as output).</summary>
    public long ReasoningTokens { get; init; }

    /// <summary>Prompt tokens written to the cache (part of <see cref="InputTokens"/>, priced at the cache-write rate).</summary>
    public long CacheWriteTokens { get; init; }

    /// <summary>Time a turn stood still waiting on the user (permission questions); not part of <see cref="ApiDuration"/>.</summary>
    public TimeSpan UserWaitDuration { get; init; }
}

/// <summary>What fills the context window, by part.</summary>
internal sealed record ContextReport(int WindowTokens, IReadOnlyList<(string Part, int Tokens)> Parts)
{
    public int UsedTokens => Parts.Sum(p => p.Tokens);

    public double Fraction => WindowTokens <= 0 ? 0 : (double)UsedTokens / WindowTokens;
}

/// <summary>A custom command or user-invocable skill offered as <c>/name</c>.</summary>
internal sealed record CustomCommandInfo(string Name, string Description, string ArgumentHint, string Source);

/// <summary>
/// What the interactive session drives: one agent (provider, tools, permissions, hooks, session transcript) built from
/// the settings. The terminal side (<see cref="InteractiveSession"/>) renders and reads keys; everything it shows or
/// changes goes through this interface.
/// </summary>
/// <remarks>
/// Concurrency: the session calls members from its input loop, one at a time, except <see cref="Usage"/>,
/// <see cref="Mode"/>, <see cref="Model"/> and <see cref="BackgroundShells"/>, which the status line may read while a
/// turn runs; implementations make those reads safe (snapshots).
/// </remarks>
internal interface IInteractiveEngine : IAsyncDisposable
{
    /// <summary>False while the engine is still being built in the background (<see cref="StartingEngine"/>).</summary>
    bool IsReady => true;

    /// <summary>Waits until the engine is built; false when building it left nothing to run (its problems were reported).</summary>
    Task<bool> ReadyAsync(CancellationToken cancellationToken) => Task.FromResult(true);

    string WorkingDirectory { get; }

    string Model { get; }

    string ProviderName { get; }

    string SessionId { get; }

    string? TranscriptPath { get; }

    PermissionMode Mode { get; }

    /// <summary>The permission mode, rules and their enforcement now (a snapshot).</summary>
    PermissionRulesView PermissionRules { get; }

    /// <summary>Adds a session rule (<c>/permissions allow|ask|deny</c>); throws <see cref="ArgumentException"/> naming
    /// what is wrong with a bad rule.</summary>
    void AddSessionRule(PermissionBehavior behavior, string rule);

    /// <summary>Removes a session rule; false when there is none with that text.</summary>
    bool RemoveSessionRule(string rule);

    UsageReport Usage { get; }

    int BackgroundShells { get; }

    IReadOnlyList<ToolView> Tools { get; }

    /// <summary>Warnings found while loading settings, skills, plugins, MCP servers (shown once at start).</summary>
    IReadOnlyList<string> StartupMessages { get; }

    /// <summary>Notices that arrived since the last call (a settings change applied, with any problem it found), oldest
    /// first; each is returned once. Safe to call while they arrive from another flow.</summary>
    IReadOnlyList<string> TakeNotices() => [];

    /// <summary>Raised (on any flow) when a notice was queued, so a running turn can show it at once.</summary>
    event Action? NoticesArrived
    {
        add { }
        remove { }
    }

    /// <summary>Which protection Bash commands run under, in a few words (<c>bwrap</c>, or <c>parser-only (why)</c>); null: not shown.</summary>
    string? Protection => null;

    /// <summary>
    /// Runs the user's <c>!command</c> on Core's shells (process group, output caps; the engine's sandbox). The default
    /// runs it unsandboxed in <see cref="WorkingDirectory"/>.
    /// </summary>
    Task<CodeForge.Core.Shells.CommandRunResult> RunUserCommandAsync(string command, CancellationToken cancellationToken) =>
        new CodeForge.Core.Shells.CommandRunner().RunAsync(new CodeForge.Core.Shells.CommandRequest(command, WorkingDirectory)
        {
            Timeout = TimeSpan.FromMinutes(10),
        }, cancellationToken);

    /// <summary>The directories besides <see cref="WorkingDirectory"/> the file tools (and <c>@file</c>) may reach, absolute.</summary>
    IReadOnlyList<string> AdditionalDirectories => [];

    /// <summary>The <c>statusLine</c> command from settings, when one is configured.</summary>
    string? StatusLineCommand { get; }

    string LocalSettingsPath { get; }

    /// <summary>Model aliases and ids a user can switch to with <c>/model</c>.</summary>
    IReadOnlyList<string> KnownModels { get; }

    /// <summary>Runs one turn of the agent for <paramref name="prompt"/>.</summary>
    IAsyncEnumerable<AgentEvent> RunTurnAsync(string prompt, CancellationToken cancellationToken);

    /// <summary>Switches the model for the next turn; throws <see cref="ArgumentException"/> with a message for a bad name.</summary>
    void SetModel(string model);

    void SetMode(PermissionMode mode);

    /// <summary>Starts a new conversation (a new session transcript).</summary>
    Task NewConversationAsync(CancellationToken cancellationToken);

    /// <summary>Summarises the conversation so far; returns a line to show.</summary>
    Task<string> CompactAsync(string? instructions, CancellationToken cancellationToken);

    IReadOnlyList<SessionSummary> ListSessions();

    /// <summary>Switches to an earlier session; returns its last messages to show.</summary>
    Task<IReadOnlyList<string>> ResumeAsync(string sessionId, CancellationToken cancellationToken);

    ContextReport GetContext();

    /// <summary>Lines describing <paramref name="topic"/>: skills, hooks, mcp, plugins, todos, config, memory.</summary>
    IReadOnlyList<string> Describe(string topic);

    IReadOnlyList<CustomCommandInfo> CustomCommands { get; }

    /// <summary>The prompt a custom command or skill expands to, or null when <paramref name="name"/> is not one.</summary>
    Task<string?> ExpandCustomCommandAsync(string name, string arguments);

    /// <summary><c>/trust</c>: the folder's trust state and what it would run (no argument), or <c>add</c>/<c>remove</c>.</summary>
    Task<IReadOnlyList<string>> TrustAsync(string arguments, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(["Workspace trust is not available here."]);

    /// <summary><c>/doctor</c>: the report of <c>forge doctor</c> for this folder (trust, settings, plugins, sandbox, MCP).</summary>
    Task<IReadOnlyList<string>> DoctorAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(["forge doctor is not available here."]);
}
