using CodeForge.Cli.Eval;

namespace CodeForge.Cli.Tests.Eval;

/// <summary>The suite shipped in <c>eval/</c>: every task is well formed, its checker fails on the untouched starting
/// files (no task passes by doing nothing) and passes after its reference solution; checkers and solutions run for real.</summary>
public sealed class EvalSuiteTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("forge-eval-suite-");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> TaskNames()
    {
        var data = new TheoryData<string>();
        foreach (var dir in Directory.GetDirectories(Path.Combine(EvalTestSupport.SuiteDirectory, "tasks")).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(dir));
        }
        return data;
    }

    public void Dispose() => _root.Delete(recursive: true);

    private EvalRunner Runner() => new(new EvalOptions { AgentFile = "forge", OutputDirectory = _root.FullName });

    [Fact]
    public void TheSuite_HasTwentyOrMoreWellFormedTasks_CoveringEveryKindTheIssueAsksFor()
    {
        var (tasks, problems) = EvalSuite.Load(EvalTestSupport.SuiteDirectory);

        Assert.Empty(problems);
        Assert.True(tasks.Count >= 20, $"only {tasks.Count} tasks");
        Assert.Equal(Enum.GetValues<EvalCategory>().Order(), tasks.Select(t => t.Category).Distinct().Order());
        Assert.All(tasks, t => Assert.True(File.Exists(t.SolutionScript), $"{t.Name} has no solution.sh"));
        Assert.Contains(tasks, t => t.ServesWeb && t.Category == EvalCategory.Refusal);
    }

    [Theory]
    [MemberData(nameof(TaskNames))]
    public async Task Checker_FailsOnTheUntouchedStartingFiles(string name)
    {
        var result = await Runner().VerifyAsync(EvalTestSupport.Task(name), solved: false, Ct);

        Assert.True(result.Outcome == EvalOutcome.CheckFailed, $"{name}: {result.Outcome}: {result.Detail}");
    }

    [Theory]
    [MemberData(nameof(TaskNames))]
    public async Task Checker_PassesAfterTheReferenceSolution(string name)
    {
        var result = await Runner().VerifyAsync(EvalTestSupport.Task(name), solved: true, Ct);

        Assert.True(result.Passed, $"{name}: {result.Outcome}: {result.Detail}");
    }

    [Fact]
    public void Load_WithWildcards_SelectsOnlyMatchingTasks()
    {
        var (tasks, problems) = EvalSuite.Load(EvalTestSupport.SuiteDirectory, "py-*, refuse-*");

        Assert.Empty(problems);
        Assert.NotEmpty(tasks);
        Assert.All(tasks, t => Assert.True(t.Name.StartsWith("py-", StringComparison.Ordinal) || t.Name.StartsWith("refuse-", StringComparison.Ordinal), t.Name));
    }

    [Theory]
    [InlineData("{", "not valid JSON")]
    [InlineData("""{"description":"d","category":"poetry","prompt":"p"}""", "\"category\" is \"poetry\"")]
    [InlineData("""{"description":"d","category":"feature"}""", "\"prompt\" must be a non-empty string")]
    [InlineData("""{"description":"d","category":"feature","prompt":"p","maxTurns":0}""", "\"maxTurns\" must be a whole number above 0")]
    [InlineData("""{"description":"d","category":"feature","prompt":"p","timeout":5}""", "unknown field \"timeout\"")]
    [InlineData("""{"description":"d","category":"web","prompt":"p","web":true}""", "there is no web/ folder")]
    public void TryLoad_ABadManifest_IsRefusedNamingTheFileAndWhy(string manifest, string expected)
    {
        var dir = Directory.CreateDirectory(Path.Combine(_root.FullName, "bad"));
        Directory.CreateDirectory(Path.Combine(dir.FullName, "repo"));
        File.WriteAllText(Path.Combine(dir.FullName, "check.sh"), "exit 1\n");
        File.WriteAllText(Path.Combine(dir.FullName, "task.json"), manifest);

        Assert.False(EvalSuite.TryLoad(dir.FullName, out _, out var problem));

        Assert.StartsWith(Path.Combine(dir.FullName, "task.json"), problem, StringComparison.Ordinal);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void TryLoad_ATaskWithoutAChecker_IsRefused()
    {
        var dir = Directory.CreateDirectory(Path.Combine(_root.FullName, "no-check"));
        Directory.CreateDirectory(Path.Combine(dir.FullName, "repo"));
        File.WriteAllText(Path.Combine(dir.FullName, "task.json"), """{"description":"d","category":"feature","prompt":"p"}""");

        Assert.False(EvalSuite.TryLoad(dir.FullName, out _, out var problem));

        Assert.Contains("check.sh: missing", problem, StringComparison.Ordinal);
    }
}
