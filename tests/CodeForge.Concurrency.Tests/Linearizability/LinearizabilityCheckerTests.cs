using CodeForge.Concurrency.Tests.Infrastructure;

namespace CodeForge.Concurrency.Tests.Linearizability;

[Collection(NonParallel.Name)]
public sealed class LinearizabilityCheckerTests
{
    /// <summary>A register: Write(v) returns v; Read returns the current value.</summary>
    public sealed record RegisterOp(bool IsWrite, int Value)
    {
        public override string ToString() => IsWrite ? $"Write({Value})" : "Read()";
    }

    private sealed class RegisterModel : SequentialModel<int, RegisterOp, int>
    {
        public override int Init() => 0;

        public override IEnumerable<int> Step(int state, RegisterOp input, int output) =>
            input.IsWrite ? Legal(input.Value) : LegalIf(output == state, state);
    }

    private static Operation<RegisterOp, int> Op(int client, bool write, int value, int output, long call, long ret) =>
        new(client, new RegisterOp(write, value), output, call, ret);

    [Fact]
    public void Check_WhenReadOverlapsWrite_AcceptsEitherValue()
    {
        // Write(1) in [1,4]; Read() in [2,3] may see 0 or 1.
        foreach (var seen in new[] { 0, 1 })
        {
            var history = new[] { Op(0, true, 1, 1, 1, 4), Op(1, false, 0, seen, 2, 3) };
            Assert.Equal(Verdict.Linearizable, LinearizabilityChecker.Check(new RegisterModel(), history).Verdict);
        }
    }

    [Fact]
    public void Check_WhenReadFollowsCompletedWriteButSeesOldValue_RejectsIt()
    {
        var history = new[] { Op(0, true, 1, 1, 1, 2), Op(1, false, 0, 0, 3, 4) };

        var result = LinearizabilityChecker.Check(new RegisterModel(), history);

        Assert.Equal(Verdict.NotLinearizable, result.Verdict);
        Assert.Contains("Read()", result.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_WhenTwoReadersSeeWritesInOppositeOrders_RejectsIt()
    {
        // Two overlapping writes; a reader sees 1 then 2, another sees 2 then 1, all after both writes returned: impossible.
        var history = new[]
        {
            Op(0, true, 1, 1, 1, 3), Op(1, true, 2, 2, 2, 4),
            Op(2, false, 0, 2, 5, 6), Op(3, false, 0, 1, 7, 8),
        };

        Assert.Equal(Verdict.NotLinearizable, LinearizabilityChecker.Check(new RegisterModel(), history).Verdict);
    }

    [Fact]
    public void Check_WhenPartitioned_ChecksEachKeyAlone()
    {
        // Keys encoded in Value / 100: key 0 and key 1 each linearizable on their own.
        var history = new[]
        {
            Op(0, true, 1, 1, 1, 2), Op(1, false, 0, 1, 3, 4),
            Op(0, true, 101, 101, 5, 6), Op(1, false, 100, 101, 7, 8),
        };
        var result = LinearizabilityChecker.Check(new KeyedRegisterModel(), history, i => i.Value / 100);

        Assert.Equal(Verdict.Linearizable, result.Verdict);
        Assert.Equal(2, result.Partitions);
    }

    private sealed class KeyedRegisterModel : SequentialModel<int, RegisterOp, int>
    {
        public override int Init() => -1;

        public override IEnumerable<int> Step(int state, RegisterOp input, int output) =>
            input.IsWrite ? Legal(input.Value) : LegalIf(output == state, state);
    }

    [Fact]
    public void Check_WhenBudgetIsSpent_ReportsUnknownNotPass()
    {
        // Many fully overlapping writes and a read of an impossible value force an exhaustive search.
        var ops = Enumerable.Range(1, 40).Select(i => Op(i, true, i, i, i, 1000 + i)).ToList();
        ops.Add(Op(0, false, 0, -5, 2000, 2001));

        var result = LinearizabilityChecker.Check(new CountingModel(), ops, timeout: TimeSpan.FromMilliseconds(50));

        Assert.NotEqual(Verdict.Linearizable, result.Verdict);
    }

    /// <summary>State = sum of writes: every order gives a distinct path, defeating memoisation only partly.</summary>
    private sealed class CountingModel : SequentialModel<long, RegisterOp, int>
    {
        public override long Init() => 0;

        public override IEnumerable<long> Step(long state, RegisterOp input, int output) =>
            input.IsWrite ? Legal(state * 31 + input.Value) : LegalIf(output == state, state);
    }

    private sealed class RacyCounter
    {
        private int _value;

        public int Increment()
        {
            var v = _value;
            Thread.Sleep(1);
            _value = v + 1;
            return v + 1;
        }
    }

    private sealed class CounterModel : SequentialModel<int, string, int>
    {
        public override int Init() => 0;

        public override IEnumerable<int> Step(int state, string input, int output) => LegalIf(output == state + 1, state + 1);
    }

    [Fact]
    public void Repeat_WhenCounterLosesUpdates_FindsAViolation()
    {
        var summary = LinearizabilityRun.AssertFindsViolation(
            new CounterModel(),
            () => { var c = new RacyCounter(); return _ => c.Increment(); },
            (_, _) => "inc");

        Assert.NotNull(summary.Violation);
    }

    [Fact]
    public void Repeat_WhenCounterIsAtomic_FindsNoViolation()
    {
        LinearizabilityRun.AssertLinearizable(
            new CounterModel(),
            () => { var c = 0; return _ => Interlocked.Increment(ref c); },
            (_, _) => "inc");
    }
}
