// VSTHRD003: the awaited decision task is this class's own, started on the thread pool without any synchronisation context.
#pragma warning disable VSTHRD003

namespace CodeForge.Core.Shells.Sandbox;

/// <summary>
/// The sandbox decision of one run, made when something first needs it (the first Bash call, its permission check, a
/// user's <c>!command</c>, the interactive status), not at start-up: a run that never runs a command never probes
/// bubblewrap and starts no probe process. It is also the launcher Bash commands use: each command goes to the decided
/// launcher (the sandboxed one, or the plain one when the sandbox is disabled or unavailable).
/// </summary>
/// <remarks>
/// <para><b>Concurrency contract.</b> Thread-safe. The decision runs exactly once per instance however many callers ask
/// at the same time: the first <see cref="DecideAsync"/> creates the one decision task under the lock of a
/// <see cref="Lazy{T}"/> in <see cref="LazyThreadSafetyMode.ExecutionAndPublication"/> mode (the factory only starts a
/// pool task, so the lock is held for microseconds, never across the probe), and every caller awaits that same task.
/// Its continuation (<c>onDecided</c> of the factory, e.g. setting the permission snapshot's sandbox flag and reporting
/// the description) runs inside that task, before any caller's await returns, so no caller sees the decision without its
/// effects.</para>
/// <para><see cref="Start"/> is synchronous and never waits: it refuses (throws <see cref="InvalidOperationException"/>,
/// so no command runs unprotected by mistake) until the decision is complete. Every product path awaits
/// <see cref="DecideAsync"/> before starting a command.</para>
/// <para>A cancelled waiter stops waiting; the decision itself is not cancelled (it has its own time limit, the probe's).</para>
/// </remarks>
public sealed class LazySandbox : IProcessLauncher
{
    private readonly Lazy<Task<SandboxStatus>> _decision;

    /// <summary>A decision made by <paramref name="decide"/> (run once, on the thread pool, when first needed).</summary>
    /// <param name="decide">Makes the decision, e.g. <see cref="BubblewrapSandbox.ConfigureAsync"/> with its side effects.</param>
    /// <param name="expectedActive">What can be told without probing: the sandbox is enabled and bwrap is installed.</param>
    public LazySandbox(Func<Task<SandboxStatus>> decide, bool expectedActive)
    {
        ArgumentNullException.ThrowIfNull(decide);
        // VSTHRD011: the factory only starts a pool task (no wait, no synchronisation context), so Value cannot deadlock.
#pragma warning disable VSTHRD011
        _decision = new Lazy<Task<SandboxStatus>>(() => Task.Run(decide), LazyThreadSafetyMode.ExecutionAndPublication);
#pragma warning restore VSTHRD011
        ExpectedActive = expectedActive;
    }

    /// <summary>
    /// True when the sandbox is enabled and <c>bwrap</c> is installed here, known without running it (the probe may still
    /// find the kernel refuses it). What the Bash tool's description tells the model.
    /// </summary>
    public bool ExpectedActive { get; }

    /// <summary>The decision, if it has been made (null before, and while it is being made).</summary>
#pragma warning disable VSTHRD002 // the task has completed successfully: reading its result does not block
    public SandboxStatus? Decided => _decision.IsValueCreated && _decision.Value.IsCompletedSuccessfully ? _decision.Value.Result : null;
#pragma warning restore VSTHRD002

    /// <summary>The decision: made now by the first caller, shared by every other (see the remarks).</summary>
    public Task<SandboxStatus> DecideAsync(CancellationToken cancellationToken = default) =>
        _decision.Value.WaitAsync(cancellationToken);

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The decision has not been made yet (await <see cref="DecideAsync"/> first).</exception>
    public IProcessHandle Start(ProcessLaunchSpec spec)
    {
        var decided = Decided ?? throw new InvalidOperationException(
            "the sandbox decision has not been made yet: await DecideAsync before starting a command");
        return decided.Launcher.Start(spec);
    }
}
