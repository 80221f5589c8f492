using Microsoft.Extensions.AI;

namespace CodeForge.Core.Agent;

/// <summary>Where the loop records the conversation as it happens (a session transcript, or nothing).</summary>
/// <remarks>Called by the loop only, one call at a time and in conversation order.</remarks>
public interface IConversationSink
{
    /// <summary>A message joined the conversation.</summary>
    ValueTask AppendAsync(ChatMessage message, CancellationToken cancellationToken);

    /// <summary>A turn ended: make everything so far durable.</summary>
    ValueTask CommitTurnAsync(CancellationToken cancellationToken);
}

/// <summary>Records nothing (<c>--no-session-persistence</c>, tests).</summary>
public sealed class NullConversationSink : IConversationSink
{
    public static NullConversationSink Instance { get; } = new();

    public ValueTask AppendAsync(ChatMessage message, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask CommitTurnAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
