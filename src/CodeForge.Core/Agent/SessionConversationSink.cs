using System.Runtime.CompilerServices;
using CodeForge.Core.Sessions;
using Microsoft.Extensions.AI;

namespace CodeForge.Core.Agent;

/// <summary>
/// Records a conversation in a <see cref="Session"/> transcript as it happens, and a compaction as a
/// <c>compact_boundary</c> entry whose summary and kept messages make <see cref="Session.EffectiveMessages"/> equal the
/// compacted conversation (so a resumed session starts where this one left off). Earlier lines are never touched.
/// </summary>
/// <remarks>
/// Thread-safe: the session serializes appends; the message-to-entry map is a <see cref="ConditionalWeakTable{TKey,TValue}"/>.
/// The loop calls it one call at a time.
/// </remarks>
public sealed class SessionConversationSink : IConversationSink
{
    private readonly Session _session;
    private readonly ConditionalWeakTable<ChatMessage, string> _uuids = [];

    /// <summary>Creates the sink; the messages already in <paramref name="session"/> are known by their entries.</summary>
    public SessionConversationSink(Session session)
    {
        _session = session ?? throw new ArgumentNullException(nameof(session));
        foreach (var entry in session.Entries)
        {
            if (entry.Message is { } message)
            {
                _uuids.AddOrUpdate(message, entry.Uuid);
            }
        }
    }

    public async ValueTask AppendAsync(ChatMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var entry = await _session.AppendMessageAsync(message, cancellationToken: cancellationToken).ConfigureAwait(false);
        _uuids.AddOrUpdate(message, entry.Uuid);
    }

    public async ValueTask CommitTurnAsync(CancellationToken cancellationToken) =>
        await _session.CommitTurnAsync(cancellationToken).ConfigureAwait(false);

    public async ValueTask CompactedAsync(CompactionRecord compaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(compaction);
        var summary = compaction.SummaryMessage.Text;
        if (compaction.Kept.Count == 0)
        {
            await _session.AppendCompactBoundaryAsync(summary, null, cancellationToken).ConfigureAwait(false);
        }
        else if (_uuids.TryGetValue(compaction.Kept[0], out var first))
        {
            await _session.AppendCompactBoundaryAsync(summary, first, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // The kept messages are not lines of this transcript as they are (e.g. rebuilt on resume): record them again
            // after the boundary, so the effective view is still exactly the compacted conversation.
            await _session.AppendCompactBoundaryAsync(summary, null, cancellationToken).ConfigureAwait(false);
            foreach (var message in compaction.Kept)
            {
                await AppendAsync(message, cancellationToken).ConfigureAwait(false);
            }
        }
        await _session.CommitTurnAsync(cancellationToken).ConfigureAwait(false);
    }
}
