using System.Collections.Immutable;

namespace CodeForge.Core.Sessions;

/// <summary>
/// The sessions of one project (working directory): create (<c>--session-id</c>), resume (<c>-r/--resume</c>), continue
/// the latest (<c>-c/--continue</c>), fork (<c>--fork-session</c>), list (<c>forge sessions list</c>), and the same API
/// with nothing written (<c>--no-session-persistence</c>). Transcripts live in
/// <c>&lt;root&gt;/projects/&lt;project&gt;/&lt;session-id&gt;.jsonl</c> (<see cref="SessionPaths"/>).
/// </summary>
/// <remarks>
/// Thread-safe and multi-process safe; it keeps no mutable state of its own, so any number of threads and
/// <c>forge</c> processes may use managers on the same project at once. Concurrent creates get distinct sessions (new ids
/// are random UUIDs; a given id is claimed by creating its file exclusively, so exactly one creator wins and the others
/// get <see cref="SessionAlreadyExistsException"/> or <see cref="SessionLockedException"/>). Opening a session for writing
/// (create, resume, fork's new session) takes its writer lock: of concurrent opens of one id exactly one succeeds and the
/// others get <see cref="SessionLockedException"/>. Listing and <see cref="ReadTranscript"/> never take a writer lock.
/// </remarks>
public sealed class SessionManager
{
    private readonly SessionManagerOptions _options;
    private readonly SessionIndex _index;

    public SessionManager(string workingDirectory, SessionManagerOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workingDirectory);
        _options = options ?? new SessionManagerOptions();
        ArgumentNullException.ThrowIfNull(_options.TimeProvider, "options.TimeProvider");
        ArgumentNullException.ThrowIfNull(_options.WriterOptions, "options.WriterOptions");
        WorkingDirectory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(workingDirectory));
        RootDirectory = Path.GetFullPath(_options.RootDirectory ?? SessionPaths.DefaultRootDirectory);
        ProjectDirectory = SessionPaths.ProjectDirectory(RootDirectory, WorkingDirectory);
        _index = new SessionIndex(ProjectDirectory, _options.TimeProvider);
    }

    /// <summary>The project's working directory (absolute).</summary>
    public string WorkingDirectory { get; }

    /// <summary>The root folder (<c>~/.forge</c> by default).</summary>
    public string RootDirectory { get; }

    /// <summary>The folder holding this project's transcripts and index.</summary>
    public string ProjectDirectory { get; }

    /// <summary>False for <c>--no-session-persistence</c>.</summary>
    public bool PersistSessions => _options.PersistSessions;

    /// <summary>The transcript path of a session of this project (the id is validated).</summary>
    public string GetTranscriptPath(string sessionId) => SessionPaths.TranscriptPath(ProjectDirectory, sessionId);

    /// <summary>True when a transcript exists for <paramref name="sessionId"/>.</summary>
    public bool Exists(string sessionId) => File.Exists(GetTranscriptPath(sessionId));

    /// <summary>
    /// Creates a session, with a new random id or the given one (<c>--session-id</c>: a UUID not used yet in this
    /// project), and opens it for writing.
    /// </summary>
    public async Task<Session> CreateAsync(string? sessionId = null, CancellationToken cancellationToken = default)
    {
        var id = sessionId is null ? Guid.NewGuid().ToString("D") : SessionPaths.NormalizeSessionId(sessionId);
        return await StartAsync(id, forkedFrom: null, [], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Resumes a session (<c>--resume &lt;id&gt;</c>): loads its transcript and, when persisting, opens it for writing.
    /// <see cref="Session.Messages"/> is then exactly the conversation recorded.
    /// </summary>
    public async Task<Session> OpenAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        var id = SessionPaths.NormalizeSessionId(sessionId);
        var path = GetTranscriptPath(id);
        if (!_options.PersistSessions)
        {
            var readOnly = await SessionReader.ReadAsync(path, cancellationToken).ConfigureAwait(false);
            return new Session(id, WorkingDirectory, null, null, [.. readOnly.Entries], _options.TimeProvider);
        }
        var writer = SessionWriter.OpenExisting(path, id, _options.WriterOptions);
        try
        {
            // Read under the writer lock: no other writer can append meanwhile, and the torn tail is already cut off.
            var transcript = await SessionReader.ReadAsync(path, cancellationToken).ConfigureAwait(false);
            var session = new Session(id, WorkingDirectory, writer, _index, [.. transcript.Entries], _options.TimeProvider);
            if (writer.RepairedBytes == 0)
            {
                // Nothing changed on disk by opening: closing it unchanged need not touch the index.
                session.MarkIndexed();
            }
            return session;
        }
        catch
        {
            await writer.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Resumes the most recently updated session of the project (<c>--continue</c>); null if there is none.</summary>
    public async Task<Session?> OpenLatestAsync(CancellationToken cancellationToken = default) =>
        GetLatest() is { } latest ? await OpenAsync(latest.SessionId, cancellationToken).ConfigureAwait(false) : null;

    /// <summary>
    /// Forks a session (<c>--resume &lt;id&gt; --fork-session</c>): a new session (new random id or
    /// <paramref name="newSessionId"/>) that starts with a copy of the source's conversation and records
    /// <see cref="Session.ForkedFrom"/>. The source is only read (it may be open in another process) and is not changed.
    /// </summary>
    public async Task<Session> ForkAsync(string sourceSessionId, string? newSessionId = null, CancellationToken cancellationToken = default)
    {
        var sourceId = SessionPaths.NormalizeSessionId(sourceSessionId, nameof(sourceSessionId));
        var id = newSessionId is null ? Guid.NewGuid().ToString("D") : SessionPaths.NormalizeSessionId(newSessionId, nameof(newSessionId));
        if (id == sourceId)
        {
            throw new ArgumentException($"A fork needs a new session id; {id} is the source's own id.", nameof(newSessionId));
        }
        var source = await SessionReader.ReadAsync(GetTranscriptPath(sourceId), cancellationToken).ConfigureAwait(false);
        return await StartAsync(id, sourceId, source.Entries, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The project's sessions, newest (last updated) first (<c>forge sessions list</c>).</summary>
    public IReadOnlyList<SessionSummary> ListSessions() => _index.List(writeRepairs: _options.PersistSessions);

    /// <summary>The most recently updated session of the project, or null.</summary>
    public SessionSummary? GetLatest() => ListSessions() is [var latest, ..] ? latest : null;

    /// <summary>Reads a session's transcript without opening it for writing (works while another process writes it).</summary>
    public SessionTranscript ReadTranscript(string sessionId) => SessionReader.Read(GetTranscriptPath(sessionId));

    /// <summary>Reads a session's transcript without opening it for writing (works while another process writes it).</summary>
    public Task<SessionTranscript> ReadTranscriptAsync(string sessionId, CancellationToken cancellationToken = default) =>
        SessionReader.ReadAsync(GetTranscriptPath(sessionId), cancellationToken);

    /// <summary>Rebuilds the project's index from its transcripts.</summary>
    public IReadOnlyList<SessionSummary> RebuildIndex() =>
        _options.PersistSessions ? _index.Rebuild() : _index.List(writeRepairs: false);

    // Creates the session's transcript (exclusively) with its start event and any copied entries, durable before return.
    private async Task<Session> StartAsync(string id, string? forkedFrom, IReadOnlyList<SessionEntry> copied, CancellationToken cancellationToken)
    {
        var time = _options.TimeProvider;
        var start = new SessionEntry(SessionEntryType.Event, Guid.NewGuid().ToString("D"), null, id, time.GetUtcNow())
        {
            Subtype = SessionEntry.SessionStartSubtype,
            Cwd = WorkingDirectory,
            ForkedFrom = forkedFrom,
        };
        var entries = ImmutableList.CreateBuilder<SessionEntry>();
        entries.Add(start);
        var sourceStart = copied.FirstOrDefault(e => e.Subtype == SessionEntry.SessionStartSubtype)?.Uuid;
        foreach (var entry in copied)
        {
            if (entry.Uuid == sourceStart)
            {
                continue;
            }
            entries.Add(entry with
            {
                SessionId = id,
                ParentUuid = entry.ParentUuid is null || entry.ParentUuid == sourceStart ? start.Uuid : entry.ParentUuid,
            });
        }
        var all = entries.ToImmutable();
        if (!_options.PersistSessions)
        {
            return new Session(id, WorkingDirectory, null, null, all, time);
        }
        var path = GetTranscriptPath(id);
        var writer = SessionWriter.Create(path, id, _options.WriterOptions);
        try
        {
            await writer.AppendRangeAsync(all, cancellationToken).ConfigureAwait(false);
            await writer.CommitTurnAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Still holding the lock: remove the half-made session so its id is free again.
            TryDelete(path);
            await writer.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        var session = new Session(id, WorkingDirectory, writer, _index, all, time);
        if (_index.Upsert(session.GetSummary()))
        {
            session.MarkIndexed();
        }
        return session;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // A reader may hold it open on Windows; the index skips a transcript without a start event's messages.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }
}
