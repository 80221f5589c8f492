namespace CodeForge.Core.Shells;

/// <summary>Starts operating-system processes for <see cref="ShellManager"/>; replaceable so tests can script processes.</summary>
/// <remarks>Implementations must allow concurrent <see cref="Start"/> calls.</remarks>
public interface IProcessLauncher
{
    /// <summary>Starts <paramref name="spec"/> and returns its handle; throws if the process could not be started.</summary>
    IProcessHandle Start(ProcessLaunchSpec spec);
}

/// <summary>A started process: its output streams, its exit, and a way to kill it with its descendants.</summary>
/// <remarks>
/// Each stream has exactly one reader (the shell's output pump). <see cref="Exited"/> completes once, with the exit code,
/// when the process has exited (128 + signal number for a process ended by a signal). <see cref="KillTree"/> may be called
/// concurrently with everything else, any number of times, also after the process exited; it never throws.
/// </remarks>
public interface IProcessHandle : IDisposable
{
    /// <summary>The operating-system process id (also the process group id when the launcher starts a new session).</summary>
    int Pid { get; }

    /// <summary>The process's standard output as raw bytes; reads return 0 at end of stream.</summary>
    Stream StandardOutput { get; }

    /// <summary>The process's standard error as raw bytes; reads return 0 at end of stream.</summary>
    Stream StandardError { get; }

    /// <summary>Completes with the exit code when the process has exited.</summary>
    Task<int> Exited { get; }

    /// <summary>Kills the process and its descendants (SIGKILL). Harmless if they already exited.</summary>
    void KillTree();
}
