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

    /// <summary>
    /// False once no process holds the write end of standard output or standard error any more: everything the command
    /// wrote is in the pipes and end of stream is certain to come, however slowly the pumps read. True while some process
    /// (a background job that left the process group) may still write, and whenever the platform cannot tell.
    /// </summary>
    /// <remarks>Callers use it to decide whether to wait for end of stream without a deadline (see
    /// <see cref="CommandRunner"/>): output is then never cut short because the machine was slow to schedule the pumps.</remarks>
    bool OutputWritersRemain => true;

    /// <summary>
    /// True while a process of this process's group is still alive (not a zombie) after <see cref="KillTree"/>: it is dying
    /// and may still hold the output pipes for a moment. False when the launcher does not start a group or cannot tell.
    /// </summary>
    bool GroupAlive => false;

    /// <summary>
    /// The name (<c>/proc/[pid]/comm</c>) of a process the launcher itself keeps in the group, which may outlive the command
    /// for a moment and is not something the command left running: bubblewrap's init inside the sandbox, which reports the
    /// command's exit before it exits itself. Null when there is none.
    /// </summary>
    string? HelperProcessName => null;
}
