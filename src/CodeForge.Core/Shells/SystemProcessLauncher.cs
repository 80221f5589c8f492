using System.Diagnostics;
using System.Runtime.InteropServices;

namespace CodeForge.Core.Shells;

/// <summary>
/// Starts real processes: <c>setsid /bin/sh -c command</c> (or plain <c>/bin/sh -c</c> where <c>setsid</c> is missing) with
/// piped stdout/stderr and a closed stdin.
/// </summary>
/// <remarks>
/// <para>Thread safety: stateless after construction; <see cref="Start"/> may be called concurrently.</para>
/// <para>
/// Killing the tree: <c>setsid</c> makes the shell the leader of a new session and process group (its pid is the group id,
/// since a child of this process is never a group leader and <c>setsid</c> then execs without forking). Every descendant
/// that does not leave the group is killed atomically by one <c>kill(-pgid, SIGKILL)</c>, including background jobs that
/// outlived the shell and were re-parented to init, which <see cref="Process.Kill(bool)"/> (a /proc walk of the
/// <em>current</em> descendants, costly on a busy machine) would miss. If the group does not exist yet (the child has not
/// reached <c>setsid</c>), the process itself is killed and then the group again. Without <c>setsid</c>, it falls back to
/// <see cref="Process.Kill(bool)"/> with <c>entireProcessTree: true</c>.
/// </para>
/// <para>
/// Pid reuse: once the shell itself has exited, its number may only be recycled when no process of its group is left. So
/// after the exit is observed the group is killed only if /proc shows a member that started no later than that
/// observation, which proves the group is still this shell's (a recycled group's members all start later). A consequence
/// of the separate session: a terminal's Ctrl+C does not reach the shells; the manager's disposal kills them instead.
/// </para>
/// </remarks>
public sealed partial class SystemProcessLauncher : IProcessLauncher
{
    private const string Shell = "/bin/sh";
    private static readonly string? SetsidPath = new[] { "/usr/bin/setsid", "/bin/setsid" }.FirstOrDefault(File.Exists);

    /// <summary>The launcher used by default: a new process group per shell when <c>setsid</c> exists.</summary>
    public static SystemProcessLauncher Instance { get; } = new(useProcessGroup: true);

    /// <summary>Creates a launcher; <paramref name="useProcessGroup"/> false starts <c>/bin/sh</c> directly (tree kill by /proc walk).</summary>
    public SystemProcessLauncher(bool useProcessGroup = true) =>
        UsesProcessGroup = useProcessGroup && SetsidPath is not null && OperatingSystem.IsLinux();

    /// <summary>True when shells get their own process group and are killed by group.</summary>
    public bool UsesProcessGroup { get; }

    /// <inheritdoc />
    public IProcessHandle Start(ProcessLaunchSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var info = new ProcessStartInfo
        {
            FileName = UsesProcessGroup ? SetsidPath! : Shell,
            WorkingDirectory = spec.WorkingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        if (UsesProcessGroup)
        {
            info.ArgumentList.Add(Shell);
        }
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(spec.Command);
        foreach (var (name, value) in spec.Environment)
        {
            if (value is null)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }
        var process = new Process { StartInfo = info };
        try
        {
            process.Start();
            // Commands that read stdin see end of file instead of waiting for input that never comes.
            process.StandardInput.Close();
        }
        catch
        {
            process.Dispose();
            throw;
        }
        return new Handle(process, UsesProcessGroup);
    }

    private sealed class Handle : IProcessHandle
    {
        private readonly Process _process;
        private readonly bool _group;
        private long _exitObservedTicks = -1;

        public Handle(Process process, bool group)
        {
            _process = process;
            _group = group;
            Pid = process.Id;
            StandardOutput = process.StandardOutput.BaseStream;
            StandardError = process.StandardError.BaseStream;
            Exited = WaitForExitAsync();
        }

        public int Pid { get; }

        public Stream StandardOutput { get; }

        public Stream StandardError { get; }

        public Task<int> Exited { get; }

        public bool OutputWritersRemain => !(WritersGone(StandardOutput) && WritersGone(StandardError));

        public bool GroupAlive => _group && OperatingSystem.IsLinux() && ProcFs.GroupMembers(Pid).Count > 0;

        /// <summary>
        /// True when the pipe read by <paramref name="stream"/> has no writer left: <c>poll</c> reports <c>POLLHUP</c> on a
        /// pipe's read end exactly when every write end is closed (Linux, macOS). False when that cannot be told.
        /// </summary>
        private static bool WritersGone(Stream stream)
        {
            if (stream is not System.IO.Pipes.PipeStream { SafePipeHandle: var handle } || !(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()))
            {
                return false;
            }
            var added = false;
            try
            {
                handle.DangerousAddRef(ref added);
                var fds = new Native.PollFd { Fd = (int)handle.DangerousGetHandle(), Events = Native.PollIn };
                return Native.Poll(ref fds, 1, 0) == 1 && (fds.Revents & Native.PollHup) != 0;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
            finally
            {
                if (added)
                {
                    handle.DangerousRelease();
                }
            }
        }

        public void KillTree()
        {
            if (!_group)
            {
                KillByTreeWalk();
                return;
            }
            var observed = Interlocked.Read(ref _exitObservedTicks);
            if (observed >= 0)
            {
                // The shell has exited: kill its group only if it is provably still this shell's (see the remarks).
                if (Native.Kill(-Pid, 0) == 0 && ProcFs.GroupHasMemberStartedBy(Pid, observed))
                {
                    _ = Native.Kill(-Pid, Native.SigKill);
                }
                return;
            }
            // Not yet seen to exit, so the pid (and the group it leads) is still ours. If the group does not exist yet
            // (setsid not reached), kill the process itself, then the group again in case setsid and a fork slipped in
            // between. A SIGKILLed process forks no more, so nothing can escape after the last call.
            if (Native.Kill(-Pid, Native.SigKill) != 0)
            {
                _ = Native.Kill(Pid, Native.SigKill);
                _ = Native.Kill(-Pid, Native.SigKill);
            }
        }

        private void KillByTreeWalk()
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already exited, or disposed.
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // Raced with the exit.
            }
        }

        public void Dispose() => _process.Dispose();

        private async Task<int> WaitForExitAsync()
        {
            await _process.WaitForExitAsync().ConfigureAwait(false);
            Interlocked.Exchange(ref _exitObservedTicks, ProcFs.BootTicksNow());
            return _process.ExitCode;
        }
    }

    private static partial class Native
    {
        public const int SigKill = 9;
        public const short PollIn = 0x1;
        public const short PollHup = 0x10;

        [StructLayout(LayoutKind.Sequential)]
        public struct PollFd
        {
            public int Fd;
            public short Events;
            public short Revents;
        }

        [DllImport("libc", EntryPoint = "poll", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Poll(ref PollFd fds, nuint count, int timeout);

        [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Kill(int pid, int signal);
    }
}
