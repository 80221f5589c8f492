using System.Collections.Immutable;
using System.Text.Json;

namespace CodeForge.Core.Hooks;

/// <summary>How one hook of one event ran. Immutable.</summary>
/// <param name="Definition">The hook.</param>
/// <param name="Process">The process result, or null if it could not be started.</param>
/// <param name="Output">Its parsed JSON output (exit 0 only), or null.</param>
/// <param name="Problem">What went wrong, for the user (timeout, crash, garbage, start failure), or null.</param>
public sealed record HookExecution(HookDefinition Definition, HookProcessResult? Process, HookOutput? Output, string? Problem)
{
    /// <summary>Exit code 2 on an event where it blocks.</summary>
    public bool BlockedByExitCode => Process is { ExitCode: 2, TimedOut: false } && Definition.Event.Exit2Blocks();
}

/// <summary>What a hook did not do right, reported to the user; the agent goes on.</summary>
/// <param name="Event">The event that ran it.</param>
/// <param name="Command">The hook's command.</param>
/// <param name="Origin">Where it is configured.</param>
/// <param name="Message">What happened.</param>
public sealed record HookReport(HookEvent Event, string Command, string Origin, string Message)
{
    public override string ToString() => $"{Event} hook `{Command}` ({Origin}): {Message}";
}

/// <summary>
/// The combined outcome of every hook one event ran, merged in definition order with Claude Code's precedence: a block
/// (exit 2 or <c>decision: block</c>) from any hook blocks; permission decisions combine deny &gt; defer &gt; ask &gt; allow;
/// <c>continue: false</c> from any hook stops the run; contexts and messages are concatenated. Immutable.
/// </summary>
public sealed record HookEventResult
{
    public HookEventResult(HookEvent hookEvent, long snapshotVersion, ImmutableArray<HookExecution> executions)
    {
        Event = hookEvent;
        SnapshotVersion = snapshotVersion;
        Executions = executions;
        var reasons = new List<string>();
        var contexts = new List<string>();
        var messages = new List<string>();
        foreach (var e in executions)
        {
            if (e.BlockedByExitCode)
            {
                reasons.Add(Nonblank(e.Process!.Stderr) ?? $"blocked by the hook `{e.Definition.Command}` (exit code 2)");
            }
            else if (e.Process is { ExitCode: 2, TimedOut: false } p && hookEvent is HookEvent.SessionStart or HookEvent.SessionEnd && Nonblank(p.Stderr) is { } shown)
            {
                messages.Add(shown);
            }
            if (e.Output is not { } o)
            {
                if (e.Process is { ExitCode: 0, TimedOut: false } ok && e.Problem is null && hookEvent.PlainStdoutIsContext() && Nonblank(ok.Stdout) is { } plain)
                {
                    contexts.Add(plain);
                }
                continue;
            }
            if (!o.Continue)
            {
                StopRun = true;
                StopReason ??= o.StopReason ?? $"stopped by the hook `{e.Definition.Command}`";
            }
            if (o.SystemMessage is { } message)
            {
                messages.Add(message);
            }
            if (o.Block && hookEvent.Exit2Blocks())
            {
                reasons.Add(o.Reason ?? $"blocked by the hook `{e.Definition.Command}`");
            }
            if (o.AdditionalContext is { } context)
            {
                contexts.Add(context);
            }
            if (o.PermissionDecision is { } d && (PermissionDecision is null || d > PermissionDecision))
            {
                PermissionDecision = d;
                PermissionDecisionReason = o.PermissionDecisionReason;
            }
            if (o.PermissionRequestBehavior is { } b && (PermissionRequestBehavior is null || b > PermissionRequestBehavior))
            {
                PermissionRequestBehavior = b;
                PermissionRequestMessage = o.PermissionRequestMessage;
            }
            // The first hook (in definition order) that rewrites the input wins; a deny makes it moot.
            UpdatedInput ??= o.UpdatedInput;
        }
        Blocked = reasons.Count > 0 || PermissionDecision == HookPermissionDecision.Deny;
        if (PermissionDecision == HookPermissionDecision.Deny && PermissionDecisionReason is { } why)
        {
            reasons.Insert(0, why);
        }
        BlockReason = Blocked ? (reasons.Count > 0 ? string.Join("\n", reasons) : "denied by a PreToolUse hook") : null;
        AdditionalContext = contexts.Count > 0 ? string.Join("\n", contexts) : null;
        SystemMessages = [.. messages];
    }

    /// <summary>The event.</summary>
    public HookEvent Event { get; }

    /// <summary>The registry version the event ran from (every hook came from this one snapshot).</summary>
    public long SnapshotVersion { get; }

    /// <summary>Each hook that ran, in definition order (identical handlers once).</summary>
    public ImmutableArray<HookExecution> Executions { get; }

    /// <summary>A hook blocked the action (exit 2, <c>decision: block</c>, or a PreToolUse deny).</summary>
    public bool Blocked { get; }

    /// <summary>Why (stderr of exit-2 hooks, JSON reasons), one per line; null unless <see cref="Blocked"/>.</summary>
    public string? BlockReason { get; }

    /// <summary>PreToolUse: the winning decision (deny &gt; defer &gt; ask &gt; allow), or null if no hook decided.</summary>
    public HookPermissionDecision? PermissionDecision { get; }

    public string? PermissionDecisionReason { get; }

    /// <summary>PermissionRequest: allow or deny (deny wins), or null.</summary>
    public HookPermissionDecision? PermissionRequestBehavior { get; }

    public string? PermissionRequestMessage { get; }

    /// <summary>The replacement tool input, from the first hook that gave one.</summary>
    public JsonElement? UpdatedInput { get; }

    /// <summary>Context for the model (JSON <c>additionalContext</c>, or plain stdout where the event uses it).</summary>
    public string? AdditionalContext { get; }

    /// <summary>Messages for the user (<c>systemMessage</c>; exit-2 stderr of SessionStart/SessionEnd).</summary>
    public ImmutableArray<string> SystemMessages { get; }

    /// <summary>A hook said <c>continue: false</c>: the agent stops after this event.</summary>
    public bool StopRun { get; }

    public string? StopReason { get; }

    /// <summary>Nothing ran.</summary>
    public static HookEventResult None(HookEvent hookEvent, long version = 0) => new(hookEvent, version, []);

    private static string? Nonblank(string text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
