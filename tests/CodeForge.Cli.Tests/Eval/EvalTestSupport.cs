using CodeForge.Cli.Eval;
using CodeForge.Testing;

namespace CodeForge.Cli.Tests.Eval;

/// <summary>Where the repository's suite is, and a runner that starts the shipped forge (ForgeBinary) against a fake model server.</summary>
internal static class EvalTestSupport
{
    /// <summary>The repository's <c>eval/</c> folder (found from the test binaries upwards).</summary>
    public static string SuiteDirectory { get; } = EvalSuite.Locate(null, AppContext.BaseDirectory)
        ?? throw new InvalidOperationException($"no eval/tasks folder above {AppContext.BaseDirectory}");

    public static EvalTask Task(string name)
    {
        Assert.True(EvalSuite.TryLoad(Path.Combine(SuiteDirectory, "tasks", name), out var task, out var problem), problem);
        return task;
    }

    /// <summary>A runner whose agent is the shipped forge (ForgeBinary) talking OpenAI to <paramref name="server"/>.</summary>
    public static EvalRunner Runner(FakeModelServer server, string outputDirectory, int parallelism = 1, TimeSpan? timeout = null)
    {
        var environment = new Dictionary<string, string?>(server.EnvironmentVariables.ToDictionary(e => e.Key, e => (string?)e.Value))
        {
            ["FORGE_PROVIDER"] = null,
            ["FORGE_MODEL"] = null,
        };
        return new EvalRunner(new EvalOptions
        {
            AgentFile = CodeForge.Testing.Forge.ForgeBinary.FileName,
            AgentPrefixArguments = [.. CodeForge.Testing.Forge.ForgeBinary.PrefixArguments],
            ModelArguments = ["--provider", "openai", "--model", "gpt-4o"],
            Environment = environment,
            OutputDirectory = outputDirectory,
            Parallelism = parallelism,
            Timeout = timeout,
        });
    }

    /// <summary>A Bash tool call that runs the reference solution of the task whose workspace the agent is in (the
    /// workspace is <c>OUT/TASK/repo</c>), so one script serves tasks running in parallel.</summary>
    public static ScriptedTurn RunOwnSolution() => ScriptedTurn.CallTool("Bash", System.Text.Json.JsonSerializer.Serialize(
        new Dictionary<string, string> { ["command"] = $"bash '{SolutionTasksDirectory.Value}/'\"$(basename \"$(dirname \"$PWD\")\")\"/solution.sh" },
        EvalTestJson.Default.DictionaryStringString));

    /// <summary>
    /// Where the Bash tool can read the tasks' solutions: the suite's own tasks folder, or, for a checkout under /tmp
    /// (which the sandbox replaces with a private, empty /tmp), a copy under /var/tmp, which the sandbox shows read-only.
    /// </summary>
    private static readonly Lazy<string> SolutionTasksDirectory = new(() =>
    {
        var tasks = Path.Combine(SuiteDirectory, "tasks");
        if (!Path.GetFullPath(tasks).StartsWith("/tmp/", StringComparison.Ordinal))
        {
            return tasks;
        }
        var copy = Directory.CreateDirectory(Path.Combine("/var/tmp", $"forge-eval-tasks-{Guid.NewGuid():N}")).FullName;
        foreach (var file in Directory.EnumerateFiles(tasks, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(tasks, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        return copy;
    });
}

/// <summary>Source-generated JSON for the tests' tool arguments.</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class EvalTestJson : System.Text.Json.Serialization.JsonSerializerContext;
