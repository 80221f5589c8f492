using CodeForge.Core.Tools;

namespace CodeForge.Core.Agent;

/// <summary>
/// Runs the tool calls of one model response concurrently where that is safe and returns their results in call order.
/// Call <c>i</c> waits for every earlier call <c>j</c> whose <see cref="ToolAccess"/> conflicts with its own, so two writes
/// of one file run in call order, writes of different files overlap, reads overlap each other, and an exclusive call
/// (a shell command) runs alone in its place in the order.
/// </summary>
/// <remarks>
/// Stateless and thread-safe; the ordering is fixed before anything runs (a dependency graph over the batch), so it does
/// not depend on lock fairness or timing.
/// </remarks>
public static class ToolCallScheduler
{
    /// <summary>Runs <paramref name="run"/> for each call after the earlier calls it conflicts with.</summary>
    public static async Task<TResult[]> RunAsync<TCall, TResult>(
        IReadOnlyList<TCall> calls, Func<TCall, ToolAccess> access, Func<TCall, Task<TResult>> run)
    {
        ArgumentNullException.ThrowIfNull(calls);
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(run);
        var accesses = calls.Select(access).ToArray();
        var tasks = new Task<TResult>[calls.Count];
        for (var i = 0; i < calls.Count; i++)
        {
            var dependencies = new List<Task>();
            for (var j = 0; j < i; j++)
            {
                if (accesses[i].ConflictsWith(accesses[j]))
                {
                    dependencies.Add(tasks[j]);
                }
            }
            tasks[i] = RunAfterAsync(dependencies.ToArray(), calls[i], run);
        }
        return await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    private static async Task<TResult> RunAfterAsync<TCall, TResult>(Task[] dependencies, TCall call, Func<TCall, Task<TResult>> run)
    {
        if (dependencies.Length > 0)
        {
            try
            {
                await Task.WhenAll(dependencies).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // An earlier call's failure is its own result; this call still runs in its place in the order.
            }
        }
        else
        {
            await Task.Yield();
        }
        return await run(call).ConfigureAwait(false);
    }
}
