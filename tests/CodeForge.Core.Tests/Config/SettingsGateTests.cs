using CodeForge.Core.Config;
using CodeForge.Testing;

namespace CodeForge.Core.Tests.Config;

public sealed class SettingsGateTests
{
    [Fact]
    public async Task EnterAsync_WhileOtherDecisionsHoldTheGate_EntersAtOnce()
    {
        var gate = new SettingsGate(3);
        var ct = TestContext.Current.CancellationToken;

        using var first = await gate.EnterAsync(ct);
        using var second = await gate.EnterAsync(ct);

        Assert.Equal((3, 3), (first.Version, second.Version));
    }

    [Fact]
    public async Task EnterChangeAsync_WaitsUntilEveryDecisionHasLeft()
    {
        var gate = new SettingsGate();
        var ct = TestContext.Current.CancellationToken;
        var first = await gate.EnterAsync(ct);
        var second = await gate.EnterAsync(ct);

        var change = gate.EnterChangeAsync();
        first.Dispose();
        Assert.False(change.IsCompleted);
        second.Dispose();

        await change.WaitAsync(TimeSpan.FromMinutes(2), ct);
        gate.CompleteChange(2);
        Assert.Equal(2, gate.Version);
    }

    [Fact]
    public async Task EnterAsync_WhileAChangeIsPending_WaitsAndThenRunsOnTheNewVersion()
    {
        var gate = new SettingsGate();
        var ct = TestContext.Current.CancellationToken;
        var holder = await gate.EnterAsync(ct);
        var change = gate.EnterChangeAsync();

        var late = gate.EnterAsync(ct).AsTask();
        Assert.False(late.IsCompleted);
        holder.Dispose();
        await change.WaitAsync(TimeSpan.FromMinutes(2), ct);
        Assert.False(late.IsCompleted);
        gate.CompleteChange(7);

        using var lease = await late.WaitAsync(TimeSpan.FromMinutes(2), ct);
        Assert.Equal(7, lease.Version);
    }

    [Fact]
    public async Task EnterAsync_WhenCancelledWhileWaitingForAChange_ThrowsAndHoldsNothing()
    {
        var gate = new SettingsGate();
        var change = gate.EnterChangeAsync();
        await change.WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
        using var cancel = new CancellationTokenSource();

        var waiting = gate.EnterAsync(cancel.Token).AsTask();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        gate.CompleteChange(2);
        await gate.EnterChangeAsync().WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Dispose_OfALeaseTwice_ReleasesItOnce()
    {
        var gate = new SettingsGate();
        var ct = TestContext.Current.CancellationToken;
        var once = await gate.EnterAsync(ct);
        var other = await gate.EnterAsync(ct);

        once.Dispose();
        once.Dispose();
        var change = gate.EnterChangeAsync();

        Assert.False(change.IsCompleted);
        other.Dispose();
        await change.WaitAsync(TimeSpan.FromMinutes(2), ct);
    }

    [Fact]
    public async Task EnterChangeAsync_WhileAnotherChangeIsInProgress_Throws()
    {
        var gate = new SettingsGate();
        await gate.EnterChangeAsync();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(gate.EnterChangeAsync);
        Assert.Equal("A settings change is already in progress (the gate has one writer).", ex.Message);
    }

    [Fact]
    public void CompleteChange_WithoutAChangeInProgress_ThrowsAndKeepsTheVersion()
    {
        var gate = new SettingsGate(4);

        var ex = Assert.Throws<InvalidOperationException>(() => gate.CompleteChange(5));

        Assert.Equal("No settings change is in progress.", ex.Message);
        Assert.Equal(4, gate.Version);
    }

    [Fact]
    public async Task EnterAsync_WithAnUncancellableTokenWhileAChangeIsPending_WaitsForIt()
    {
        var gate = new SettingsGate();
        var ct = TestContext.Current.CancellationToken;
        await gate.EnterChangeAsync();

        var late = gate.EnterAsync(CancellationToken.None).AsTask();
        Assert.False(late.IsCompleted);
        gate.CompleteChange(2);

        using var lease = await late.WaitAsync(TimeSpan.FromMinutes(2), ct);
        Assert.Equal(2, lease.Version);
    }

    [Fact]
    public async Task EnterAsync_WhenItWaitsForAChange_DoesNotResumeOnTheCallersSynchronizationContext()
    {
        var gate = new SettingsGate();
        await gate.EnterChangeAsync();

        // A decision started on a UI-like thread (a synchronization context that may be blocked) must not get the rest
        // of its wait posted back to that context.
        var context = new CountingSynchronizationContext();
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(context);
        Task<SettingsLease> entering;
        try
        {
            entering = gate.EnterAsync(CancellationToken.None).AsTask();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
        Assert.False(entering.IsCompleted);
        gate.CompleteChange(2);
        using var lease = await entering;

        Assert.Equal(2, lease.Version);
        Assert.Equal(0, context.Posts);
    }
}
