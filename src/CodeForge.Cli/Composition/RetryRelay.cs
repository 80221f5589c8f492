using CodeForge.Providers;

namespace CodeForge.Cli.Composition;

/// <summary>
/// Carries the retry layer's notices (<see cref="RetryOptions.OnRetry"/>) to the printer, which exists only once the
/// session is open, after the client was built. Notices before a printer is attached are dropped.
/// </summary>
/// <remarks>Thread-safe: the target is published with a volatile write and read once per notice; notices arrive on the
/// agent loop's flow, concurrently with the printer's own output (the printer serializes its lines).</remarks>
internal sealed class RetryRelay
{
    private volatile Action<RetryEvent>? _target;

    /// <summary>The total attempts of the policy (for "attempt 1 of 3").</summary>
    public int MaxAttempts { get; init; } = new RetryOptions().MaxAttempts;

    public void Attach(Action<RetryEvent> target) => _target = target;

    public void OnRetry(RetryEvent e) => _target?.Invoke(e);

    private volatile Action<ModelFallback>? _fallbackTarget;

    /// <summary>Where <c>--fallback-model</c> switches are reported (a printer; dropped before one is attached).</summary>
    public void AttachFallback(Action<ModelFallback> target) => _fallbackTarget = target;

    public void OnFallback(ModelFallback e) => _fallbackTarget?.Invoke(e);
}
