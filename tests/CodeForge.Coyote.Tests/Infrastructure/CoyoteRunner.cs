using System.Diagnostics;
using System.Globalization;
using CodeForge.Core.Tools;
using Microsoft.Coyote;
using Microsoft.Coyote.Rewriting;
using Microsoft.Coyote.SystematicTesting;

namespace CodeForge.Coyote.Tests.Infrastructure;

/// <summary>The exploration strategy a test names (Coyote 1.7.11's names).</summary>
public enum CoyoteStrategy
{
    /// <summary>Uniformly random choice of the next enabled operation at every scheduling point.</summary>
    Random,

    /// <summary>
    /// Coyote's "probabilistic" random walk: keeps running the current operation and switches with probability 0.5^3,
    /// so long uninterrupted runs of one task with rare preemptions (good for check-then-act windows).
    /// </summary>
    Probabilistic,

    /// <summary>
    /// Coyote's priority-based strategy (PCT: random priorities, at most <see cref="CoyoteRunner.PriorityChangeBound"/>
    /// priority changes per schedule), which finds bugs of small depth (few ordering constraints) with a probabilistic
    /// guarantee.
    /// </summary>
    Prioritization,
}

/// <summary>What one exploration did: the numbers each test prints and the docs summarise.</summary>
public sealed record CoyoteRun(
    string Test,
    CoyoteStrategy Strategy,
    uint Iterations,
    long ExploredSchedules,
    int DistinctSchedules,
    int MaxConcurrencyDegree,
    long TotalSteps,
    int BugsFound,
    string Bug,
    string Trace,
    TimeSpan Elapsed)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"coyote\t{Test}\t{Strategy}\titerations={Iterations}\texplored={ExploredSchedules}\tdistinct={DistinctSchedules}\t" +
        $"maxConcurrency={MaxConcurrencyDegree}\tsteps={TotalSteps}\tbugs={BugsFound}\tms={Elapsed.TotalMilliseconds:F0}");
}

/// <summary>
/// Runs a scenario under Coyote's systematic scheduler in strict mode and reports what it explored.
/// </summary>
/// <remarks>
/// <para>Strict: partially controlled concurrency is not allowed and there is no fallback to systematic fuzzing, so a
/// scenario that touches a thread, timer, I/O completion or task Coyote does not control fails with an
/// "uncontrolled" error instead of being explored less thoroughly (shown by
/// <see cref="CoyoteRunnerTests"/>). Both this assembly and CodeForge.Core.dll are asserted rewritten before every
/// exploration, so a skipped rewrite fails loudly rather than exploring nothing.</para>
/// <para>Every exploration runs a fixed number of schedules from a fixed seed with the strategy the test names, asserts how
/// many it explored (all of them, with more than one distinct schedule and at least two operations enabled at once),
/// writes a one-line report to the test output and to <c>coyote/report.tsv</c> next to the test assembly, and, when it
/// finds a bug, writes the reproducible trace to the test output and to <c>coyote/traces/&lt;test&gt;.trace</c>. A trace
/// is replayed by setting <c>FORGE_COYOTE_TRACE=&lt;file&gt;</c> and running that one test; every broken-variant test
/// also replays its trace itself and asserts the same bug comes back.</para>
/// <para>Thread-safe: explorations share nothing but the report file, appended under a lock.</para>
/// </remarks>
public static class CoyoteRunner
{
    /// <summary>The seed of every exploration (fixed, so a run is repeatable).</summary>
    public const uint Seed = 7;

    /// <summary>The priority-change bound of <see cref="CoyoteStrategy.Prioritization"/>.</summary>
    public const uint PriorityChangeBound = 10;

    /// <summary>
    /// How long the periodic deadlock monitor waits for any scheduling step before it reports a potential deadlock or hang.
    /// In strict mode a real deadlock of controlled operations is found at once, without the monitor, and uncontrolled
    /// concurrency is an error of its own; the monitor only catches one step that never ends. One step of a cold first
    /// schedule (JIT, static constructors, file I/O) took longer than 5 s in a full CI run on two loaded cores and was
    /// reported as a hang, so the bound is generous: a genuine hang still fails the test, a minute later.
    /// </summary>
    public const uint DeadlockMonitorTimeoutMs = 60_000;

    private static readonly object ReportGate = new();
    private static bool _reportStarted;

    /// <summary>Default number of schedules explored per test; raise with FORGE_COYOTE_ITERATIONS for nightly runs.</summary>
    public static uint Iterations =>
        uint.TryParse(Environment.GetEnvironmentVariable("FORGE_COYOTE_ITERATIONS"), out var n) && n > 0 ? n : 200;

    /// <summary>Where reports and traces go.</summary>
    public static string OutputDirectory => Path.Combine(AppContext.BaseDirectory, "coyote");

    /// <summary>Asserts that this test assembly, CodeForge.Core.dll and CodeForge.Mcp.dll were all rewritten by the Coyote rewriter.</summary>
    public static void AssertRewritten()
    {
        foreach (var assembly in new[] { typeof(CoyoteRunner).Assembly, typeof(ToolRegistry).Assembly, typeof(CodeForge.Mcp.Client.McpClientManager).Assembly })
        {
            Assert.True(RewritingEngine.IsAssemblyRewritten(assembly),
                $"{assembly.GetName().Name} was not rewritten by Coyote; the CoyoteRewrite build target did not run " +
                "(was the build run with -p:SkipCoyoteRewrite=true?).");
        }
    }

    /// <summary>The strict configuration every exploration uses.</summary>
    public static Configuration Configure(CoyoteStrategy strategy, uint iterations, bool memoryAccessRaces)
    {
        var config = Configuration.Create()
            .WithTestingIterations(iterations)
            .WithRandomGeneratorSeed(Seed)
            .WithTelemetryEnabled(false)
            .WithPartiallyControlledConcurrencyAllowed(false)
            .WithSystematicFuzzingFallbackEnabled(false)
            .WithSystematicFuzzingEnabled(false)
            .WithPotentialDeadlocksReportedAsBugs(true)
            .WithScheduleCoverageReported(true)
            .WithMemoryAccessRaceCheckingEnabled(memoryAccessRaces)
            .WithDeadlockTimeout(DeadlockMonitorTimeoutMs);
        return strategy switch
        {
            CoyoteStrategy.Random => config.WithRandomStrategy(),
            CoyoteStrategy.Probabilistic => config.WithProbabilisticStrategy(3),
            CoyoteStrategy.Prioritization => config.WithPrioritizationStrategy(false, PriorityChangeBound),
            _ => throw new ArgumentOutOfRangeException(nameof(strategy), strategy, null),
        };
    }

    /// <summary>Explores <paramref name="scenario"/> in strict mode and returns what happened (asserts nothing about bugs).</summary>
    public static CoyoteRun Explore(Func<Task> scenario, CoyoteStrategy strategy, uint? iterations = null, bool memoryAccessRaces = false) =>
        Explore(scenario, Configure(strategy, iterations ?? Iterations, memoryAccessRaces), strategy, trace: ReplayTrace());

    private static string? ReplayTrace()
    {
        var file = Environment.GetEnvironmentVariable("FORGE_COYOTE_TRACE");
        return string.IsNullOrEmpty(file) ? null : File.ReadAllText(file);
    }

    private static CoyoteRun Explore(Func<Task> scenario, Configuration config, CoyoteStrategy strategy, string? trace)
    {
        AssertRewritten();
        if (trace is not null)
        {
            config = config.WithReproducibleTrace(trace).WithTestingIterations(1);
        }
        var clock = Stopwatch.StartNew();
        using var engine = TestingEngine.Create(config, scenario);
        engine.Run();
        clock.Stop();
        var report = engine.TestReport;
        var run = new CoyoteRun(
            TestContext.Current.Test?.TestDisplayName ?? "(no test)",
            strategy,
            config.TestingIterations,
            report.NumOfExploredFairPaths + report.NumOfExploredUnfairPaths,
            report.CoverageInfo.ExploredPaths.Count,
            report.MaxConcurrencyDegree,
            report.TotalExploredFairSteps + report.TotalExploredUnfairSteps,
            report.NumOfFoundBugs,
            string.Join(Environment.NewLine, report.BugReports),
            report.NumOfFoundBugs > 0 ? engine.ReproducibleTrace : string.Empty,
            clock.Elapsed);
        Record(run);
        return run;
    }

    private static void Record(CoyoteRun run)
    {
        var output = TestContext.Current.TestOutputHelper;
        output?.WriteLine(run.ToString());
        lock (ReportGate)
        {
            Directory.CreateDirectory(OutputDirectory);
            if (!_reportStarted)
            {
                // One report per test run: the first exploration of this process starts the file afresh.
                _reportStarted = true;
                File.WriteAllText(Path.Combine(OutputDirectory, "report.tsv"), "");
            }
            File.AppendAllText(Path.Combine(OutputDirectory, "report.tsv"), run + Environment.NewLine);
            if (run.BugsFound > 0)
            {
                var traces = Directory.CreateDirectory(Path.Combine(OutputDirectory, "traces"));
                var file = Path.Combine(traces.FullName, SafeFileName(run.Test) + ".trace");
                File.WriteAllText(file, run.Trace);
                output?.WriteLine($"bug: {run.Bug}");
                output?.WriteLine($"reproducible trace (replay: FORGE_COYOTE_TRACE={file}):");
                output?.WriteLine(run.Trace);
            }
        }
    }

    private static string SafeFileName(string test)
    {
        var invalid = Path.GetInvalidFileNameChars();
        var name = new string([.. test.Select(c => invalid.Contains(c) || c == ' ' ? '_' : c)]);
        return name.Length > 150 ? name[^150..] : name;
    }

    /// <summary>
    /// Explores and asserts no bug was found in any of the fixed number of schedules, that all of them ran, that more than
    /// one distinct schedule came up and that the scenario had real concurrency (two or more operations enabled at once).
    /// </summary>
    public static CoyoteRun AssertNoBug(Func<Task> scenario, CoyoteStrategy strategy, uint? iterations = null, bool memoryAccessRaces = false,
        int minDistinctSchedules = 2)
    {
        var run = Explore(scenario, strategy, iterations, memoryAccessRaces);
        Assert.True(run.BugsFound == 0,
            $"Coyote found a bug after {run.ExploredSchedules} schedules ({run.Strategy}): {run.Bug}{Environment.NewLine}" +
            $"trace written to {OutputDirectory}/traces; replay with FORGE_COYOTE_TRACE=<file>.");
        Assert.True(run.ExploredSchedules == run.Iterations, $"explored {run.ExploredSchedules} of {run.Iterations} schedules");
        Assert.True(run.DistinctSchedules >= Math.Min(minDistinctSchedules, (int)run.Iterations),
            $"only {run.DistinctSchedules} distinct schedule(s) in {run.ExploredSchedules}: the scenario has (almost) no interleavings");
        Assert.True(run.Iterations == 1 || run.MaxConcurrencyDegree >= 2,
            $"at most {run.MaxConcurrencyDegree} operation(s) were ever enabled at once: nothing ran concurrently");
        return run;
    }

    /// <summary>
    /// Explores and asserts a bug was found (a broken variant is caught); then replays the bug's trace and asserts the same
    /// bug comes back in one schedule, so the written trace is known to be replayable. Returns the bug report.
    /// </summary>
    public static string AssertFindsBug(Func<Task> scenario, CoyoteStrategy strategy, uint? iterations = null, bool memoryAccessRaces = false)
    {
        var config = Configure(strategy, iterations ?? Iterations, memoryAccessRaces);
        var run = Explore(scenario, config, strategy, trace: null);
        Assert.True(run.BugsFound > 0, $"Coyote found no bug in {run.ExploredSchedules} schedules ({run.Strategy}) of a deliberately broken variant.");
        Assert.False(string.IsNullOrWhiteSpace(run.Trace), "the bug has no reproducible trace");

        var replay = Explore(scenario, Configure(strategy, 1, memoryAccessRaces), strategy, run.Trace);
        Assert.True(replay.BugsFound == 1 && replay.Bug == run.Bug,
            $"replaying the trace gave {(replay.BugsFound == 0 ? "no bug" : replay.Bug)} instead of {run.Bug}");
        return run.Bug;
    }
}
