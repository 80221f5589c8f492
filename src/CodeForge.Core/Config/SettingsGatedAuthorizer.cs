using System.Text.Json;
using CodeForge.Core.Agent;

namespace CodeForge.Core.Config;

/// <summary>
/// A tool-call gate that decides each call wholly on one settings version: it holds the <see cref="SettingsGate"/> for
/// the whole of <paramref name="inner"/>'s decision (rules, hooks, a prompt), so a settings change waits for it, and a call
/// that starts after a change was picked up is decided on the new version.
/// </summary>
/// <remarks>Thread-safe: parallel calls hold the gate together. <paramref name="inner"/> must not call back into a gated
/// authorizer on the same gate (a subagent's calls are decided after the Task call's decision has ended).</remarks>
public sealed class SettingsGatedAuthorizer(SettingsGate gate, IToolCallAuthorizer inner) : IToolCallAuthorizer
{
    public async ValueTask<ToolCallAuthorization> AuthorizeAsync(string toolName, JsonElement arguments, CancellationToken cancellationToken)
    {
        using var lease = await gate.EnterAsync(cancellationToken).ConfigureAwait(false);
        return await inner.AuthorizeAsync(toolName, arguments, cancellationToken).ConfigureAwait(false);
    }
}
