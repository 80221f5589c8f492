// VSTHRD003: Exited is this handle's own TaskCompletionSource task (no JoinableTaskFactory in Core).
#pragma warning disable VSTHRD003

using CodeForge.Core.Shells;

namespace CodeForge.Testing.Shells;

/// <summary>A scripted process: output written by the caller, exit decided by the caller or by <see cref="KillTree"/>.</summary>
/// <remarks>
/// Thread safety: all members may be called concurrently. <see cref="Exit"/> closes both pipes (end of stream after the
/// data written so far), then completes <see cref="Exited"/>; only the first exit counts. <see cref="KillTree"/> exits with
/// 137 (128 + SIGKILL) if still running, and in any case closes the pipes (as killing a process group ends the background
/// children that held them), unless <see cref="SetGroupAlive"/> says a member is still dying.
/// </remarks>
internal sealed class ScriptedProcess : IProcessHandle
{
    /// <summary>The exit code of a process ended by SIGKILL.</summary>
    public const int KilledExitCode = 128 + 9;

    private readonly TaskCompletionSource<int> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ScriptedPipe _stdout;
    private readonly ScriptedPipe _stderr;
    private int _killCount;
    private int _disposed;
    private int _groupAlive;

    internal ScriptedProcess(int pid, ProcessLaunchSpec spec, int maxReadBytes)
    {
        Pid = pid;
        Spec = spec;
        _stdout = new ScriptedPipe(maxReadBytes);
        _stderr = new ScriptedPipe(maxReadBytes);
    }

    /// <summary>What the launcher was asked to start.</summary>
    public ProcessLaunchSpec Spec { get; }

    /// <inheritdoc />
    public int Pid { get; }

    /// <inheritdoc />
    public Stream StandardOutput => _stdout;

    /// <inheritdoc />
    public Stream StandardError => _stderr;

    /// <inheritdoc />
    public Task<int> Exited => _exit.Task;

    /// <summary>True once the process has exited.</summary>
    public bool HasExited => _exit.Task.IsCompleted;

    /// <summary>How many times <see cref="KillTree"/> was called.</summary>
    public int KillCount => Volatile.Read(ref _killCount);

    /// <summary>True once the handle was disposed.</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Writes UTF-8 <paramref name="text"/> to standard output; returns the total bytes written to it so far.</summary>
    public long WriteStdout(string text) => _stdout.Append(System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>Writes raw bytes to standard output; returns the total bytes written to it so far.</summary>
    public long WriteStdout(ReadOnlySpan<byte> bytes) => _stdout.Append(bytes);

    /// <summary>Writes UTF-8 <paramref name="text"/> to standard error; returns the total bytes written to it so far.</summary>
    public long WriteStderr(string text) => _stderr.Append(System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>
    /// Exits with <paramref name="exitCode"/>: closes the pipes (unless <paramref name="keepPipesOpen"/>, as when a background
    /// child still holds them) and completes <see cref="Exited"/>. Returns false if the process had already exited.
    /// </summary>
    public bool Exit(int exitCode, bool keepPipesOpen = false)
    {
        if (!keepPipesOpen)
        {
            ClosePipes();
        }
        return _exit.TrySetResult(exitCode);
    }

    /// <summary>Closes both pipes (the last holder of the write ends went away).</summary>
    public void ClosePipes()
    {
        _stdout.Complete();
        _stderr.Complete();
    }

    /// <inheritdoc />
    public bool OutputWritersRemain => !(_stdout.IsComplete && _stderr.IsComplete);

    /// <inheritdoc />
    /// <remarks>Set by <see cref="SetGroupAlive"/>; every read is counted and signalled on <see cref="GroupAliveChecks"/>.</remarks>
    public bool GroupAlive
    {
        get
        {
            var alive = Volatile.Read(ref _groupAlive) != 0;
            GroupAliveChecks.Release();
            return alive;
        }
    }

    /// <summary>Released once each time a caller reads <see cref="GroupAlive"/>.</summary>
    public SemaphoreSlim GroupAliveChecks { get; } = new(0);

    /// <summary>Says whether a killed member of the group is still dying (see <see cref="IProcessHandle.GroupAlive"/>).</summary>
    public void SetGroupAlive(bool alive) => Volatile.Write(ref _groupAlive, alive ? 1 : 0);

    /// <summary>Holds the reads of both pipes, as when the machine is too busy to schedule the output pumps, until
    /// <see cref="ResumeReads"/>.</summary>
    public void HoldReads()
    {
        _stdout.Hold();
        _stderr.Hold();
    }

    /// <summary>Lets the reads held by <see cref="HoldReads"/> go on.</summary>
    public void ResumeReads()
    {
        _stdout.Resume();
        _stderr.Resume();
    }

    /// <inheritdoc />
    /// <remarks>While <see cref="SetGroupAlive"/> says a member is alive, that member is dying slowly: the pipes stay open
    /// until <see cref="ClosePipes"/>.</remarks>
    public void KillTree()
    {
        Interlocked.Increment(ref _killCount);
        Exit(KilledExitCode, keepPipesOpen: Volatile.Read(ref _groupAlive) != 0);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Interlocked.Exchange(ref _disposed, 1);
        _stdout.Dispose();
        _stderr.Dispose();
        GroupAliveChecks.Dispose();
    }
}
