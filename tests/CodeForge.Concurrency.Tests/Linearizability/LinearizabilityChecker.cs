using System.Diagnostics;
using System.Globalization;

namespace CodeForge.Concurrency.Tests.Linearizability;

public enum Verdict
{
    Linearizable,
    NotLinearizable,

    /// <summary>The search ran out of time: neither a pass nor a failure.</summary>
    Unknown,
}

public sealed record CheckResult(Verdict Verdict, int Partitions, long StatesExplored, string? Failure)
{
    public override string ToString() =>
        $"{Verdict} ({Partitions} partition(s), {StatesExplored} states explored){(Failure is null ? "" : ": " + Failure)}";
}

/// <summary>
/// Decides whether a recorded concurrent history is linearizable with respect to a sequential model: Wing and Gong's
/// search over the order in which pending operations take effect, in Lowe's formulation over a list of call and return
/// events, with Lowe's memoisation of visited (linearized set, model state) configurations, and Horn and Kroening's
/// P-compositionality (each partition of a history over independent keys is checked on its own).
/// </summary>
public static class LinearizabilityChecker
{
    public static CheckResult Check<TState, TIn, TOut>(
        SequentialModel<TState, TIn, TOut> model,
        IReadOnlyList<Operation<TIn, TOut>> history,
        Func<TIn, object?>? partitionBy = null,
        TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(history);
        var deadline = Stopwatch.GetTimestamp() + (long)((timeout ?? TimeSpan.FromSeconds(10)).TotalSeconds * Stopwatch.Frequency);
        var partitions = partitionBy is null
            ? [history]
            : history.GroupBy(o => partitionBy(o.Input)).Select(g => (IReadOnlyList<Operation<TIn, TOut>>)[.. g]).ToList();
        long explored = 0;
        var unknown = false;
        foreach (var part in partitions)
        {
            var (verdict, states, failure) = CheckSingle(model, part, deadline);
            explored += states;
            if (verdict == Verdict.NotLinearizable)
            {
                return new CheckResult(Verdict.NotLinearizable, partitions.Count, explored, failure);
            }
            unknown |= verdict == Verdict.Unknown;
        }
        return new CheckResult(unknown ? Verdict.Unknown : Verdict.Linearizable, partitions.Count, explored, null);
    }

    private sealed class Entry
    {
        public required bool IsCall;
        public required int Op;
        public required long Time;
        public Entry? Match;
        public Entry? Prev;
        public Entry? Next;
    }

    private readonly record struct Frame<TState>(Entry Call, TState Before, int Alternative);

    private static (Verdict, long, string?) CheckSingle<TState, TIn, TOut>(
        SequentialModel<TState, TIn, TOut> model, IReadOnlyList<Operation<TIn, TOut>> ops, long deadline)
    {
        var head = BuildEventList(ops);
        var linearized = new ulong[(ops.Count + 63) / 64];
        var cache = new HashSet<Configuration<TState>>(new ConfigurationComparer<TState>(model.StateComparer));
        var stack = new Stack<Frame<TState>>();
        var state = model.Init();
        var entry = head.Next;
        var alternative = 0;
        long steps = 0;
        var deepest = -1;
        string? failure = null;

        while (head.Next is not null)
        {
            if ((++steps & 1023) == 0 && Stopwatch.GetTimestamp() > deadline)
            {
                return (Verdict.Unknown, steps, null);
            }
            if (entry!.IsCall)
            {
                var op = ops[entry.Op];
                var candidates = model.Step(state, op.Input, op.Output).ToList();
                var placed = false;
                for (var i = alternative; i < candidates.Count; i++)
                {
                    Set(linearized, entry.Op, true);
                    if (cache.Add(new Configuration<TState>((ulong[])linearized.Clone(), candidates[i])))
                    {
                        stack.Push(new Frame<TState>(entry, state, i));
                        state = candidates[i];
                        Lift(entry);
                        entry = head.Next;
                        placed = true;
                        break;
                    }
                    Set(linearized, entry.Op, false);
                }
                alternative = 0;
                if (!placed)
                {
                    if (stack.Count > deepest)
                    {
                        deepest = stack.Count;
                        failure = string.Create(CultureInfo.InvariantCulture,
                            $"after linearizing {stack.Count} of {ops.Count} ops (model state {model.Describe(state)}), " +
                            $"no order admits op #{entry.Op} (client {op.Client}: {op.Input} -> {op.Output}, call {op.Call}, return {op.Return})");
                    }
                    entry = entry.Next;
                }
            }
            else
            {
                // A return event of an op not yet linearized: every order so far is wrong; backtrack.
                if (stack.Count == 0)
                {
                    return (Verdict.NotLinearizable, steps, failure ?? "the first operation cannot be placed");
                }
                var frame = stack.Pop();
                Set(linearized, frame.Call.Op, false);
                state = frame.Before;
                Unlift(frame.Call);
                entry = frame.Call;
                alternative = frame.Alternative + 1;
            }
        }
        return (Verdict.Linearizable, steps, null);
    }

    private static Entry BuildEventList<TIn, TOut>(IReadOnlyList<Operation<TIn, TOut>> ops)
    {
        var events = new List<Entry>(ops.Count * 2);
        for (var i = 0; i < ops.Count; i++)
        {
            var call = new Entry { IsCall = true, Op = i, Time = ops[i].Call };
            var ret = new Entry { IsCall = false, Op = i, Time = ops[i].Return };
            call.Match = ret;
            events.Add(call);
            events.Add(ret);
        }
        events.Sort((a, b) => a.Time.CompareTo(b.Time));
        var head = new Entry { IsCall = false, Op = -1, Time = long.MinValue };
        var prev = head;
        foreach (var e in events)
        {
            prev.Next = e;
            e.Prev = prev;
            prev = e;
        }
        return head;
    }

    private static void Lift(Entry call)
    {
        call.Prev!.Next = call.Next;
        call.Next!.Prev = call.Prev;
        var ret = call.Match!;
        ret.Prev!.Next = ret.Next;
        if (ret.Next is not null)
        {
            ret.Next.Prev = ret.Prev;
        }
    }

    private static void Unlift(Entry call)
    {
        var ret = call.Match!;
        ret.Prev!.Next = ret;
        if (ret.Next is not null)
        {
            ret.Next.Prev = ret;
        }
        call.Prev!.Next = call;
        call.Next!.Prev = call;
    }

    private static void Set(ulong[] bits, int index, bool value)
    {
        if (value)
        {
            bits[index >> 6] |= 1UL << (index & 63);
        }
        else
        {
            bits[index >> 6] &= ~(1UL << (index & 63));
        }
    }

    private readonly record struct Configuration<TState>(ulong[] Linearized, TState State);

    private sealed class ConfigurationComparer<TState>(IEqualityComparer<TState> states) : IEqualityComparer<Configuration<TState>>
    {
        public bool Equals(Configuration<TState> x, Configuration<TState> y) =>
            x.Linearized.AsSpan().SequenceEqual(y.Linearized) && states.Equals(x.State, y.State);

        public int GetHashCode(Configuration<TState> c)
        {
            var h = new HashCode();
            foreach (var word in c.Linearized)
            {
                h.Add(word);
            }
            h.Add(c.State is null ? 0 : states.GetHashCode(c.State));
            return h.ToHashCode();
        }
    }
}
