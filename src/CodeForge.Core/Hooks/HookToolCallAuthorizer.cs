using System.Text.Json;
using CodeForge.Core.Agent;
using CodeForge.Core.Permissions;

namespace CodeForge.Core.Hooks;

/// <summary>
/// The hook part of the tool-call gate, around the permission part. A call the rules deny is refused without hooks.
/// Otherwise PreToolUse hooks run: a block (exit 2 or <c>permissionDecision: deny</c>) refuses the call with the hook's
/// reason; <c>updatedInput</c> replaces the arguments (which are checked against the rules again); <c>allow</c> skips an
/// "ask"; <c>ask</c> asks even where the rules allow. A call that still needs asking fires PermissionRequest hooks, whose
/// <c>allow</c>/<c>deny</c> answer for the user; if none answers, the inner authorizer (the prompt, or a denial in
/// headless mode) decides.
/// </summary>
/// <remarks>Thread-safe: stateless apart from its collaborators, which are thread-safe; called concurrently for parallel
/// tool calls. Prompts go through the inner authorizer (one at a time there); the rare "hook asks, rules allow" prompt
/// goes to <c>prompt</c> directly.</remarks>
public sealed class HookToolCallAuthorizer(IToolCallAuthorizer inner, PermissionChecker checker, HookSession hooks, IPermissionPrompt? prompt = null)
    : IToolCallAuthorizer
{
    public async ValueTask<ToolCallAuthorization> AuthorizeAsync(string toolName, JsonElement arguments, CancellationToken cancellationToken)
    {
        var rules = checker.Check(toolName, arguments);
        if (rules.IsDenied)
        {
            return ToolCallAuthorization.Deny(rules.Reason);
        }
        var pre = await hooks.PreToolUseAsync(toolName, arguments, cancellationToken).ConfigureAwait(false);
        if (pre.Blocked)
        {
            return ToolCallAuthorization.Deny($"blocked by a PreToolUse hook: {pre.BlockReason}");
        }
        if (pre.StopRun)
        {
            return ToolCallAuthorization.Deny($"a hook stopped the run: {pre.StopReason}");
        }
        var updated = pre.UpdatedInput;
        var input = updated ?? arguments;
        if (updated is { } changed)
        {
            rules = checker.Check(toolName, changed);
            if (rules.IsDenied)
            {
                return ToolCallAuthorization.Deny($"{rules.Reason} (the input as rewritten by a PreToolUse hook)");
            }
        }
        var hookAsks = pre.PermissionDecision == HookPermissionDecision.Ask;
        if (pre.PermissionDecision == HookPermissionDecision.Allow)
        {
            return ToolCallAuthorization.Allow($"allowed by a PreToolUse hook{Suffix(pre.PermissionDecisionReason)}") with { UpdatedArguments = updated };
        }
        if (!hookAsks && !rules.NeedsConfirmation)
        {
            return ToolCallAuthorization.Allow(rules.Reason) with { UpdatedArguments = updated };
        }
        var request = await hooks.PermissionRequestAsync(toolName, input, cancellationToken).ConfigureAwait(false);
        switch (request.PermissionRequestBehavior)
        {
            case HookPermissionDecision.Deny:
                return ToolCallAuthorization.Deny($"denied by a PermissionRequest hook{Suffix(request.PermissionRequestMessage)}");
            case HookPermissionDecision.Allow:
                return ToolCallAuthorization.Allow("allowed by a PermissionRequest hook") with { UpdatedArguments = request.UpdatedInput ?? updated };
        }
        if (rules.NeedsConfirmation)
        {
            var answer = await inner.AuthorizeAsync(toolName, input, cancellationToken).ConfigureAwait(false);
            return answer.Allowed && answer.UpdatedArguments is null ? answer with { UpdatedArguments = updated } : answer;
        }
        var why = $"a PreToolUse hook asks for confirmation{Suffix(pre.PermissionDecisionReason)}";
        if (prompt is null)
        {
            return ToolCallAuthorization.Deny($"{why}. This session cannot ask the user (non-interactive).");
        }
        var asked = await prompt.AskAsync(toolName, input, new PermissionDecision(PermissionBehavior.Ask, null, null, why), cancellationToken).ConfigureAwait(false);
        return asked.Allowed && asked.UpdatedArguments is null ? asked with { UpdatedArguments = updated } : asked;
    }

    private static string Suffix(string? reason) => string.IsNullOrWhiteSpace(reason) ? "" : $": {reason}";
}
