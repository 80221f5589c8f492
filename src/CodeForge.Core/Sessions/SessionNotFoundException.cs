namespace CodeForge.Core.Sessions;

/// <summary>No transcript exists for the session id in this project.</summary>
public sealed class SessionNotFoundException : SessionException
{
    public SessionNotFoundException()
    {
    }

    public SessionNotFoundException(string message)
        : base(message)
    {
    }

    public SessionNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public SessionNotFoundException(string sessionId, string transcriptPath, Exception? innerException = null)
        : base(sessionId, $"Session {sessionId} was not found: no transcript at {transcriptPath}.", innerException)
    {
        TranscriptPath = transcriptPath;
    }

    /// <summary>Where the transcript was looked for.</summary>
    public string? TranscriptPath { get; }
}
