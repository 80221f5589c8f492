using System.Buffers;
using System.Text.Json;
using CodeForge.Core.Agent;
using CodeForge.Core.Tools;

namespace CodeForge.Core.Hooks;

/// <summary>
/// The hooks of one agent session: fires SessionStart, UserPromptSubmit, PreToolUse, PermissionRequest, PostToolUse,
/// PostToolUseFailure, PostToolBatch, Stop, Notification, PreCompact and SessionEnd through a <see cref="HookRunner"/>
/// with the session's facts, and turns their outcomes into what the agent loop does (<see cref="IAgentHooks"/>).
/// </summary>
/// <remarks>
/// <para>Thread-safe. Its only mutable state is two single-word slots: the SessionStart context waiting for the next
/// prompt and a pending "stop the run" request (<c>continue: false</c> from a tool hook), each taken with one
/// <see cref="Interlocked.Exchange{T}(ref T, T)"/>, so a value is consumed exactly once even when parallel tool calls
/// race. Events fire concurrently (parallel tool calls); each runs from its own registry snapshot.</para>
/// <para>Stop hooks can keep the model going at most <see cref="MaxStopBlocks"/> times per run (as Claude Code), and
/// say so in <c>stop_hook_active</c> after the first time, so a hook that always blocks cannot loop forever.</para>
/// </remarks>
public sealed class HookSession : IAgentHooks
{
    /// <summary>How many times per run Stop hooks may keep the model going.</summary>
    public const int MaxStopBlocks = 8;

    private readonly Func<HookSessionInfo> _info;
    private readonly Action<string>? _showUser;
    private string? _pendingContext;
    private string? _stopRequest;

    /// <param name="runner">Runs the hooks.</param>
    /// <param name="info">The session's current facts (read at each event: the permission mode may change).</param>
    /// <param name="showUser">Shows hooks' <c>systemMessage</c>s to the user; called concurrently. May be null.</param>
    public HookSession(HookRunner runner, Func<HookSessionInfo> info, Action<string>? showUser = null)
    {
        Runner = runner ?? throw new ArgumentNullException(nameof(runner));
        _info = info ?? throw new ArgumentNullException(nameof(info));
        _showUser = showUser;
    }

    public HookRunner Runner { get; }

    /// <summary>SessionStart: its context is added to the next prompt.</summary>
    public async Task<HookEventResult> StartAsync(string source = "startup", string? model = null, CancellationToken cancellationToken = default)
    {
        var r = await FireAsync(new HookInvocation(HookEvent.SessionStart, _info()) { MatchTarget = source, Source = source, Model = model }, cancellationToken).ConfigureAwait(false);
        if (r.AdditionalContext is { } context)
        {
            Interlocked.Exchange(ref _pendingContext, context);
        }
        return r;
    }

    /// <summary>SessionEnd (short timeouts: forge is exiting).</summary>
    public Task<HookEventResult> EndAsync(string reason = "other", CancellationToken cancellationToken = default) =>
        FireAsync(new HookInvocation(HookEvent.SessionEnd, _info()) { MatchTarget = reason, Reason = reason }, cancellationToken);

    /// <summary>Notification.</summary>
    public Task<HookEventResult> NotifyAsync(string message, string notificationType, CancellationToken cancellationToken = default) =>
        FireAsync(new HookInvocation(HookEvent.Notification, _info()) { MatchTarget = notificationType, Message = message, NotificationType = notificationType }, cancellationToken);

    /// <summary>PreCompact: <see cref="HookEventResult.Blocked"/> means do not compact.</summary>
    public Task<HookEventResult> PreCompactAsync(string trigger, string? customInstructions = null, CancellationToken cancellationToken = default) =>
        FireAsync(new HookInvocation(HookEvent.PreCompact, _info()) { MatchTarget = trigger, Trigger = trigger, CustomInstructions = customInstructions }, cancellationToken);

    /// <summary>SubagentStop.</summary>
    public Task<HookEventResult> SubagentStopAsync(string agentType, string lastAssistantMessage, bool stopHookActive, CancellationToken cancellationToken = default) =>
        FireAsync(new HookInvocation(HookEvent.SubagentStop, _info())
        {
            MatchTarget = agentType, AgentType = agentType, LastAssistantMessage = lastAssistantMessage, StopHookActive = stopHookActive,
        }, cancellationToken);

    /// <summary>PreToolUse for one call (fired by <see cref="ToolCallGate"/>).</summary>
    public Task<HookEventResult> PreToolUseAsync(string toolName, JsonElement arguments, CancellationToken cancellationToken = default) =>
        FireAsync(HookInvocation.ForTool(HookEvent.PreToolUse, _info(), toolName, arguments), cancellationToken);

    /// <summary>PermissionRequest for one call that would ask the user.</summary>
    public Task<HookEventResult> PermissionRequestAsync(string toolName, JsonElement arguments, CancellationToken cancellationToken = default) =>
        FireAsync(HookInvocation.ForTool(HookEvent.PermissionRequest, _info(), toolName, arguments), cancellationToken);

    /// <inheritdoc />
    public async ValueTask<AgentHookVerdict> PromptSubmittedAsync(string prompt, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _stopRequest, null); // a new run starts clean
        var r = await FireAsync(new HookInvocation(HookEvent.UserPromptSubmit, _info()) { Prompt = prompt }, cancellationToken).ConfigureAwait(false);
        var sessionContext = Interlocked.Exchange(ref _pendingContext, null);
        if (r.Blocked)
        {
            return new AgentHookVerdict { Block = true, Reason = $"The prompt was blocked by a UserPromptSubmit hook: {r.BlockReason}" };
        }
        if (TakeStop() is { } stop)
        {
            return new AgentHookVerdict { StopRun = true, StopReason = stop };
        }
        var context = string.Join("\n", new[] { sessionContext, r.AdditionalContext }.Where(c => c is not null));
        return context.Length == 0 ? AgentHookVerdict.None : new AgentHookVerdict { AdditionalContext = context };
    }

    /// <inheritdoc />
    public async ValueTask<AgentHookVerdict> ToolFinishedAsync(AgentToolCall toolCall, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(toolCall);
        var call = toolCall;
        var result = call.Result ?? ToolResult.Fail("no result");
        var invocation = HookInvocation.ForTool(result.Success ? HookEvent.PostToolUse : HookEvent.PostToolUseFailure, _info(), call.ToolName, call.Arguments) with
        {
            ToolUseId = call.CallId,
            ToolResponse = result.Success ? ToolResponse(result) : null,
            Error = result.Error,
        };
        var r = await FireAsync(invocation, cancellationToken).ConfigureAwait(false);
        if (!r.Blocked && r.AdditionalContext is null)
        {
            return AgentHookVerdict.None;
        }
        return new AgentHookVerdict
        {
            Block = r.Blocked,
            Reason = r.Blocked ? $"{invocation.Event} hook feedback: {r.BlockReason}" : null,
            AdditionalContext = r.AdditionalContext,
        };
    }

    /// <inheritdoc />
    public async ValueTask<AgentHookVerdict> ToolBatchFinishedAsync(IReadOnlyList<AgentToolCall> calls, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(calls);
        var r = await FireAsync(new HookInvocation(HookEvent.PostToolBatch, _info())
        {
            ToolCalls = [.. calls.Select(c => (c.CallId, c.ToolName, c.Arguments))],
        }, cancellationToken).ConfigureAwait(false);
        if (TakeStop() is { } stop)
        {
            return new AgentHookVerdict { StopRun = true, StopReason = $"Stopped by a hook: {stop}" };
        }
        return r.Blocked ? new AgentHookVerdict { Block = true, Reason = $"Stopped by a PostToolBatch hook: {r.BlockReason}" } : AgentHookVerdict.None;
    }

    /// <inheritdoc />
    public async ValueTask<AgentHookVerdict> StoppingAsync(string lastAssistantMessage, int blocksSoFar, CancellationToken cancellationToken)
    {
        var r = await FireAsync(new HookInvocation(HookEvent.Stop, _info())
        {
            StopHookActive = blocksSoFar > 0,
            LastAssistantMessage = lastAssistantMessage,
        }, cancellationToken).ConfigureAwait(false);
        if (TakeStop() is not null || !r.Blocked)
        {
            return AgentHookVerdict.None;
        }
        if (blocksSoFar >= MaxStopBlocks)
        {
            _showUser?.Invoke($"Stop hooks blocked stopping {MaxStopBlocks} times in a row; ending the turn anyway.");
            return AgentHookVerdict.None;
        }
        return new AgentHookVerdict { Block = true, Reason = r.BlockReason };
    }

    private async Task<HookEventResult> FireAsync(HookInvocation invocation, CancellationToken ct)
    {
        var r = await Runner.RunAsync(invocation, ct).ConfigureAwait(false);
        foreach (var message in r.SystemMessages)
        {
            _showUser?.Invoke(message);
        }
        if (r.StopRun)
        {
            Interlocked.CompareExchange(ref _stopRequest, r.StopReason ?? "a hook asked to stop", null);
        }
        return r;
    }

    private string? TakeStop() => Interlocked.Exchange(ref _stopRequest, null);

    private static JsonElement ToolResponse(ToolResult result)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteBoolean("success", result.Success);
            w.WriteString("output", result.Output);
            w.WriteEndObject();
        }
        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}
