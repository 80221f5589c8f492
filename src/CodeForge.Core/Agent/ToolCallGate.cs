using System.Text.Json;
using CodeForge.Core.Config;
using CodeForge.Core.Hooks;
using CodeForge.Core.Permissions;
using CodeForge.Core.Tools;

namespace CodeForge.Core.Agent;

/// <summary>A tool-call gate that also runs the hooks after a call (PostToolUse / PostToolUseFailure).</summary>
/// <remarks>Thread-safe: called concurrently for parallel tool calls.</remarks>
public interface IToolCallGate : IToolCallAuthorizer
{
    /// <summary>After a call the gate allowed has run: PostToolUse (or PostToolUseFailure), once.</summary>
    ValueTask<AgentHookVerdict> ToolFinishedAsync(AgentToolCall toolCall, CancellationToken cancellationToken);
}

/// <summary>How a <see cref="ToolCallGate"/> decides. Immutable.</summary>
public sealed record ToolCallGateOptions
{
    /// <summary>PreToolUse, PermissionRequest and PostToolUse hooks (null: none).</summary>
    public HookSession? Hooks { get; init; }

    /// <summary>Who answers an "ask" (the terminal, the Agent SDK's <c>can_use_tool</c>); null: an "ask" is a denial.</summary>
    public IPermissionPrompt? Prompt { get; init; }

    /// <summary>The live settings' gate: each decision holds it, so it runs wholly on one settings version (null: none).</summary>
    public SettingsGate? Settings { get; init; }

    /// <summary>The registered tools: a tool that declares its permission facts (<see cref="IPermissionFactsDescriber"/>) is asked for them.</summary>
    public ToolRegistry? Tools { get; init; }

    /// <summary>
    /// Awaited before each decision, outside the settings lease, with the tool's name (null: nothing): lets the host make a
    /// lazy decision the rules depend on first, e.g. the sandbox decision (which sets
    /// <see cref="PermissionPolicy.SandboxEnforcesDenyRules"/>) before the first Bash call is decided.
    /// </summary>
    public Func<string, CancellationToken, Task>? BeforeDecision { get; init; }

    /// <summary>What the model is told when a call would ask and there is no <see cref="Prompt"/>.</summary>
    public string CannotAsk { get; init; } =
        "This session cannot ask the user (non-interactive); allow it with --allowedTools or a permissions.allow rule.";
}

/// <summary>
/// The one tool-call gate (the shape of codex-rs's tool orchestrator). For every call: the permission rules are evaluated
/// once, on one <see cref="PermissionPolicy"/> snapshot (a deny is final, without hooks); then PreToolUse hooks (a block
/// refuses, <c>updatedInput</c> replaces the arguments, <c>allow</c> skips an "ask", <c>ask</c> asks even where the rules
/// allow); then, for a call that must ask, PermissionRequest hooks and the prompt (the terminal, the SDK's
/// <c>can_use_tool</c>) or, with no prompt, a denial; a rewritten input is checked once more on the same snapshot. After
/// the call ran, PostToolUse (<see cref="ToolFinishedAsync"/>). The main agent loop, every subagent, <c>forge mcp
/// serve</c> and the interactive UI all pass through one instance per run, so no path reaches a tool around the hooks.
/// </summary>
/// <remarks>
/// <para><b>Concurrency contract.</b> Thread-safe; called concurrently for parallel tool calls and parallel subagents.</para>
/// <list type="bullet">
/// <item>Each decision reads the checker's snapshot once and makes every rule check of that decision on it (the first
/// evaluation and the re-check after a hook rewrite), so no call is decided on a mix of two rule versions: the decision
/// is linearized at that read. The one exception is a call that waited for the prompt: it is re-evaluated wholly on the
/// snapshot current when its question comes up (an earlier answer may have added "always allow").</item>
/// <item>With <see cref="ToolCallGateOptions.Settings"/>, the decision holds a settings lease from start to end (a
/// settings change waits for it); a subagent's calls are decided after the Task call's decision has ended, so no lease
/// is taken twice by one flow.</item>
/// <item>Prompts are serialized (one question at a time, in the order calls reach it), shared with every read-only view
/// (<see cref="ForReadOnlyAgent(string, string)"/>).</item>
/// </list>
/// </remarks>
public sealed class ToolCallGate : IToolCallGate, IDisposable
{
    private readonly PermissionChecker _checker;
    private readonly ToolCallGateOptions _options;
    private readonly SemaphoreSlim _oneQuestionAtATime;
    private readonly bool _ownsSemaphore;
    private readonly (string WorkingDirectory, string HomeDirectory)? _readOnly;

    /// <summary>A gate over <paramref name="checker"/>'s rules.</summary>
    public ToolCallGate(PermissionChecker checker, ToolCallGateOptions? options = null)
        : this(checker, options ?? new ToolCallGateOptions(), new SemaphoreSlim(1, 1), ownsSemaphore: true, readOnly: null)
    {
    }

    private ToolCallGate(PermissionChecker checker, ToolCallGateOptions options, SemaphoreSlim questions, bool ownsSemaphore,
        (string, string)? readOnly)
    {
        _checker = checker ?? throw new ArgumentNullException(nameof(checker));
        _options = options;
        _oneQuestionAtATime = questions;
        _ownsSemaphore = ownsSemaphore;
        _readOnly = readOnly;
    }

    /// <summary>
    /// Test seam: a deliberately broken variant of the real class for the systematic-scheduling tests, which asks its
    /// questions without taking the one-question-at-a-time semaphore. Never set in the product.
    /// </summary>
    internal bool QuestionsUnserializedForTests { get; init; }

    /// <summary>The rules the gate decides by.</summary>
    public PermissionChecker Checker => _checker;

    /// <summary>
    /// The same gate for a read-only agent (<c>Explore</c>, <c>Plan</c>): before anything else, a Bash command must only
    /// read (<see cref="BashReadOnly"/>, the checker plan mode uses) and any other tool must declare itself read-only (a
    /// tool that declares nothing is left to the rules); the hooks, the prompt and the settings lease are this gate's.
    /// </summary>
    public ToolCallGate ForReadOnlyAgent(string workingDirectory, string homeDirectory) =>
        new(_checker, _options, _oneQuestionAtATime, ownsSemaphore: false, (workingDirectory, homeDirectory));

    /// <summary>
    /// <paramref name="inner"/> for a read-only agent: a <see cref="ToolCallGate"/>'s read-only view, or any other
    /// authorizer behind the same read-only check.
    /// </summary>
    public static IToolCallAuthorizer ForReadOnlyAgent(IToolCallAuthorizer inner, string workingDirectory, string homeDirectory)
    {
        ArgumentNullException.ThrowIfNull(inner);
        return inner is ToolCallGate gate ? gate.ForReadOnlyAgent(workingDirectory, homeDirectory) : new ReadOnlyAuthorizer(inner, workingDirectory, homeDirectory);
    }

    public void Dispose()
    {
        if (_ownsSemaphore)
        {
            _oneQuestionAtATime.Dispose();
        }
    }

    /// <inheritdoc />
    public async ValueTask<ToolCallAuthorization> AuthorizeAsync(string toolName, JsonElement arguments, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(toolName);
        if (_options.BeforeDecision is { } before)
        {
            await before(toolName, cancellationToken).ConfigureAwait(false);
        }
        using var lease = _options.Settings is { } settings ? await settings.EnterAsync(cancellationToken).ConfigureAwait(false) : null;
        return await DecideAsync(toolName, arguments, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask<AgentHookVerdict> ToolFinishedAsync(AgentToolCall toolCall, CancellationToken cancellationToken) =>
        _options.Hooks is { } hooks ? hooks.ToolFinishedAsync(toolCall, cancellationToken) : ValueTask.FromResult(AgentHookVerdict.None);

    /// <summary>
    /// The whole path of one call outside an agent loop (<c>forge mcp serve</c>): the decision, the tool run by
    /// <paramref name="executor"/> with the arguments as allowed, then PostToolUse.
    /// </summary>
    public async Task<GatedToolCall> RunAsync(ToolExecutor executor, string callId, string toolName, JsonElement arguments, ToolContext context,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(executor);
        var authorization = await AuthorizeAsync(toolName, arguments, cancellationToken).ConfigureAwait(false);
        if (!authorization.Allowed)
        {
            return new GatedToolCall(authorization, arguments, null, null);
        }
        var ran = authorization.UpdatedArguments ?? arguments;
        var result = await executor.ExecuteAsync(toolName, ran, context, cancellationToken).ConfigureAwait(false);
        var after = await ToolFinishedAsync(new AgentToolCall(callId, toolName, ran, result), cancellationToken).ConfigureAwait(false);
        return new GatedToolCall(authorization, ran, result, after);
    }

    private PermissionFacts? FactsOf(string toolName, JsonElement arguments) =>
        _options.Tools?.Get(toolName) is IPermissionFactsDescriber describer ? describer.DescribePermissions(arguments) : null;

    private PermissionDecision Evaluate(PermissionPolicy policy, string toolName, JsonElement arguments)
    {
        if (_readOnly is var (cwd, home) && ReadOnlyRefusal(toolName, arguments, cwd, home) is { } refusal)
        {
            return new PermissionDecision(PermissionBehavior.Deny, null, null, refusal);
        }
        var decision = policy.Evaluate(toolName, arguments, FactsOf(toolName, arguments));
        // Starting a subagent touches nothing itself; each of its calls passes this gate (as in Claude Code, Task needs no approval).
        return toolName == TaskTool.ToolName && decision.Behavior == PermissionBehavior.Ask
            ? new PermissionDecision(PermissionBehavior.Allow, null, null, "starting a subagent needs no approval; its own tool calls are checked")
            : decision;
    }

    private string? ReadOnlyRefusal(string toolName, JsonElement arguments, string cwd, string home)
    {
        var facts = FactsOf(toolName, arguments);
        if (toolName == "Bash")
        {
            var command = (facts ?? Tools.BuiltIn.BuiltInTools.PermissionFacts(toolName, arguments)).Command ?? "";
            return BashReadOnly.WhyNot(command, cwd, home) is { } why ? $"this agent is read-only: {why}" : null;
        }
        return facts is { ReadOnly: false } ? $"this agent is read-only: {toolName} changes files or runs commands" : null;
    }

    private async ValueTask<ToolCallAuthorization> DecideAsync(string toolName, JsonElement arguments, CancellationToken ct)
    {
        // 1. The rules, once, on one snapshot.
        var policy = _checker.Policy;
        var rules = Evaluate(policy, toolName, arguments);
        if (rules.IsDenied)
        {
            return ToolCallAuthorization.Deny(rules.Reason);
        }

        // 2. PreToolUse hooks.
        JsonElement? updated = null;
        var hookAsks = false;
        string? hookReason = null;
        if (_options.Hooks is { } hooks)
        {
            var pre = await hooks.PreToolUseAsync(toolName, arguments, ct).ConfigureAwait(false);
            if (pre.Blocked)
            {
                return ToolCallAuthorization.Deny($"blocked by a PreToolUse hook: {pre.BlockReason}");
            }
            if (pre.StopRun)
            {
                return ToolCallAuthorization.Deny($"a hook stopped the run: {pre.StopReason}");
            }
            updated = pre.UpdatedInput;
            hookReason = pre.PermissionDecisionReason;
            // 3. One re-check of the rewritten input, on the same snapshot.
            if (updated is { } changed)
            {
                rules = Evaluate(policy, toolName, changed);
                if (rules.IsDenied)
                {
                    return ToolCallAuthorization.Deny($"{rules.Reason} (the input as rewritten by a PreToolUse hook)");
                }
            }
            if (pre.PermissionDecision == HookPermissionDecision.Allow)
            {
                return new ToolCallAuthorization(true, $"allowed by a PreToolUse hook{Suffix(hookReason)}", updated);
            }
            hookAsks = pre.PermissionDecision == HookPermissionDecision.Ask;
        }
        if (!hookAsks && !rules.NeedsConfirmation)
        {
            return new ToolCallAuthorization(true, rules.Reason, updated);
        }

        // 4. The call must ask: PermissionRequest hooks answer for the user, else the prompt, else a denial.
        var input = updated ?? arguments;
        if (_options.Hooks is { } requestHooks)
        {
            var request = await requestHooks.PermissionRequestAsync(toolName, input, ct).ConfigureAwait(false);
            switch (request.PermissionRequestBehavior)
            {
                case HookPermissionDecision.Deny:
                    return ToolCallAuthorization.Deny($"denied by a PermissionRequest hook{Suffix(request.PermissionRequestMessage)}");
                case HookPermissionDecision.Allow:
                    return new ToolCallAuthorization(true, "allowed by a PermissionRequest hook", request.UpdatedInput ?? updated);
            }
        }
        var why = rules.NeedsConfirmation ? rules : new PermissionDecision(PermissionBehavior.Ask, null, null, $"a PreToolUse hook asks for confirmation{Suffix(hookReason)}");
        if (_options.Prompt is not { } prompt)
        {
            return ToolCallAuthorization.Deny($"{why.Reason}. {_options.CannotAsk}");
        }
        if (!QuestionsUnserializedForTests)
        {
            await _oneQuestionAtATime.WaitAsync(ct).ConfigureAwait(false);
        }
        try
        {
            // The rules may have changed while this call waited (an earlier answer added "always allow"): a call asked
            // about by the rules is decided again, wholly on the snapshot current now.
            if (!hookAsks && !ReferenceEquals(_checker.Policy, policy))
            {
                var again = Evaluate(_checker.Policy, toolName, input);
                if (again.Behavior != PermissionBehavior.Ask)
                {
                    return new ToolCallAuthorization(again.IsAllowed, again.Reason, again.IsAllowed ? updated : null);
                }
                why = again;
            }
            var answer = await prompt.AskAsync(toolName, input, why, ct).ConfigureAwait(false);
            return answer.Allowed && answer.UpdatedArguments is null ? answer with { UpdatedArguments = updated } : answer;
        }
        finally
        {
            if (!QuestionsUnserializedForTests)
            {
                _oneQuestionAtATime.Release();
            }
        }
    }

    private static string Suffix(string? reason) => string.IsNullOrWhiteSpace(reason) ? "" : $": {reason}";

    /// <summary>The read-only check in front of an authorizer that is not a <see cref="ToolCallGate"/> (tests, embedders).</summary>
    private sealed class ReadOnlyAuthorizer(IToolCallAuthorizer inner, string workingDirectory, string homeDirectory) : IToolCallGate
    {
        public ValueTask<ToolCallAuthorization> AuthorizeAsync(string toolName, JsonElement arguments, CancellationToken cancellationToken)
        {
            if (toolName == "Bash" && BashReadOnly.WhyNot(PermissionFacts.Argument(arguments, "command") ?? "", workingDirectory, homeDirectory) is { } why)
            {
                return ValueTask.FromResult(ToolCallAuthorization.Deny($"this agent is read-only: {why}"));
            }
            return inner.AuthorizeAsync(toolName, arguments, cancellationToken);
        }

        public ValueTask<AgentHookVerdict> ToolFinishedAsync(AgentToolCall toolCall, CancellationToken cancellationToken) =>
            inner is IToolCallGate gate ? gate.ToolFinishedAsync(toolCall, cancellationToken) : ValueTask.FromResult(AgentHookVerdict.None);
    }
}

/// <summary>One call through <see cref="ToolCallGate.RunAsync"/>: the decision, the arguments it ran with, its result and the PostToolUse verdict (null when refused).</summary>
public sealed record GatedToolCall(ToolCallAuthorization Authorization, JsonElement Arguments, ToolResult? Result, AgentHookVerdict? After);
