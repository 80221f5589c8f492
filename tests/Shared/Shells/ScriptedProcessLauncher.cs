using CodeForge.Core.Shells;

namespace CodeForge.Testing.Shells;

/// <summary>
/// An in-memory <see cref="IProcessLauncher"/>: its processes run nothing; the caller writes their output and decides when
/// they exit. For deterministic tests (including Coyote's systematic scheduling, which cannot control real processes).
/// A test double: its source is compiled into each test project that needs it (tests/Shared), never into the product.
/// </summary>
/// <remarks>Thread safety: <see cref="Start"/> and <see cref="Started"/> may be called concurrently (one private lock).</remarks>
internal sealed class ScriptedProcessLauncher : IProcessLauncher
{
    private readonly object _gate = new();
    private readonly List<ScriptedProcess> _started = [];
    private readonly Action<ScriptedProcess>? _onStart;
    private readonly Func<ProcessLaunchSpec, Exception?>? _failWith;
    private readonly int _maxReadBytes;
    private int _nextPid = 100_000;

    /// <summary>Creates a launcher.</summary>
    /// <param name="onStart">Runs inside <see cref="Start"/> with the new process (e.g. write output, exit).</param>
    /// <param name="failWith">If it returns an exception for a spec, <see cref="Start"/> throws it.</param>
    /// <param name="maxReadBytes">The most bytes one read of a pipe returns (1 splits every multi-byte char).</param>
    public ScriptedProcessLauncher(
        Action<ScriptedProcess>? onStart = null,
        Func<ProcessLaunchSpec, Exception?>? failWith = null,
        int maxReadBytes = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxReadBytes, 1);
        _onStart = onStart;
        _failWith = failWith;
        _maxReadBytes = maxReadBytes;
    }

    /// <summary>The processes started so far, in start order.</summary>
    public IReadOnlyList<ScriptedProcess> Started
    {
        get
        {
            lock (_gate)
            {
                return _started.ToArray();
            }
        }
    }

    /// <inheritdoc />
    public IProcessHandle Start(ProcessLaunchSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (_failWith?.Invoke(spec) is { } failure)
        {
            throw failure;
        }
        var process = new ScriptedProcess(Interlocked.Increment(ref _nextPid), spec, _maxReadBytes);
        lock (_gate)
        {
            _started.Add(process);
        }
        _onStart?.Invoke(process);
        return process;
    }
}
