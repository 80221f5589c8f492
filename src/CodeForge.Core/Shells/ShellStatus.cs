namespace CodeForge.Core.Shells;

/// <summary>The lifecycle state of a <see cref="ShellProcess"/>.</summary>
/// <remarks>
/// A shell moves <see cref="Pending"/> → <see cref="Running"/> → exactly one final state and never leaves a final state.
/// </remarks>
public enum ShellStatus
{
    /// <summary>Registered in its manager; the process is being started.</summary>
    Pending,

    /// <summary>The process is running (or has exited and its output is still being drained).</summary>
    Running,

    /// <summary>The process exited by itself with exit code 0.</summary>
    Completed,

    /// <summary>The process exited by itself with a non-zero exit code, or could not be started.</summary>
    Failed,

    /// <summary>The process died of the SIGKILL sent by <see cref="ShellProcess.Kill"/> (it had not exited by itself first).</summary>
    Killed,

    /// <summary>The process died of the SIGKILL sent when the shell's timeout elapsed (it had not exited by itself first).</summary>
    TimedOut,
}

/// <summary>Helpers for <see cref="ShellStatus"/>.</summary>
public static class ShellStatusExtensions
{
    /// <summary>True for the states a shell never leaves: completed, failed, killed, timed out.</summary>
    public static bool IsFinal(this ShellStatus status) => status >= ShellStatus.Completed;
}
