using System.CommandLine;
using System.Globalization;

namespace CodeForge.Cli.Eval;

/// <summary><c>forge eval run|list</c>: the evaluation suite in <c>eval/</c>, run against any configured model.</summary>
/// <remarks>Stateless: builds the commands; each invocation owns what it creates (one workspace per task).</remarks>
internal static class EvalCommands
{
    public static Command Build()
    {
        var eval = new Command("eval", "Run the evaluation suite (eval/tasks) against a model and report pass rate, cost, tokens and time.");

        var model = new Option<string?>("--model") { Description = "Model id or alias for every task (default: the configured model)." };
        var provider = new Option<string?>("--provider") { Description = "Provider for every task (default: the configured provider)." };
        var tasks = new Option<string?>("--tasks") { Description = "Only tasks whose name matches one of these comma-separated wildcards, e.g. \"py-*,refuse-*\"." };
        var parallel = new Option<int>("--parallel") { Description = "How many tasks run at once.", DefaultValueFactory = _ => Math.Min(4, Environment.ProcessorCount) };
        parallel.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
            {
                r.AddError("--parallel must be 1 or more.");
            }
        });
        var json = new Option<bool>("--json") { Description = "Print the results as one JSON object." };
        var suite = new Option<string?>("--suite") { Description = "The suite folder (default: the nearest eval/ with a tasks/ folder, from the current directory up)." };
        var output = new Option<string?>("--out") { Description = "Where each task's workspace, home and logs are kept (default: a new temporary folder)." };
        var timeout = new Option<int?>("--timeout") { Description = "Seconds each agent may run (over each task's own limit)." };
        var maxTurns = new Option<int?>("--max-turns") { Description = "Model calls each agent may make (over each task's own limit)." };
        foreach (var positive in new[] { timeout, maxTurns })
        {
            positive.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<int?>() is < 1)
                {
                    r.AddError($"{r.Option.Name} must be 1 or more.");
                }
            });
        }
        var run = new Command("run", "Run the tasks in parallel, each in a fresh git workspace, with forge -p; then each task's checker.")
        {
            model, provider, tasks, parallel, json, suite, output, timeout, maxTurns,
        };
        run.SetAction(async (parse, ct) =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            if (Load(parse.GetValue(suite), parse.GetValue(tasks), stderr) is not { } selected)
            {
                return 1;
            }
            var (file, prefix) = Self();
            var modelArguments = new List<string>();
            if (parse.GetValue(model) is { } m)
            {
                modelArguments.AddRange(["--model", m]);
            }
            if (parse.GetValue(provider) is { } p)
            {
                modelArguments.AddRange(["--provider", p]);
            }
            var outDir = parse.GetValue(output) is { } o ? Path.GetFullPath(o) : Directory.CreateTempSubdirectory("forge-eval-").FullName;
            var runner = new EvalRunner(new EvalOptions
            {
                AgentFile = file,
                AgentPrefixArguments = prefix,
                ModelArguments = modelArguments,
                OutputDirectory = outDir,
                Parallelism = parse.GetValue(parallel),
                Timeout = parse.GetValue(timeout) is { } t ? TimeSpan.FromSeconds(t) : null,
                MaxTurns = parse.GetValue(maxTurns),
                UserHome = Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
            });
            var label = parse.GetValue(model) ?? parse.GetValue(provider) ?? "configured model";
            await stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"forge eval: {selected.Count} task(s), {parse.GetValue(parallel)} at a time, model {label}; workspaces in {outDir}")).ConfigureAwait(false);
            var gate = new object();
            var done = 0;
            var started = TimeProvider.System.GetTimestamp();
            var results = await runner.RunAllAsync(selected, r =>
            {
                lock (gate)
                {
                    done++;
                    stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{done}/{selected.Count}] {EvalReport.Line(r)}"));
                }
            }, ct).ConfigureAwait(false);
            await stdout.WriteAsync(parse.GetValue(json)
                ? EvalReport.Json(results, label, TimeProvider.System.GetElapsedTime(started))
                : EvalReport.Text(results, label)).ConfigureAwait(false);
            return 0;
        });
        eval.Subcommands.Add(run);

        var listSuite = new Option<string?>("--suite") { Description = "The suite folder (default: the nearest eval/ with a tasks/ folder)." };
        var listTasks = new Option<string?>("--tasks") { Description = "Only tasks whose name matches one of these comma-separated wildcards." };
        var list = new Command("list", "List the suite's tasks and what each checks.") { listSuite, listTasks };
        list.SetAction(parse =>
        {
            if (Load(parse.GetValue(listSuite), parse.GetValue(listTasks), parse.InvocationConfiguration.Error) is not { } selected)
            {
                return 1;
            }
            foreach (var task in selected)
            {
                parse.InvocationConfiguration.Output.WriteLine($"{task.Name,-34} {EvalSuite.CategoryName(task.Category),-10} {task.Description}");
            }
            return 0;
        });
        eval.Subcommands.Add(list);

        var verifySuite = new Option<string?>("--suite") { Description = "The suite folder (default: the nearest eval/ with a tasks/ folder)." };
        var verifyTasks = new Option<string?>("--tasks") { Description = "Only tasks whose name matches one of these comma-separated wildcards." };
        var verify = new Command("verify", "Check the tasks themselves, without a model: each checker must fail on the starting files and pass after the task's solution.sh.")
        {
            verifySuite, verifyTasks,
        };
        verify.SetAction(async (parse, ct) =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            if (Load(parse.GetValue(verifySuite), parse.GetValue(verifyTasks), parse.InvocationConfiguration.Error) is not { } selected)
            {
                return 1;
            }
            var outDir = Directory.CreateTempSubdirectory("forge-eval-verify-");
            try
            {
                var runner = new EvalRunner(new EvalOptions { AgentFile = "forge", OutputDirectory = outDir.FullName });
                var bad = 0;
                foreach (var task in selected)
                {
                    var untouched = await runner.VerifyAsync(task, solved: false, ct).ConfigureAwait(false);
                    var solved = await runner.VerifyAsync(task, solved: true, ct).ConfigureAwait(false);
                    var sound = untouched.Outcome == EvalOutcome.CheckFailed && solved.Passed;
                    bad += sound ? 0 : 1;
                    await stdout.WriteLineAsync(sound
                        ? $"ok   {task.Name}"
                        : $"BAD  {task.Name}: untouched {EvalReport.OutcomeName(untouched.Outcome)} ({untouched.Detail}); solved {EvalReport.OutcomeName(solved.Outcome)} ({solved.Detail})").ConfigureAwait(false);
                }
                await stdout.WriteLineAsync($"{selected.Count - bad}/{selected.Count} tasks sound").ConfigureAwait(false);
                return bad == 0 ? 0 : 1;
            }
            finally
            {
                outDir.Delete(recursive: true);
            }
        });
        eval.Subcommands.Add(verify);
        return eval;
    }

    /// <summary>The tasks to run, or null after saying on <paramref name="error"/> why there are none (a bad manifest
    /// stops the run: a suite that silently shrinks would report a wrong pass rate).</summary>
    private static IReadOnlyList<EvalTask>? Load(string? suitePath, string? globs, TextWriter error)
    {
        var suite = EvalSuite.Locate(suitePath, Environment.CurrentDirectory);
        if (suite is null)
        {
            error.WriteLine("forge eval: no eval/tasks folder here or above; run from the repository or give --suite.");
            return null;
        }
        var (tasks, problems) = EvalSuite.Load(suite, globs);
        foreach (var problem in problems)
        {
            error.WriteLine($"forge eval: {problem}");
        }
        if (problems.Count > 0)
        {
            return null;
        }
        if (tasks.Count == 0)
        {
            error.WriteLine($"forge eval: no task in {Path.Combine(suite, "tasks")} matches \"{globs}\".");
            return null;
        }
        return tasks;
    }

    /// <summary>This very forge: the native binary, or <c>dotnet forge.dll</c> for the JIT build.</summary>
    internal static (string File, string[] Prefix) Self()
    {
        var path = Environment.ProcessPath ?? throw new InvalidOperationException("forge cannot tell where its own program is.");
        return Path.GetFileNameWithoutExtension(path) == "dotnet"
            ? (path, [Path.Combine(AppContext.BaseDirectory, "forge.dll")])
            : (path, []);
    }
}
