namespace CodeForge.Core.Sessions;

/// <summary>Where and how a <see cref="SessionManager"/> keeps sessions.</summary>
/// <remarks>Immutable (init-only); safe to share between threads and between writers/managers.</remarks>
public sealed record SessionManagerOptions
{
    /// <summary>The root folder (<c>~/.forge</c> when null); sessions go under <c>projects/&lt;project&gt;/</c>.</summary>
    public string? RootDirectory { get; init; }

    /// <summary>The clock for entry timestamps.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>False for <c>--no-session-persistence</c>: sessions live in memory and nothing is written to disk.</summary>
    public bool PersistSessions { get; init; } = true;

    /// <summary>How transcripts are written.</summary>
    public SessionWriterOptions WriterOptions { get; init; } = SessionWriterOptions.Default;
}
