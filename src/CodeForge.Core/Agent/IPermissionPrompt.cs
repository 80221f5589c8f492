using System.Text.Json;
using CodeForge.Core.Permissions;

namespace CodeForge.Core.Agent;

/// <summary>Who answers when a tool call must ask (the rules say "ask", or a PreToolUse hook does): the terminal, or the Agent SDK.</summary>
/// <remarks>The <see cref="ToolCallGate"/> asks one question at a time, so an implementation never sees two at once.</remarks>
public interface IPermissionPrompt
{
    /// <summary>Asks the user about one tool call; returns the answer.</summary>
    ValueTask<ToolCallAuthorization> AskAsync(string toolName, JsonElement arguments, PermissionDecision decision, CancellationToken cancellationToken);
}
