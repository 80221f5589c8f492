using System.Text;

// VSTHRD003 guards against deadlocks on a JoinableTaskFactory main thread; Core has none. The tasks awaited here are this
// shell's own: a TaskCompletionSource completed with RunContinuationsAsynchronously, the pump and watcher tasks it started,
// and the process handle's exit task.
#pragma warning disable VSTHRD003

namespace CodeForge.Core.Shells;

/// <summary>
/// A background <c>/bin/sh -c</c> process owned by a <see cref="ShellManager"/>: its output, captured continuously into
/// bounded buffers, and its lifecycle status, kept up to date without anyone waiting on it.
/// </summary>
/// <remarks>
/// <para>Thread safety: every public member may be called concurrently from any thread.</para>
/// <para>
/// Output: one pump per stream, started with the process and independent of readers, reads raw bytes, decodes them with a
/// stateful UTF-8 decoder (a multi-byte char split across reads decodes correctly; invalid bytes become U+FFFD, never an
/// exception) and appends to <see cref="Stdout"/> / <see cref="Stderr"/>. Readers never touch the pipes, so any number may
/// read at once. <see cref="OpenReader"/> gives each caller its own cursor (it sees all output exactly once);
/// <see cref="GetNewOutput"/> uses one shared cursor, atomically, so concurrent callers partition the output (no chunk is
/// returned twice, none is lost).
/// </para>
/// <para>
/// Status: one private lock guards the lifecycle; <see cref="State"/> is an immutable snapshot published under it and read
/// without locking. Transitions are <see cref="ShellStatus.Pending"/> → <see cref="ShellStatus.Running"/> → one final
/// state, never leaving it. The exit watcher decides the final state after the process exits and its output has been
/// drained (or <see cref="ShellManagerOptions.OutputDrainTimeout"/> elapsed): so once a status is final, the buffers hold
/// all the output the process wrote to its pipes. A kill (or the timeout) is registered with one atomic transition, and
/// only while the process has not been seen to exit; the shell then ends <see cref="ShellStatus.Killed"/>
/// (<see cref="ShellStatus.TimedOut"/>) only if the process really died of the SIGKILL. If it exited by itself first, even
/// in the instant between the request and the signal, it ends <see cref="ShellStatus.Completed"/> or
/// <see cref="ShellStatus.Failed"/> with its own exit code: a completed shell is never relabelled.
/// </para>
/// </remarks>
public sealed class ShellProcess : IAsyncDisposable
{
    /// <summary>The exit code of a process ended by SIGKILL (128 + 9), as .NET and the launchers report it.</summary>
    internal const int KilledExitCode = 128 + 9;

    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly ShellManagerOptions _options;
    private readonly TaskCompletionSource<ShellStatus> _final = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _exitObserved = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _release = new();
    private readonly ShellOutputReader _sharedReader;
    private readonly ProcessLaunchSpec _spec;

    // Guarded by _gate.
    private Phase _phase;
    private ShellStatus? _termination;
    private IProcessHandle? _handle;
    private bool _released;
    private ITimer? _timeoutTimer;

    // Written once in Start before the watcher is started; read by the watcher and DisposeAsync.
    private Task _pumps = Task.CompletedTask;
    private Task _watcher = Task.CompletedTask;

    private ShellState _state;

    internal ShellProcess(
        string id,
        long sequence,
        ProcessLaunchSpec spec,
        TimeSpan? timeout,
        ShellManagerOptions options,
        TimeProvider time)
    {
        Id = id;
        Sequence = sequence;
        _spec = spec;
        Timeout = timeout;
        _options = options;
        _time = time;
        Stdout = new OutputBuffer(options.MaxBufferedCharsPerStream);
        Stderr = new OutputBuffer(options.MaxBufferedCharsPerStream);
        _sharedReader = new ShellOutputReader(Stdout, Stderr);
        _state = new ShellState(ShellStatus.Pending, null, null, time.GetUtcNow(), null, null);
    }

    private enum Phase
    {
        Pending,
        Running,
        Exited,
        Final,
    }

    /// <summary>The shell id, <c>shell_</c> followed by 8 hex digits, unique within its manager.</summary>
    public string Id { get; }

    /// <summary>The command line passed to <c>/bin/sh -c</c>.</summary>
    public string Command => _spec.Command;

    /// <summary>The absolute working directory.</summary>
    public string WorkingDirectory => _spec.WorkingDirectory;

    /// <summary>The timeout after which the process tree is killed and the shell ends <see cref="ShellStatus.TimedOut"/>.</summary>
    public TimeSpan? Timeout { get; }

    /// <summary>Creation order within the manager.</summary>
    internal long Sequence { get; }

    /// <summary>A consistent snapshot of status, pid, exit code and timestamps (lock-free read).</summary>
    public ShellState State => Volatile.Read(ref _state);

    /// <summary>The current status.</summary>
    public ShellStatus Status => State.Status;

    /// <summary>True until the shell reaches a final state.</summary>
    public bool IsRunning => !State.IsFinal;

    /// <summary>The exit code once final.</summary>
    public int? ExitCode => State.ExitCode;

    /// <summary>The process id once started.</summary>
    public int? Pid => State.Pid;

    /// <summary>When the shell was created.</summary>
    public DateTimeOffset CreatedAt => State.CreatedAt;

    /// <summary>When the shell reached its final state.</summary>
    public DateTimeOffset? CompletedAt => State.CompletedAt;

    /// <summary>Time from start to completion (or to now while running).</summary>
    public TimeSpan Duration
    {
        get
        {
            var state = State;
            return state.StartedAt is { } started ? (state.CompletedAt ?? _time.GetUtcNow()) - started : TimeSpan.Zero;
        }
    }

    /// <summary>The standard-output buffer (absolute offsets; see <see cref="OutputBuffer"/>).</summary>
    public OutputBuffer Stdout { get; }

    /// <summary>The standard-error buffer (absolute offsets; see <see cref="OutputBuffer"/>).</summary>
    public OutputBuffer Stderr { get; }

    /// <summary>Completes with the final status.</summary>
    public Task<ShellStatus> Completion => _final.Task;

    /// <summary>Completes when the exit watcher has seen the process exit (before the output is drained). For tests.</summary>
    internal Task ExitObserved => _exitObserved.Task;

    /// <summary>A new cursor starting at the beginning of the output; it is this caller's own.</summary>
    public ShellOutputReader OpenReader() => new(Stdout, Stderr);

    /// <summary>
    /// The output since the previous <see cref="GetNewOutput"/> call by anyone (the shell-level shared cursor of the original).
    /// Atomic: concurrent callers get disjoint consecutive slices.
    /// </summary>
    public ShellOutput GetNewOutput(int maxChars = int.MaxValue) => _sharedReader.Read(maxChars);

    /// <summary>All retained output, independent of any cursor.</summary>
    public ShellOutput GetAllOutput() => new(Stdout.ReadFrom(0), Stderr.ReadFrom(0));

    /// <summary>Waits for the final status.</summary>
    public Task<ShellStatus> WaitForExitAsync(CancellationToken cancellationToken = default) =>
        cancellationToken.CanBeCanceled ? _final.Task.WaitAsync(cancellationToken) : _final.Task;

    /// <summary>
    /// Kills the process tree (SIGKILL to the shell's process group). Returns true if this call registered the kill: the
    /// process had not been seen to exit and no kill or timeout was pending. The shell then ends
    /// <see cref="ShellStatus.Killed"/>, unless the process exited by itself just before the signal landed (then it keeps
    /// that outcome). Returns false if the shell had already exited, finished or been killed; its status is left as it is
    /// (a completed shell stays completed), though background children still in its group are killed.
    /// Never throws. Does not wait; see <see cref="KillAndWaitAsync"/>.
    /// </summary>
    public bool Kill() => RequestTermination(ShellStatus.Killed);

    /// <summary><see cref="Kill"/>, then waits for the final status. Returns what <see cref="Kill"/> returned.</summary>
    public async Task<bool> KillAndWaitAsync(CancellationToken cancellationToken = default)
    {
        var killed = Kill();
        await WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return killed;
    }

    /// <summary>Kills the process tree if still running, waits for the final status, stops the pumps and frees the process.</summary>
    public async ValueTask DisposeAsync()
    {
        RequestTermination(ShellStatus.Killed);
        await _final.Task.ConfigureAwait(false);
        Release();
        await DrainAsync(handle: null).ConfigureAwait(false);
        await _watcher.ConfigureAwait(false);
    }

    /// <summary>
    /// Starts the process. Called once by the manager after the shell is registered. If the shell was killed while pending,
    /// nothing is started.
    /// </summary>
    /// <exception cref="InvalidOperationException">The launcher could not start the process (the shell ends Failed).</exception>
    internal void Start(IProcessLauncher launcher)
    {
        IProcessHandle? handle = null;
        Exception? failure = null;
        lock (_gate)
        {
            if (_phase != Phase.Pending)
            {
                return;
            }
            try
            {
                handle = launcher.Start(_spec);
                _handle = handle;
                _phase = Phase.Running;
                Publish(State with { Status = ShellStatus.Running, Pid = handle.Pid, StartedAt = _time.GetUtcNow() });
                if (Timeout is { } timeout)
                {
                    _timeoutTimer = _time.CreateTimer(
                        static self => ((ShellProcess)self!).RequestTermination(ShellStatus.TimedOut),
                        this, timeout, System.Threading.Timeout.InfiniteTimeSpan);
                }
            }
            catch (Exception ex)
            {
                failure = ex;
                handle?.KillTree();
                handle?.Dispose();
                _handle = null;
                FinalizeLocked(ShellStatus.Failed, exitCode: null);
            }
        }
        if (failure is not null || handle is null)
        {
            SignalFinal();
            throw new InvalidOperationException(
                $"Could not start shell {Id} ('{Command}') in '{WorkingDirectory}': {failure?.Message}", failure);
        }
        var token = _release.Token;
        var chunk = _options.ReadChunkBytes;
        var stdout = Task.Run(() => PumpAsync(handle.StandardOutput, Stdout, chunk, token));
        var stderr = Task.Run(() => PumpAsync(handle.StandardError, Stderr, chunk, token));
        _pumps = Task.WhenAll(new[] { stdout, stderr });
        _watcher = Task.Run(() => WatchExitAsync(handle));
    }

    /// <summary>
    /// Frees the process handle and stops the pumps of a final shell (used by cleanup); first kills any background children
    /// still holding the process group. Idempotent.
    /// </summary>
    internal void Release()
    {
        IProcessHandle? handle;
        lock (_gate)
        {
            if (_released)
            {
                return;
            }
            _released = true;
            handle = _handle;
        }
        handle?.KillTree();
        _release.Cancel();
        _release.Dispose();
        handle?.Dispose();
    }

    private bool RequestTermination(ShellStatus reason)
    {
        IProcessHandle? toKill = null;
        var claimed = false;
        var finalizedNow = false;
        lock (_gate)
        {
            switch (_phase)
            {
                case Phase.Pending:
                    // Never started: end it without starting anything.
                    claimed = true;
                    finalizedNow = true;
                    FinalizeLocked(reason, exitCode: null);
                    break;
                case Phase.Running:
                    if (_termination is null)
                    {
                        _termination = reason;
                        claimed = true;
                    }
                    toKill = _handle;
                    break;
                default:
                    // Exited or final: the natural exit decides the status. Still kill stragglers in the group.
                    toKill = _released ? null : _handle;
                    break;
            }
        }
        if (finalizedNow)
        {
            SignalFinal();
        }
        toKill?.KillTree();
        return claimed;
    }

    private async Task WatchExitAsync(IProcessHandle handle)
    {
        int exitCode;
        try
        {
            exitCode = await handle.Exited.ConfigureAwait(false);
        }
        catch (Exception)
        {
            exitCode = -1; // The handle could not report the exit: the shell ends Failed rather than never ending.
        }
        lock (_gate)
        {
            if (_phase == Phase.Running)
            {
                // From here on a kill cannot claim the outcome: the process ended by itself (or by an earlier claim).
                _phase = Phase.Exited;
            }
        }
        _exitObserved.TrySetResult();
        await DrainAsync(handle).ConfigureAwait(false);
        lock (_gate)
        {
            if (_phase == Phase.Final)
            {
                return;
            }
            FinalizeLocked(FinalStatus(_termination, exitCode), exitCode);
        }
        SignalFinal();
    }

    /// <summary>
    /// A requested kill (or timeout) decides the status only if the process actually died of SIGKILL; a process that exited
    /// by itself in the instant between the request and the signal keeps its own outcome.
    /// </summary>
    internal static ShellStatus FinalStatus(ShellStatus? termination, int exitCode) =>
        termination is { } requested && exitCode == KilledExitCode ? requested
        : exitCode == 0 ? ShellStatus.Completed
        : ShellStatus.Failed;

    /// <summary>
    /// Waits for both pumps to reach end of stream: without a deadline once no process holds the pipes' write ends
    /// (<see cref="IProcessHandle.OutputWritersRemain"/>), otherwise at most <see cref="ShellManagerOptions.OutputDrainTimeout"/>
    /// (and then to the end if the last writer went away meanwhile). <paramref name="handle"/> null: released, pumps stopped.
    /// </summary>
    private async Task DrainAsync(IProcessHandle? handle)
    {
        var pumps = _pumps;
        var grace = _options.OutputDrainTimeout;
        if (pumps.IsCompleted || grace == TimeSpan.Zero)
        {
            return;
        }
        if (grace == System.Threading.Timeout.InfiniteTimeSpan)
        {
            try
            {
                await pumps.ConfigureAwait(false);
            }
            catch (Exception) when (pumps.IsFaulted)
            {
                // A pump failed unexpectedly; its stream simply ends here.
            }
            return;
        }
        if (handle?.OutputWritersRemain ?? true)
        {
            using var cancelDelay = new CancellationTokenSource();
            var delay = Task.Delay(grace, _time, cancelDelay.Token);
            await Task.WhenAny(new[] { pumps, delay }).ConfigureAwait(false);
            await cancelDelay.CancelAsync().ConfigureAwait(false);
            if (pumps.IsCompleted || (handle?.OutputWritersRemain ?? true))
            {
                return;
            }
        }
        // Every writer is gone: end of stream is certain, so the output is drained to the end however slow the pumps are.
        try
        {
            await pumps.ConfigureAwait(false);
        }
        catch (Exception) when (pumps.IsFaulted)
        {
            // A pump failed unexpectedly; its stream simply ends here.
        }
    }

    private void FinalizeLocked(ShellStatus status, int? exitCode)
    {
        _phase = Phase.Final;
        Publish(State with { Status = status, ExitCode = exitCode, CompletedAt = _time.GetUtcNow() });
    }

    /// <summary>Completes <see cref="Completion"/> and stops the timeout timer; called outside the lock after FinalizeLocked.</summary>
    private void SignalFinal()
    {
        ITimer? timer;
        lock (_gate)
        {
            timer = _timeoutTimer;
            _timeoutTimer = null;
        }
        timer?.Dispose();
        _final.TrySetResult(State.Status);
    }

    private void Publish(ShellState state) => Volatile.Write(ref _state, state);

    private static async Task PumpAsync(Stream stream, OutputBuffer buffer, int chunkBytes, CancellationToken cancellationToken)
    {
        var decoder = Utf8.GetDecoder();
        var bytes = new byte[chunkBytes];
        var chars = new char[Utf8.GetMaxCharCount(chunkBytes)];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(bytes.AsMemory(), cancellationToken).ConfigureAwait(false)) > 0)
            {
                var decoded = decoder.GetChars(bytes, 0, read, chars, 0, flush: false);
                buffer.Append(chars.AsSpan(0, decoded));
            }
        }
        catch (OperationCanceledException)
        {
            // Released: the shell was cleaned up or disposed.
        }
        catch (IOException)
        {
            // The pipe broke; treat as end of stream.
        }
        catch (ObjectDisposedException)
        {
            // The handle was disposed under us; treat as end of stream.
        }
        finally
        {
            // An incomplete UTF-8 sequence at end of stream becomes U+FFFD.
            var tail = decoder.GetChars([], 0, 0, chars, 0, flush: true);
            buffer.Append(chars.AsSpan(0, tail));
            buffer.Complete();
        }
    }
}
