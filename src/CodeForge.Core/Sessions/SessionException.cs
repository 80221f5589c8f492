namespace CodeForge.Core.Sessions;

/// <summary>The base of the session errors; each names the session it is about.</summary>
public class SessionException : Exception
{
    public SessionException()
    {
    }

    public SessionException(string message)
        : base(message)
    {
    }

    public SessionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public SessionException(string sessionId, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        SessionId = sessionId;
    }

    /// <summary>The session the error is about.</summary>
    public string? SessionId { get; }
}
