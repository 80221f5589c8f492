using System.Collections.Concurrent;

namespace CodeForge.Concurrency.Tests.Linearizability;

/// <summary>One completed operation: who ran it, what it was, what it returned, and its invoke and return stamps.</summary>
public sealed record Operation<TIn, TOut>(int Client, TIn Input, TOut Output, long Call, long Return);

/// <summary>
/// Records invoke/return stamps of operations run concurrently. Stamps come from one interlocked counter: the increments
/// are themselves linearizable, so stamps are totally ordered, tie-free and consistent with real time across cores.
/// </summary>
/// <remarks>Thread-safe: any number of clients may record at once.</remarks>
public sealed class HistoryRecorder<TIn, TOut>
{
    private readonly ConcurrentQueue<Operation<TIn, TOut>> _ops = new();
    private long _clock;

    public TOut Record(int client, TIn input, Func<TIn, TOut> call)
    {
        var invoked = Interlocked.Increment(ref _clock);
        var output = call(input);
        var returned = Interlocked.Increment(ref _clock);
        _ops.Enqueue(new Operation<TIn, TOut>(client, input, output, invoked, returned));
        return output;
    }

    public async Task<TOut> RecordAsync(int client, TIn input, Func<TIn, Task<TOut>> call)
    {
        var invoked = Interlocked.Increment(ref _clock);
        var output = await call(input).ConfigureAwait(false);
        var returned = Interlocked.Increment(ref _clock);
        _ops.Enqueue(new Operation<TIn, TOut>(client, input, output, invoked, returned));
        return output;
    }

    public IReadOnlyList<Operation<TIn, TOut>> History => [.. _ops];
}
