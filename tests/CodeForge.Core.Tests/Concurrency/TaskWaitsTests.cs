using CodeForge.Core.Concurrency;

namespace CodeForge.Core.Tests.Concurrency;

public sealed class TaskWaitsTests
{
    [Fact]
    public async Task WaitOrCancelAsync_WhenTheTaskCompletesFirst_ReturnsItsResult()
    {
        var source = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cancellation = new CancellationTokenSource();

        var wait = TaskWaits.WaitOrCancelAsync(source.Task, cancellation.Token);
        Assert.False(wait.IsCompleted);
        source.SetResult(42);

        Assert.Equal(42, await wait);
    }

    [Fact]
    public async Task WaitOrCancelAsync_WhenTheTokenIsCancelledFirst_ThrowsForThatTokenAndLeavesTheTaskRunning()
    {
        var source = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cancellation = new CancellationTokenSource();

        var wait = TaskWaits.WaitOrCancelAsync(source.Task, cancellation.Token);
        await cancellation.CancelAsync();

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
        Assert.Equal(cancellation.Token, ex.CancellationToken);
        Assert.False(source.Task.IsCompleted);
    }

    [Fact]
    public async Task WaitOrCancelAsync_WhenTheTaskFaults_ThrowsTheSameException()
    {
        var source = new TaskCompletionSource<int>();
        using var cancellation = new CancellationTokenSource();
        var failure = new InvalidOperationException("the tool broke");

        var wait = TaskWaits.WaitOrCancelAsync(source.Task, cancellation.Token);
        source.SetException(failure);

        Assert.Same(failure, await Assert.ThrowsAsync<InvalidOperationException>(() => wait));
    }

    [Fact]
    public async Task WaitOrCancelAsync_WhenTheTaskItselfIsCancelled_ThrowsWithItsToken()
    {
        var source = new TaskCompletionSource<int>();
        using var waiter = new CancellationTokenSource();
        using var own = new CancellationTokenSource();
        await own.CancelAsync();

        var wait = TaskWaits.WaitOrCancelAsync(source.Task, waiter.Token);
        source.SetCanceled(own.Token);

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
        Assert.Equal(own.Token, ex.CancellationToken);
        Assert.False(waiter.IsCancellationRequested);
    }

    [Fact]
    public async Task WaitOrCancelAsync_WhenTheTokenIsAlreadyCancelled_ThrowsWithoutWaiting()
    {
        var source = new TaskCompletionSource<int>();
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        var wait = TaskWaits.WaitOrCancelAsync(source.Task, cancellation.Token);

        Assert.True(wait.IsCanceled);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
    }

    [Fact]
    public async Task WaitOrCancelAsync_WhenTheTaskIsAlreadyDone_ReturnsItsResultEvenIfTheTokenIsCancelled()
    {
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        Assert.Equal(7, await TaskWaits.WaitOrCancelAsync(Task.FromResult(7), cancellation.Token));
    }

    [Fact]
    public async Task WaitOrCancelAsync_WithATokenThatCannotBeCancelled_WaitsForTheTask()
    {
        var source = new TaskCompletionSource<string>();

        var wait = TaskWaits.WaitOrCancelAsync(source.Task, CancellationToken.None);
        Assert.False(wait.IsCompleted);
        source.SetResult("done");

        Assert.Equal("done", await wait);
    }

    [Fact]
    public async Task WaitOrCancelAsync_WithoutAResult_CompletesWithTheTaskOrThrowsOnCancellation()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var never = new TaskCompletionSource();
        using var first = new CancellationTokenSource();
        using var second = new CancellationTokenSource();

        var completes = TaskWaits.WaitOrCancelAsync(done.Task, first.Token);
        var cancelled = TaskWaits.WaitOrCancelAsync(never.Task, second.Token);
        done.SetResult();
        await second.CancelAsync();

        await completes;
        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(second.Token, ex.CancellationToken);
    }

    [Fact]
    public async Task WaitOrCancelAsync_ManyWaitersOnOneTask_EachEndsByItsOwnToken()
    {
        var source = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var tokens = Enumerable.Range(0, 8).Select(_ => new CancellationTokenSource()).ToArray();
        try
        {
            var waits = tokens.Select(t => TaskWaits.WaitOrCancelAsync(source.Task, t.Token)).ToArray();
            for (var i = 0; i < tokens.Length; i += 2)
            {
                await tokens[i].CancelAsync();
            }
            source.SetResult(5);

            for (var i = 0; i < waits.Length; i++)
            {
                if (i % 2 == 0)
                {
                    await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waits[i]);
                }
                else
                {
                    Assert.Equal(5, await waits[i]);
                }
            }
        }
        finally
        {
            foreach (var t in tokens)
            {
                t.Dispose();
            }
        }
    }
}
