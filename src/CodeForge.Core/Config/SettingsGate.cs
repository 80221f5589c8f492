using CodeForge.Core.Concurrency;

namespace CodeForge.Core.Config;

/// <summary>
/// Keeps decisions and settings changes apart: any number of decisions (tool-call authorizations) may hold the gate at
/// once, and a settings change waits until none does, then applies every part of the new version (permission rules,
/// hooks, environment) while new decisions wait. So each decision runs wholly on one settings version.
/// </summary>
/// <remarks>
/// <para>Thread-safe. Readers (<see cref="EnterAsync"/>) never wait for each other; the single writer (the
/// <see cref="LiveSettings"/> pump, the only caller of <see cref="EnterChangeAsync"/>) is preferred: once it has asked,
/// new readers wait for it, so a change is applied before the next decision that starts after it was asked for.</para>
/// <para>A reader must not enter again while it holds a lease (it would wait for a writer that waits for it). Leases
/// are released by disposing them, exactly once.</para>
/// </remarks>
public sealed class SettingsGate
{
    private readonly object _lock = new();
    private int _readers;
    private long _version;
    private TaskCompletionSource? _changeDone;
    private TaskCompletionSource? _readersDrained;

    /// <summary>A gate whose first settings version is <paramref name="version"/>.</summary>
    public SettingsGate(long version = 1) => _version = version;

    /// <summary>The settings version decisions entering now run on.</summary>
    public long Version
    {
        get
        {
            lock (_lock)
            {
                return _version;
            }
        }
    }

    /// <summary>Enters for one decision; waits while a settings change is pending or being applied.</summary>
    public async ValueTask<SettingsLease> EnterAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task wait;
            lock (_lock)
            {
                if (_changeDone is null)
                {
                    _readers++;
                    return new SettingsLease(this, _version);
                }
                wait = _changeDone.Task;
            }
            await TaskWaits.WaitOrCancelAsync(wait, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until no decision holds the gate, and keeps new ones out until <see cref="CompleteChange"/>.</summary>
    public async Task EnterChangeAsync()
    {
        Task? drained = null;
        lock (_lock)
        {
            if (_changeDone is not null)
            {
                throw new InvalidOperationException("A settings change is already in progress (the gate has one writer).");
            }
            _changeDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_readers > 0 && !DrainSkippedForTests)
            {
                _readersDrained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                drained = _readersDrained.Task;
            }
        }
        if (drained is not null)
        {
            await drained.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Test seam: a deliberately broken variant of the real class for the systematic-scheduling tests, whose
    /// <see cref="EnterChangeAsync"/> keeps new decisions out but does not wait for the ones holding the gate. Set once,
    /// before any change; never set in the product.
    /// </summary>
    internal bool DrainSkippedForTests { get; set; }

    /// <summary>Ends the change begun by <see cref="EnterChangeAsync"/>: decisions from now on run on <paramref name="version"/>.</summary>
    public void CompleteChange(long version)
    {
        TaskCompletionSource done;
        lock (_lock)
        {
            done = _changeDone ?? throw new InvalidOperationException("No settings change is in progress.");
            _version = version;
            _changeDone = null;
        }
        done.TrySetResult();
    }

    internal void Exit()
    {
        TaskCompletionSource? drained = null;
        lock (_lock)
        {
            _readers--;
            if (_readers == 0 && _readersDrained is not null)
            {
                drained = _readersDrained;
                _readersDrained = null;
            }
        }
        drained?.TrySetResult();
    }
}

/// <summary>One decision's hold on the <see cref="SettingsGate"/>: the settings version it runs on.</summary>
/// <remarks>Dispose exactly once (further calls do nothing); safe to dispose from another thread than the one that entered.</remarks>
public sealed class SettingsLease : IDisposable
{
    private SettingsGate? _gate;

    internal SettingsLease(SettingsGate gate, long version)
    {
        _gate = gate;
        Version = version;
    }

    /// <summary>The settings version in force for the whole lease.</summary>
    public long Version { get; }

    public void Dispose() => Interlocked.Exchange(ref _gate, null)?.Exit();
}
