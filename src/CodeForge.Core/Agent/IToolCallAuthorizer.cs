using System.Text.Json;

namespace CodeForge.Core.Agent;

/// <summary>The gate's verdict on one tool call.</summary>
/// <param name="Allowed">Whether the call may run.</param>
/// <param name="Reason">Why it was refused (told to the model), or why it was allowed.</param>
/// <param name="UpdatedArguments">Arguments to run with instead (a hook may rewrite them), or null to keep them.</param>
public sealed record ToolCallAuthorization(bool Allowed, string Reason, JsonElement? UpdatedArguments = null)
{
    public static ToolCallAuthorization Allow(string reason = "allowed") => new(true, reason);

    public static ToolCallAuthorization Deny(string reason) => new(false, reason);
}

/// <summary>
/// Decides whether a tool call may run: permission rules and modes, then (when wired) hooks and the user's answer to a
/// prompt. Every tool call of the agent passes through it; nothing reaches the file system or a shell around it.
/// </summary>
/// <remarks>Called concurrently for the parallel tool calls of one response: implementations must be thread-safe, and an
/// implementation that prompts the user must show one prompt at a time.</remarks>
public interface IToolCallAuthorizer
{
    ValueTask<ToolCallAuthorization> AuthorizeAsync(string toolName, JsonElement arguments, CancellationToken cancellationToken);
}

/// <summary>Allows every call (tests, and <c>bypassPermissions</c> wiring).</summary>
public sealed class AllowAllAuthorizer : IToolCallAuthorizer
{
    public static AllowAllAuthorizer Instance { get; } = new();

    public ValueTask<ToolCallAuthorization> AuthorizeAsync(string toolName, JsonElement arguments, CancellationToken cancellationToken) =>
        ValueTask.FromResult(ToolCallAuthorization.Allow());
}
