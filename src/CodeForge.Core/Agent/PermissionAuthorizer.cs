using System.Text.Json;
using CodeForge.Core.Permissions;

namespace CodeForge.Core.Agent;

/// <summary>What to do when the rules say "ask".</summary>
public interface IPermissionPrompt
{
    /// <summary>Asks the user about one tool call; returns the answer.</summary>
    ValueTask<ToolCallAuthorization> AskAsync(string toolName, JsonElement arguments, PermissionDecision decision, CancellationToken cancellationToken);
}

/// <summary>
/// The permission part of the tool-call gate: allow and deny decisions of the <see cref="PermissionChecker"/> are final;
/// an "ask" goes to the prompt, or, with no prompt (headless <c>forge -p</c>, as Claude Code does), becomes a denial the
/// model is told about.
/// </summary>
/// <remarks>
/// Thread-safe: the checker evaluates an immutable snapshot per call. Prompts are serialized here (one at a time, in the
/// order the calls reach the gate), so a prompt implementation never sees two questions at once.
/// </remarks>
public sealed class PermissionAuthorizer(PermissionChecker checker, IPermissionPrompt? prompt = null) : IToolCallAuthorizer, IDisposable
{
    private readonly SemaphoreSlim _oneQuestionAtATime = new(1, 1);

    public void Dispose() => _oneQuestionAtATime.Dispose();

    public async ValueTask<ToolCallAuthorization> AuthorizeAsync(string toolName, JsonElement arguments, CancellationToken cancellationToken)
    {
        var decision = checker.Check(toolName, arguments);
        switch (decision.Behavior)
        {
            case PermissionBehavior.Allow:
                return ToolCallAuthorization.Allow(decision.Reason);
            case PermissionBehavior.Deny:
                return ToolCallAuthorization.Deny(decision.Reason);
        }
        if (prompt is null)
        {
            return ToolCallAuthorization.Deny(
                $"{decision.Reason}. This session cannot ask the user (non-interactive); allow it with --allowedTools or a permissions.allow rule.");
        }
        await _oneQuestionAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // The rules may have changed while this call waited (an earlier answer added "always allow"): check again.
            var again = checker.Check(toolName, arguments);
            if (again.Behavior != PermissionBehavior.Ask)
            {
                return again.IsAllowed ? ToolCallAuthorization.Allow(again.Reason) : ToolCallAuthorization.Deny(again.Reason);
            }
            return await prompt.AskAsync(toolName, arguments, again, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _oneQuestionAtATime.Release();
        }
    }
}
