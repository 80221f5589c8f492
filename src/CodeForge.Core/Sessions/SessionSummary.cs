namespace CodeForge.Core.Sessions;

/// <summary>One session in a project's index (<c>forge sessions list</c>).</summary>
/// <remarks>Immutable; safe to share between threads.</remarks>
/// <param name="SessionId">The session id.</param>
/// <param name="Title">The first user prompt with whitespace collapsed, at most 80 characters (null if none yet).</param>
/// <param name="Created">When the session started (its start event; else its first entry).</param>
/// <param name="Updated">The latest entry timestamp.</param>
/// <param name="MessageCount">Message lines (every entry but events).</param>
/// <param name="FileLength">Transcript bytes when this summary was taken; a different length marks the summary stale.</param>
/// <param name="ForkedFrom">The session this one was forked from, if any.</param>
/// <param name="Cwd">The working directory recorded at the session's start.</param>
public sealed record SessionSummary(
    string SessionId,
    string? Title,
    DateTimeOffset Created,
    DateTimeOffset Updated,
    int MessageCount,
    long FileLength,
    string? ForkedFrom = null,
    string? Cwd = null)
{
    private const int MaxTitleLength = 80;

    /// <summary>Summarises a transcript.</summary>
    public static SessionSummary FromEntries(string sessionId, IReadOnlyList<SessionEntry> entries, long fileLength, DateTimeOffset fallbackTime)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var start = entries.FirstOrDefault(e => e.Type == SessionEntryType.Event && e.Subtype == SessionEntry.SessionStartSubtype);
        var firstUser = entries.FirstOrDefault(e => e.Type == SessionEntryType.User && !string.IsNullOrWhiteSpace(e.Message?.Text));
        return new SessionSummary(
            sessionId,
            firstUser is null ? null : MakeTitle(firstUser.Message!.Text),
            start?.Timestamp ?? (entries.Count > 0 ? entries[0].Timestamp : fallbackTime),
            entries.Count > 0 ? entries.Max(e => e.Timestamp) : fallbackTime,
            entries.Count(e => e.IsMessage),
            fileLength,
            start?.ForkedFrom,
            start?.Cwd);
    }

    /// <summary>This summary after <paramref name="entry"/> is appended (what <see cref="FromEntries"/> would give).</summary>
    internal SessionSummary Extend(SessionEntry entry) => this with
    {
        Title = Title ?? (entry.Type == SessionEntryType.User && !string.IsNullOrWhiteSpace(entry.Message?.Text) ? MakeTitle(entry.Message.Text) : null),
        Updated = entry.Timestamp > Updated ? entry.Timestamp : Updated,
        MessageCount = MessageCount + (entry.IsMessage ? 1 : 0),
    };

    /// <summary><paramref name="text"/> with whitespace runs (newlines too) collapsed to one space, cut to 80 characters with an ellipsis.</summary>
    public static string MakeTitle(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var line = string.Join(' ', words);
        return line.Length <= MaxTitleLength ? line : string.Concat(line.AsSpan(0, MaxTitleLength - 1), "…");
    }
}

/// <summary>The JSON document of <c>sessions-index.json</c>.</summary>
internal sealed record SessionIndexFile(int Version, IReadOnlyList<SessionSummary> Sessions)
{
    public const int CurrentVersion = 1;
}
