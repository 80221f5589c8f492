using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace CodeForge.Core.Sessions;

/// <summary>
/// An open session: the conversation so far plus an append-only record of everything that happens next. Created,
/// resumed and forked by <see cref="SessionManager"/>. A persistent session owns its transcript's
/// <see cref="SessionWriter"/> (so it is the session's only writer) until disposed; an in-memory session
/// (<c>--no-session-persistence</c>) has the same API and writes nothing.
/// </summary>
/// <remarks>
/// <para>Thread-safe. The <c>Append*</c> methods may be called concurrently (parallel tool calls appending their results);
/// they serialize on an async lock, and each one is atomic: the entry gets its <see cref="SessionEntry.ParentUuid"/>
/// (the entry appended before it), is written as one whole line, and joins <see cref="Entries"/>, in the same order in
/// the file and in memory. An append that fails to write changes nothing.</para>
/// <para><see cref="Entries"/>, <see cref="Messages"/> and <see cref="EffectiveMessages"/> read an immutable snapshot: a
/// reader sees every append that completed before it started and none that started after it ended. Writing an entry's
/// line and publishing the snapshot that holds it happen in one short critical section, which snapshot reads share (they
/// take it only to read one reference, never across I/O of their own); so with
/// <see cref="SessionWriterOptions.FlushEachLine"/> (the default) this session's memory and its transcript, read by any
/// process, are linearizable together: once a reader of the file has seen an entry, a later snapshot has it too, and
/// vice versa. (With buffering the file lags until <see cref="CommitTurnAsync"/>.)</para>
/// <para><see cref="CommitTurnAsync"/> makes everything appended so far durable (fsync) and updates the project's
/// index. <see cref="DisposeAsync"/> commits and releases the writer lock; appends after it throw
/// <see cref="ObjectDisposedException"/>.</para>
/// </remarks>
public sealed class Session : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    // Makes "write the line" and "publish the new snapshot" one step for readers of Entries (see remarks).
    private readonly object _publish = new();
    private readonly SessionWriter? _writer;
    private readonly SessionIndex? _index;
    private readonly TimeProvider _time;
    private ImmutableList<SessionEntry> _entries;
    private ImmutableList<SessionEntry>? _indexed;
    // The index summary of _entries (FileLength aside), kept up to date per append so a commit costs O(1), not O(n).
    private SessionSummary _stats;
    private int _disposed;

    internal Session(
        string id,
        string workingDirectory,
        SessionWriter? writer,
        SessionIndex? index,
        ImmutableList<SessionEntry> entries,
        TimeProvider time)
    {
        Id = id;
        WorkingDirectory = workingDirectory;
        _writer = writer;
        _index = index;
        _entries = entries;
        _time = time;
        _stats = SessionSummary.FromEntries(id, entries, 0, time.GetUtcNow());
        ForkedFrom = entries.FirstOrDefault(e => e.Subtype == SessionEntry.SessionStartSubtype)?.ForkedFrom;
    }

    /// <summary>The session id (a lower-case UUID).</summary>
    public string Id { get; }

    /// <summary>The working directory (project) the session belongs to.</summary>
    public string WorkingDirectory { get; }

    /// <summary>The session this one was forked from, if any.</summary>
    public string? ForkedFrom { get; }

    /// <summary>True when the session is written to a transcript; false for <c>--no-session-persistence</c>.</summary>
    public bool IsPersistent => _writer is not null;

    /// <summary>The transcript file, or null when not persistent.</summary>
    public string? TranscriptPath => _writer?.TranscriptPath;

    /// <summary>Every entry, loaded and appended, in order (a snapshot).</summary>
    public IReadOnlyList<SessionEntry> Entries
    {
        get
        {
            lock (_publish)
            {
                return _entries;
            }
        }
    }

    /// <summary>The full conversation (see <see cref="SessionConversation.Build"/>).</summary>
    public IReadOnlyList<ChatMessage> Messages => SessionConversation.Build(Entries);

    /// <summary>The conversation to give the model: after the last compact boundary, its summary and the kept messages.</summary>
    public IReadOnlyList<ChatMessage> EffectiveMessages => SessionConversation.BuildEffective(Entries);

    /// <summary>
    /// Appends a conversation message: a user, assistant (with its tool calls and usage) or system message, or a tool
    /// message (recorded as <c>tool_result</c>). The message and its content list are copied (adding content to it later
    /// changes nothing here); the content objects themselves are shared, so do not modify them after appending.
    /// </summary>
    public Task<SessionEntry> AppendMessageAsync(ChatMessage message, UsageDetails? usage = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var type = TypeOf(message.Role, nameof(message));
        var copy = Copy(message);
        return AppendAsync(type, e => e with { Message = copy, Usage = usage }, cancellationToken);
    }

    /// <summary>Appends one tool call of the last assistant message (it joins that message on resume).</summary>
    public Task<SessionEntry> AppendToolCallAsync(FunctionCallContent call, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        var message = new ChatMessage(ChatRole.Assistant, [call]);
        return AppendAsync(SessionEntryType.ToolCall, e => e with { Message = message }, cancellationToken);
    }

    /// <summary>
    /// Appends one tool result as soon as its tool finishes (results of parallel calls may come in any order; on resume
    /// they join one tool message in call order).
    /// </summary>
    public Task<SessionEntry> AppendToolResultAsync(FunctionResultContent result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        var message = new ChatMessage(ChatRole.Tool, [result]);
        return AppendAsync(SessionEntryType.ToolResult, e => e with { Message = message }, cancellationToken);
    }

    /// <summary>Appends an event that is not part of the conversation (e.g. <c>hook</c>, <c>permission</c>).</summary>
    public Task<SessionEntry> AppendEventAsync(string subtype, JsonElement? data = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subtype);
        if (subtype is SessionEntry.SessionStartSubtype or SessionEntry.CompactBoundarySubtype)
        {
            throw new ArgumentException(
                $"Event subtype '{subtype}' is reserved; use {nameof(AppendCompactBoundaryAsync)} for compaction.", nameof(subtype));
        }
        var copy = data?.Clone();
        return AppendAsync(SessionEntryType.Event, e => e with { Subtype = subtype, Data = copy }, cancellationToken);
    }

    /// <summary>
    /// Appends a compaction boundary: from now on <see cref="EffectiveMessages"/> is <paramref name="summary"/> (as a user
    /// message), then the messages from the entry <paramref name="keepFromUuid"/> (if given) up to the boundary, then
    /// whatever is appended after it. <see cref="Messages"/> still returns the whole conversation.
    /// </summary>
    public Task<SessionEntry> AppendCompactBoundaryAsync(string summary, string? keepFromUuid = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return AppendAsync(
            SessionEntryType.Event,
            e => e with { Subtype = SessionEntry.CompactBoundarySubtype, Summary = summary, KeepFromUuid = keepFromUuid },
            cancellationToken,
            validate: entries =>
            {
                if (keepFromUuid is not null && !entries.Any(x => x.Uuid == keepFromUuid && x.IsMessage))
                {
                    throw new ArgumentException(
                        $"Cannot keep messages from entry '{keepFromUuid}': session {Id} has no message entry with that uuid.",
                        nameof(keepFromUuid));
                }
            });
    }

    /// <summary>
    /// Ends a turn: everything appended so far is fsynced (survives a crash of the machine) and the project's index is
    /// updated. A no-op for an in-memory session.
    /// </summary>
    public async Task CommitTurnAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_writer is null)
        {
            return;
        }
        SessionSummary? summary;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            await _writer.CommitTurnAsync(CancellationToken.None).ConfigureAwait(false);
            summary = TakeSummaryIfChanged();
        }
        finally
        {
            _gate.Release();
        }
        if (summary is not null)
        {
            _index?.Upsert(summary);
        }
    }

    // Caller holds _gate. The summary to index, or null when the index already has this state.
    private SessionSummary? TakeSummaryIfChanged()
    {
        var entries = _entries;
        if (ReferenceEquals(entries, _indexed))
        {
            return null;
        }
        _indexed = entries;
        return SummarizeCore();
    }

    /// <summary>Records that the index already holds the session as it is now (set when the manager indexes it).</summary>
    internal void MarkIndexed() => _indexed = (ImmutableList<SessionEntry>)Entries;

    /// <summary>The session as the index lists it.</summary>
    public SessionSummary GetSummary() => SummarizeCore();

    private SessionSummary SummarizeCore() => Volatile.Read(ref _stats) with { FileLength = _writer?.Length ?? 0 };

    /// <summary>Commits, updates the index and releases the writer lock. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        SessionSummary? summary = null;
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }
            if (_writer is not null)
            {
                await _writer.DisposeAsync().ConfigureAwait(false);
                summary = TakeSummaryIfChanged();
            }
        }
        finally
        {
            _gate.Release();
        }
        if (summary is not null)
        {
            _index?.Upsert(summary);
        }
    }

    private async Task<SessionEntry> AppendAsync(
        SessionEntryType type,
        Func<SessionEntry, SessionEntry> complete,
        CancellationToken cancellationToken,
        Action<ImmutableList<SessionEntry>>? validate = null)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            var entries = _entries;
            validate?.Invoke(entries);
            var entry = complete(new SessionEntry(
                type,
                Guid.NewGuid().ToString("D"),
                entries.IsEmpty ? null : entries[^1].Uuid,
                Id,
                _time.GetUtcNow()));
            var line = _writer is null ? null : SessionJson.ToLine(entry);
            var next = entries.Add(entry);
            lock (_publish)
            {
                _writer?.AppendEncoded(line, 1);
                _entries = next;
            }
            Volatile.Write(ref _stats, _stats.Extend(entry));
            return entry;
        }
        finally
        {
            _gate.Release();
        }
    }

    private static SessionEntryType TypeOf(ChatRole role, string paramName)
    {
        if (role == ChatRole.User)
        {
            return SessionEntryType.User;
        }
        if (role == ChatRole.Assistant)
        {
            return SessionEntryType.Assistant;
        }
        if (role == ChatRole.System)
        {
            return SessionEntryType.System;
        }
        if (role == ChatRole.Tool)
        {
            return SessionEntryType.ToolResult;
        }
        throw new ArgumentException(
            $"Cannot record a message with role '{role}': a session records user, assistant, system and tool messages.", paramName);
    }

    private static ChatMessage Copy(ChatMessage message)
    {
        var copy = message.Clone();
        copy.Contents = [.. message.Contents];
        return copy;
    }
}
