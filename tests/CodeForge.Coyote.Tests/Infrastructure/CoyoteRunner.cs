using Microsoft.Coyote;
using Microsoft.Coyote.Rewriting;
using Microsoft.Coyote.SystematicTesting;

namespace CodeForge.Coyote.Tests.Infrastructure;

/// <summary>Runs a scenario under Coyote's systematic scheduler and reports the bugs it found.</summary>
public static class CoyoteRunner
{
    /// <summary>Default number of schedules explored per test; raise with FORGE_COYOTE_ITERATIONS for nightly runs.</summary>
    public static uint Iterations =>
        uint.TryParse(Environment.GetEnvironmentVariable("FORGE_COYOTE_ITERATIONS"), out var n) && n > 0 ? n : 200;

    /// <summary>Explores <paramref name="scenario"/> and returns the report; throws if the assemblies were not rewritten.</summary>
    public static TestReport Explore(Func<Task> scenario, uint? iterations = null, bool memoryAccessRaces = false)
    {
        Assert.True(RewritingEngine.IsAssemblyRewritten(typeof(CoyoteRunner).Assembly),
            "The Coyote test assembly was not rewritten; the CoyoteRewrite build target did not run.");
        var config = Configuration.Create()
            .WithTestingIterations(iterations ?? Iterations)
            .WithRandomGeneratorSeed(7)
            .WithTelemetryEnabled(false)
            .WithMemoryAccessRaceCheckingEnabled(memoryAccessRaces)
            .WithDeadlockTimeout(5000);
        using var engine = TestingEngine.Create(config, scenario);
        engine.Run();
        return engine.TestReport;
    }

    /// <summary>Explores and asserts no bug was found, printing the first bug report otherwise.</summary>
    public static void AssertNoBug(Func<Task> scenario, uint? iterations = null, bool memoryAccessRaces = false)
    {
        var report = Explore(scenario, iterations, memoryAccessRaces);
        Assert.True(report.NumOfFoundBugs == 0,
            $"Coyote found a bug after {report.NumOfExploredFairPaths + report.NumOfExploredUnfairPaths} schedules: " +
            string.Join(Environment.NewLine, report.BugReports));
    }

    /// <summary>Explores and asserts a bug was found (used to show a check catches a broken variant).</summary>
    public static string AssertFindsBug(Func<Task> scenario, uint? iterations = null, bool memoryAccessRaces = false)
    {
        var report = Explore(scenario, iterations, memoryAccessRaces);
        Assert.True(report.NumOfFoundBugs > 0, "Coyote found no bug in a deliberately broken variant.");
        return string.Join(Environment.NewLine, report.BugReports);
    }
}
