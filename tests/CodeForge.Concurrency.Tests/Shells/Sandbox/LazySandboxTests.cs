using CodeForge.Core.Shells;
using CodeForge.Core.Shells.Sandbox;

namespace CodeForge.Concurrency.Tests.Shells.Sandbox;

/// <summary>The lazy sandbox decision under parallel first calls: made exactly once, shared by every caller.</summary>
public sealed class LazySandboxTests
{
    private const int Callers = 16;

    [Fact]
    public async Task DecideAsync_WhenManyCallersAskAtOnce_DecidesExactlyOnce_AndEveryCallerGetsTheSameDecision()
    {
        var ct = TestContext.Current.CancellationToken;
        var decisions = 0;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var status = new SandboxStatus(SandboxState.Disabled, "sandbox: off", SystemProcessLauncher.Instance);
        var sandbox = new LazySandbox(async () =>
        {
            Interlocked.Increment(ref decisions);
            await release.Task.ConfigureAwait(false);
            return status;
        }, expectedActive: false);
        using var barrier = new Barrier(Callers);
        using var everyoneAsked = new CountdownEvent(Callers);

        var callers = Enumerable.Range(0, Callers).Select(_ => Task.Factory.StartNew(() =>
        {
            barrier.SignalAndWait(ct);
            var decision = sandbox.DecideAsync(ct);
            everyoneAsked.Signal();
            return decision;
        }, ct, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap()).ToArray();
        everyoneAsked.Wait(ct);
        Assert.Null(sandbox.Decided);
        release.SetResult();
        var results = await Task.WhenAll(callers);

        Assert.Equal(1, Volatile.Read(ref decisions));
        Assert.All(results, r => Assert.Same(status, r));
        Assert.Same(status, sandbox.Decided);
    }
}
