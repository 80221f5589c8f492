namespace CodeForge.Core.Sessions;

/// <summary>A session with the requested id (<c>--session-id</c>) already exists in this project.</summary>
public sealed class SessionAlreadyExistsException : SessionException
{
    public SessionAlreadyExistsException()
    {
    }

    public SessionAlreadyExistsException(string message)
        : base(message)
    {
    }

    public SessionAlreadyExistsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public SessionAlreadyExistsException(string sessionId, string transcriptPath, Exception? innerException = null)
        : base(sessionId, $"Session {sessionId} already exists ({transcriptPath}); resume it (--resume) or pick another id.", innerException)
    {
        TranscriptPath = transcriptPath;
    }

    /// <summary>The existing transcript.</summary>
    public string? TranscriptPath { get; }
}
