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

    /// <summary>
    /// The conversation is about to become <see cref="CompactionRecord.SummaryMessage"/> followed by
    /// <see cref="CompactionRecord.Kept"/> (messages this sink recorded earlier, in order). A transcript records a
    /// boundary so a resumed session starts from the same view; it must keep every earlier line. If this throws, the
    /// conversation is left as it was.
    /// </summary>
    ValueTask CompactedAsync(CompactionRecord compaction, CancellationToken cancellationToken);
}

/// <summary>What a compaction replaces: the new first message, and the recent messages kept after it.</summary>
/// <param name="SummaryMessage">The user message holding the summary (and what is kept verbatim).</param>
/// <param name="Kept">The most recent messages kept as they were, in order (may be empty).</param>
/// <param name="Result">Sizes and trigger.</param>
public sealed record CompactionRecord(ChatMessage SummaryMessage, IReadOnlyList<ChatMessage> Kept, CompactionResult Result);

/// <summary>Records nothing (<c>--no-session-persistence</c>, tests).</summary>
public sealed class NullConversationSink : IConversationSink
{
    public static NullConversationSink Instance { get; } = new();

    public ValueTask AppendAsync(ChatMessage message, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask CommitTurnAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask CompactedAsync(CompactionRecord compaction, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
