using System.Diagnostics;
using CodeForge.Concurrency.Tests.Infrastructure;

namespace CodeForge.Concurrency.Tests.Linearizability;

/// <summary>
/// Drives a component with random operations from several barrier-started threads (more threads than cores), records the
/// history, and checks it; repeats short histories for a time budget, since one long history explodes the search while
/// many short ones keep it cheap.
/// </summary>
public static class LinearizabilityRun
{
    /// <summary>
    /// How long the checker may search one history. Histories here decide in milliseconds; the generous bound keeps a
    /// loaded machine (a parallel build, stress-ng) from turning a slow decision into an undecided one.
    /// </summary>
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long the checker may search one history of a broken variant: an undecided one is skipped (another history is
    /// recorded), so a short bound leaves more of the hunt's time for new histories.
    /// </summary>
    public static readonly TimeSpan HuntCheckTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The least time a hunt for a broken variant's violation may take before it gives up. A hunt stops at the first
    /// violation (a few histories, normally), so this costs time only when the check would fail anyway; it is long
    /// because a loaded machine (a parallel build, stress-ng) records far fewer histories per second and interleaves
    /// real threads less.
    /// </summary>
    public static readonly TimeSpan MinHuntBudget = TimeSpan.FromSeconds(90);

    /// <summary>
    /// The least number of histories a hunt records before it gives up, however long they take: a machine loaded so much
    /// that <see cref="MinHuntBudget"/> passes after a handful of histories still gets as many chances to catch the
    /// broken variant as an idle one (the give-up decision counts histories, not only seconds).
    /// </summary>
    public const int MinHuntHistories = 60;

    public sealed record Summary(int Histories, int Linearizable, int Unknown, CheckResult? Violation)
    {
        public override string ToString() =>
            $"{Histories} histories: {Linearizable} linearizable, {Unknown} unknown" +
            (Violation is null ? "" : $"; violation: {Violation}");
    }

    /// <summary>Records one history: <paramref name="threads"/> clients each run <paramref name="opsPerThread"/> operations.</summary>
    public static IReadOnlyList<Operation<TIn, TOut>> Record<TIn, TOut>(
        int threads, int opsPerThread, Func<int, Random, TIn> generate, Func<TIn, TOut> execute, int seed)
    {
        var recorder = new HistoryRecorder<TIn, TOut>();
        Stress.RunThreads(threads, client =>
        {
            var random = new Random(HashCode.Combine(seed, client));
            for (var i = 0; i < opsPerThread; i++)
            {
                recorder.Record(client, generate(client, random), execute);
            }
        });
        return recorder.History;
    }

    /// <summary>
    /// Repeats: build a fresh system (<paramref name="createExecutor"/>), record a history, check it; until the budget is
    /// spent or a violation is found (returned in <see cref="Summary.Violation"/>), or, with
    /// <paramref name="stopOnUnknown"/>, a history is left undecided.
    /// </summary>
    public static Summary Repeat<TState, TIn, TOut>(
        SequentialModel<TState, TIn, TOut> model,
        Func<Func<TIn, TOut>> createExecutor,
        Func<int, Random, TIn> generate,
        TimeSpan budget,
        int threads = 6,
        int opsPerThread = 60,
        Func<TIn, object?>? partitionBy = null,
        int minHistories = 3,
        bool stopOnUnknown = true,
        TimeSpan? checkTimeout = null)
    {
        var stopwatch = Stopwatch.StartNew();
        int histories = 0, ok = 0, unknown = 0;
        while (histories < minHistories || stopwatch.Elapsed < budget)
        {
            var history = Record(threads, opsPerThread, generate, createExecutor(), seed: histories);
            var result = LinearizabilityChecker.Check(model, history, partitionBy, checkTimeout ?? CheckTimeout);
            histories++;
            switch (result.Verdict)
            {
                case Verdict.Linearizable:
                    ok++;
                    break;
                case Verdict.Unknown:
                    // Undecided is not a pass: stop here, and let the caller fail (AssertLinearizable) with the count.
                    unknown++;
                    if (stopOnUnknown)
                    {
                        return new Summary(histories, ok, unknown, null);
                    }
                    break;
                default:
                    if (Environment.GetEnvironmentVariable("FORGE_DUMP_HISTORY") is { } dump)
                    {
                        File.WriteAllLines(dump, history.OrderBy(o => o.Call).Select(o => $"{o.Call}\t{o.Return}\t{o.Client}\t{o.Input}\t{o.Output}"));
                    }
                    return new Summary(histories, ok, unknown, result);
            }
        }
        return new Summary(histories, ok, unknown, null);
    }

    /// <summary>
    /// Asserts no violation and that every history was decided: an undecided (Unknown) history is neither a pass nor
    /// tolerated, so a workload whose histories the checker cannot decide fails until it records smaller ones.
    /// </summary>
    public static Summary AssertLinearizable<TState, TIn, TOut>(
        SequentialModel<TState, TIn, TOut> model,
        Func<Func<TIn, TOut>> createExecutor,
        Func<int, Random, TIn> generate,
        TimeSpan? budget = null,
        int threads = 6,
        int opsPerThread = 60,
        Func<TIn, object?>? partitionBy = null)
    {
        var summary = Repeat(model, createExecutor, generate, budget ?? TimeSpan.FromSeconds(1), threads, opsPerThread, partitionBy);
        Assert.True(summary.Violation is null, summary.ToString());
        Assert.True(summary.Unknown == 0, $"a history was undecided (the checker ran out of its {CheckTimeout.TotalSeconds:0} s): {summary}");
        Assert.True(summary.Linearizable > 0, $"no history was decided: {summary}");
        return summary;
    }

    /// <summary>
    /// Asserts a violation is found within the budget, at least <see cref="MinHuntBudget"/> (used on deliberately broken
    /// variants; undecided histories are skipped).
    /// </summary>
    public static Summary AssertFindsViolation<TState, TIn, TOut>(
        SequentialModel<TState, TIn, TOut> model,
        Func<Func<TIn, TOut>> createExecutor,
        Func<int, Random, TIn> generate,
        TimeSpan? budget = null,
        int threads = 6,
        int opsPerThread = 60,
        Func<TIn, object?>? partitionBy = null)
    {
        var hunt = budget is { } given && given > MinHuntBudget ? given : MinHuntBudget;
        var summary = Repeat(model, createExecutor, generate, hunt, threads, opsPerThread, partitionBy, minHistories: MinHuntHistories,
            stopOnUnknown: false, checkTimeout: HuntCheckTimeout);
        Assert.True(summary.Violation is not null, $"the broken variant was not caught: {summary}");
        return summary;
    }
}
