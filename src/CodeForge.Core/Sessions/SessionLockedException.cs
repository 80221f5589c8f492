namespace CodeForge.Core.Sessions;

/// <summary>Another writer (this process or another) holds the session: a session has one writer at a time.</summary>
public sealed class SessionLockedException : SessionException
{
    public SessionLockedException()
    {
    }

    public SessionLockedException(string message)
        : base(message)
    {
    }

    public SessionLockedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public SessionLockedException(string sessionId, int? holderProcessId, string lockPath, Exception? innerException = null)
        : base(sessionId, Describe(sessionId, holderProcessId, lockPath), innerException)
    {
        HolderProcessId = holderProcessId;
        LockPath = lockPath;
    }

    /// <summary>The process id recorded by the writer that holds the lock, when it recorded one.</summary>
    public int? HolderProcessId { get; }

    /// <summary>The lock file.</summary>
    public string? LockPath { get; }

    private static string Describe(string sessionId, int? pid, string lockPath) =>
        $"Session {sessionId} is already open for writing by " +
        (pid is { } p ? $"process {p}" : "another writer") +
        $" (lock file {lockPath}); a session has one writer at a time. Fork it (--fork-session) to continue it separately.";
}
