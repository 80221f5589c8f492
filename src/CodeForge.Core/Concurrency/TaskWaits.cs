namespace CodeForge.Core.Concurrency;

/// <summary>
/// <c>task.WaitAsync(token)</c> built from plain awaits: the task's outcome, or an <see cref="OperationCanceledException"/>
/// for the token as soon as it is cancelled (the task itself goes on; its later outcome is observed here).
/// </summary>
/// <remarks>
/// <para>Stateless and thread-safe.</para>
/// <para>Why not <c>Task.WaitAsync</c> or <c>Task.WhenAny</c>: Coyote 1.7.11 does not intercept <c>WaitAsync</c> (the
/// strict systematic tests stop at "not intercepted and controlled"), and <c>WhenAny</c> completes its task from the real
/// thread pool when one of its tasks runs its continuations asynchronously (a
/// <see cref="TaskCreationOptions.RunContinuationsAsynchronously"/> completion source, as the settings gate's and the
/// plugin manager's are): the runtime queues WhenAny's completion action instead of running it. Coyote does not control
/// that thread, so a schedule in which the completing operation was the last one enabled was reported as a deadlock
/// ("Op(0) is paused on a dependency", <c>SettingsGateCoyoteTests</c>, about one schedule in 1,500 under load). Awaits
/// resume through the current synchronization context or scheduler, which Coyote controls. The token's registration is
/// removed with <see cref="CancellationTokenRegistration.Unregister"/>, which never blocks (see the code).</para>
/// </remarks>
internal static class TaskWaits
{
    /// <summary>The outcome of <paramref name="task"/>, or <see cref="OperationCanceledException"/> once <paramref name="token"/> is cancelled.</summary>
    public static async Task<T> WaitOrCancelAsync<T>(Task<T> task, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (task.IsCompleted || !token.CanBeCanceled)
        {
#pragma warning disable VSTHRD003 // The caller's task: waiting for it is the point.
            return await task.ConfigureAwait(false);
#pragma warning restore VSTHRD003
        }
        token.ThrowIfCancellationRequested();
        var outcome = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var registration = token.Register(static (state, cancelled) => ((TaskCompletionSource<T>)state!).TrySetCanceled(cancelled), outcome);
        try
        {
            _ = ForwardAsync(task, outcome);
            return await outcome.Task.ConfigureAwait(false);
        }
        finally
        {
            // Unregister, not Dispose: Dispose blocks until a callback running on the cancelling thread returns, and
            // that callback may still be inside TrySetCanceled (under Coyote, paused at the scheduling point of the
            // continuation it posts) while this waiter already resumed. The callback only completes a finished source.
            registration.Unregister();
        }
    }

    /// <summary>Completes when <paramref name="task"/> does, or throws <see cref="OperationCanceledException"/> once <paramref name="token"/> is cancelled.</summary>
    public static Task WaitOrCancelAsync(Task task, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(task);
#pragma warning disable VSTHRD003 // The caller's task, wrapped so both overloads share one path.
        return WaitOrCancelAsync(AsUnitTask(task), token);
#pragma warning restore VSTHRD003
    }

    private static async Task<bool> AsUnitTask(Task task)
    {
#pragma warning disable VSTHRD003 // As above.
        await task.ConfigureAwait(false);
#pragma warning restore VSTHRD003
        return true;
    }

    /// <summary>Hands the task's outcome to <paramref name="outcome"/> (whichever of it and the token comes first wins).</summary>
    private static async Task ForwardAsync<T>(Task<T> task, TaskCompletionSource<T> outcome)
    {
        try
        {
#pragma warning disable VSTHRD003 // As above.
            outcome.TrySetResult(await task.ConfigureAwait(false));
#pragma warning restore VSTHRD003
        }
        catch (OperationCanceledException ex)
        {
            outcome.TrySetCanceled(ex.CancellationToken);
        }
#pragma warning disable CA1031 // Any failure of the task is its outcome, handed on to the waiter unchanged.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            outcome.TrySetException(ex);
        }
    }
}
