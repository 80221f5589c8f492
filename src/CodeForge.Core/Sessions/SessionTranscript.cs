using Microsoft.Extensions.AI;

namespace CodeForge.Core.Sessions;

/// <summary>
/// What <see cref="SessionReader"/> read from a transcript: the entries of its complete, valid lines (in file order),
/// the damaged lines it skipped, and the conversation rebuilt from the entries.
/// </summary>
/// <remarks>Immutable; safe to share between threads. <see cref="Messages"/> builds new message objects on each call.</remarks>
public sealed class SessionTranscript
{
    internal SessionTranscript(IReadOnlyList<SessionEntry> entries, IReadOnlyList<SessionLineError> errors, SessionLineError? tornTail, long completeLength, long length)
    {
        Entries = entries;
        Errors = errors;
        TornTail = tornTail;
        CompleteLength = completeLength;
        Length = length;
    }

    /// <summary>Every readable entry, in file order.</summary>
    public IReadOnlyList<SessionEntry> Entries { get; }

    /// <summary>Invalid lines in the middle of the file (skipped), with their line numbers.</summary>
    public IReadOnlyList<SessionLineError> Errors { get; }

    /// <summary>The skipped last line when it was incomplete or invalid (a crash's torn write), else null.</summary>
    public SessionLineError? TornTail { get; }

    /// <summary>Bytes up to and including the last complete line's newline.</summary>
    public long CompleteLength { get; }

    /// <summary>Bytes read (the file's length when it was read, torn tail included).</summary>
    public long Length { get; }

    /// <summary>The session's start event (first line), if present.</summary>
    public SessionEntry? StartEvent =>
        Entries.FirstOrDefault(e => e.Type == SessionEntryType.Event && e.Subtype == SessionEntry.SessionStartSubtype);

    /// <summary>The full conversation, as the model saw it before any compaction (see <see cref="SessionConversation.Build"/>).</summary>
    public IReadOnlyList<ChatMessage> Messages => SessionConversation.Build(Entries);

    /// <summary>The conversation the model sees now: after the last compact boundary, its summary plus the kept messages.</summary>
    public IReadOnlyList<ChatMessage> EffectiveMessages => SessionConversation.BuildEffective(Entries);
}
