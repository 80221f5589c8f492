using System.Text.Json;
using CodeForge.Core.Permissions;

namespace CodeForge.Core.Agent;

/// <summary>
/// The parent's gate with the <c>Task</c> tool let through unless a rule denies it: starting a subagent touches nothing
/// itself, and each of the subagent's tool calls passes the parent's rules one by one (as in Claude Code, where Task needs
/// no approval). Without this, headless mode would turn Task's default "ask" into a denial. Every other tool goes to
/// <paramref name="inner"/> unchanged.
/// </summary>
/// <remarks>Thread-safe: the checker reads an immutable snapshot per call.</remarks>
public sealed class TaskPermissionAuthorizer(PermissionChecker checker, IToolCallAuthorizer inner) : IToolCallAuthorizer
{
    public ValueTask<ToolCallAuthorization> AuthorizeAsync(string toolName, JsonElement arguments, CancellationToken cancellationToken)
    {
        if (toolName != TaskTool.ToolName)
        {
            return inner.AuthorizeAsync(toolName, arguments, cancellationToken);
        }
        var decision = checker.Check(toolName, arguments);
        return ValueTask.FromResult(decision.Behavior == PermissionBehavior.Deny
            ? ToolCallAuthorization.Deny(decision.Reason)
            : ToolCallAuthorization.Allow("starting a subagent needs no approval; its own tool calls are checked"));
    }
}
