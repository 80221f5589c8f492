using System.Globalization;
using System.Text.Json;
using CodeForge.Core.Paths;

namespace CodeForge.Cli.Eval;

/// <summary>How a task's run ended.</summary>
internal enum EvalOutcome
{
    /// <summary>The agent finished and the checker passed.</summary>
    Passed,
    /// <summary>The agent finished and the checker failed.</summary>
    CheckFailed,
    /// <summary>The agent ended with an error result (model error, max turns, ...) or exited with an error and no result.</summary>
    AgentFailed,
    /// <summary>The agent died without a result (a crash, a signal).</summary>
    AgentCrashed,
    /// <summary>The agent ran past the task's time limit and was killed.</summary>
    AgentTimedOut,
    /// <summary>The workspace could not be made (copy, git, setup.sh) or the checker could not run.</summary>
    HarnessError,
}

/// <summary>What one task's run gave.</summary>
/// <remarks>Immutable.</remarks>
internal sealed record EvalResult
{
    public required EvalTask Task { get; init; }
    public required EvalOutcome Outcome { get; init; }
    /// <summary>Why: the checker's last lines, the agent's error, the exit code.</summary>
    public required string Detail { get; init; }
    public required string Workspace { get; init; }
    public decimal CostUsd { get; init; }
    public long InputTokens { get; init; }
    public long OutputTokens { get; init; }
    public long CachedInputTokens { get; init; }
    public int Turns { get; init; }
    /// <summary>Wall time of the agent (workspace, agent and check).</summary>
    public TimeSpan Elapsed { get; init; }

    public bool Passed => Outcome == EvalOutcome.Passed;
}

/// <summary>How to run the agent and where.</summary>
/// <remarks>Immutable once built; one instance serves every task of a run.</remarks>
internal sealed record EvalOptions
{
    /// <summary>The program that is the agent (forge itself) and the arguments that come before forge's own.</summary>
    public required string AgentFile { get; init; }
    public IReadOnlyList<string> AgentPrefixArguments { get; init; } = [];
    /// <summary>Flags for every agent run, e.g. <c>--model X --provider Y</c>.</summary>
    public IReadOnlyList<string> ModelArguments { get; init; } = [];
    /// <summary>Environment changes for every child process (null removes a variable).</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();
    /// <summary>Where each task gets its folder (workspace, home, logs).</summary>
    public required string OutputDirectory { get; init; }
    public int Parallelism { get; init; } = 2;
    /// <summary>Overrides every task's time limit.</summary>
    public TimeSpan? Timeout { get; init; }
    /// <summary>Overrides every task's turn limit.</summary>
    public int? MaxTurns { get; init; }
    /// <summary>The user's home: its <c>.forge/settings.json</c> and <c>.claude/settings.json</c> are copied into each
    /// task's own home, so the configured provider applies while nothing the agent does reaches the real home.</summary>
    public string? UserHome { get; init; }
    public TimeSpan CheckTimeout { get; init; } = TimeSpan.FromMinutes(3);
    public TimeProvider Time { get; init; } = TimeProvider.System;
}

/// <summary>
/// Runs tasks: for each, a fresh folder (<c>repo</c>: the starting files as a new git repository; <c>home</c>: the
/// agent's own HOME), the task's web page on 127.0.0.1 if it has one, the real <c>forge -p</c> in the workspace (JSON
/// output, bypassPermissions, the task's turn and time limits), then <c>check.sh</c>. An agent that crashes, times out or
/// ends with an error fails the task; whatever goes wrong in one task is that task's result, never the run's crash.
/// </summary>
/// <remarks>Thread-safe: tasks run in parallel (up to <see cref="EvalOptions.Parallelism"/>), each in its own folder with
/// its own processes and web server; nothing is shared between them but the read-only task folders.
/// <c>onFinished</c> is called from worker threads, one call per task, possibly at the same time.</remarks>
internal sealed class EvalRunner(EvalOptions options)
{
    private const string GitName = "forge eval";
    private const string GitEmail = "eval@forge.invalid";

    /// <summary>Runs every task; results come back in the order of <paramref name="tasks"/>.</summary>
    public async Task<IReadOnlyList<EvalResult>> RunAllAsync(IReadOnlyList<EvalTask> tasks, Action<EvalResult>? onFinished, CancellationToken cancellationToken)
    {
        var results = new EvalResult[tasks.Count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Parallelism), CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, tasks.Count), parallel, async (i, ct) =>
        {
            results[i] = await RunAsync(tasks[i], ct).ConfigureAwait(false);
            onFinished?.Invoke(results[i]);
        }).ConfigureAwait(false);
        return results;
    }

    /// <summary>Runs one task.</summary>
    public Task<EvalResult> RunAsync(EvalTask task, CancellationToken cancellationToken) => InFolderAsync(task, task.Name, async run =>
    {
        var agentEnvironment = new Dictionary<string, string?>(run.Environment);
        agentEnvironment.Remove("EVAL_TASK_DIR");
        var timeout = options.Timeout ?? task.Timeout;
        var agent = await EvalProcess.RunAsync(options.AgentFile, [.. options.AgentPrefixArguments, .. AgentArguments(task, run.WebUrl)], run.Workspace,
            agentEnvironment, timeout, options.Time, cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(run.Folder, "agent.json"), agent.StdOut, cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(run.Folder, "agent.stderr"), agent.StdErr, cancellationToken).ConfigureAwait(false);
        var report = AgentReport.Parse(agent.StdOut);
        EvalResult WithUsage(EvalOutcome outcome, string detail) => run.Result(outcome, detail) with
        {
            CostUsd = report?.CostUsd ?? 0m,
            InputTokens = report?.InputTokens ?? 0,
            OutputTokens = report?.OutputTokens ?? 0,
            CachedInputTokens = report?.CachedInputTokens ?? 0,
            Turns = report?.Turns ?? 0,
        };
        if (agent.TimedOut)
        {
            return WithUsage(EvalOutcome.AgentTimedOut, string.Create(CultureInfo.InvariantCulture, $"the agent ran past {timeout.TotalSeconds:0}s and was killed"));
        }
        if (agent.ExitCode is > 128 or < 0)
        {
            // Killed by a signal (128 + n) or aborted by the runtime: a crash, whatever it printed before.
            var signal = agent.ExitCode > 128 ? $", killed by signal {agent.ExitCode - 128}" : "";
            return WithUsage(EvalOutcome.AgentCrashed, $"forge crashed (exit {agent.ExitCode}{signal}): {LastLines(agent.StdErr, 3)}");
        }
        if (report is null)
        {
            return WithUsage(EvalOutcome.AgentFailed, $"forge exited with {agent.ExitCode} and no result: {LastLines(agent.StdErr, 3)}");
        }
        if (report.IsError || agent.ExitCode != 0)
        {
            return WithUsage(EvalOutcome.AgentFailed, $"forge ended with {report.Subtype} (exit {agent.ExitCode}): {report.Error ?? LastLines(agent.StdErr, 3)}");
        }
        return await CheckAsync(task, run, report.Text, WithUsage, cancellationToken).ConfigureAwait(false);
    }, cancellationToken);

    /// <summary>Checks the task itself, without an agent: makes the workspace, runs the reference <c>solution.sh</c> when
    /// <paramref name="solved"/>, then the checker. A sound task fails untouched and passes solved.</summary>
    public Task<EvalResult> VerifyAsync(EvalTask task, bool solved, CancellationToken cancellationToken) =>
        InFolderAsync(task, task.Name + (solved ? "-solved" : "-untouched"), async run =>
        {
            if (solved)
            {
                if (!File.Exists(task.SolutionScript))
                {
                    return run.Result(EvalOutcome.HarnessError, $"{task.SolutionScript}: missing (no reference solution)");
                }
                await StepAsync("bash", [task.SolutionScript], run.Workspace, run.Environment, "solution.sh", cancellationToken).ConfigureAwait(false);
            }
            return await CheckAsync(task, run, "", run.Result, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>One task's folder while it runs: its workspace, the environment of its processes, its web page.</summary>
    private sealed record TaskRun(string Folder, string Workspace, Dictionary<string, string?> Environment, Uri? WebUrl, Func<EvalOutcome, string, EvalResult> Result);

    /// <summary>Makes the task's folder and web page, runs <paramref name="body"/>, and turns whatever goes wrong in the
    /// harness's own steps into that task's <see cref="EvalOutcome.HarnessError"/>.</summary>
    private async Task<EvalResult> InFolderAsync(EvalTask task, string folderName, Func<TaskRun, Task<EvalResult>> body, CancellationToken cancellationToken)
    {
        var time = options.Time;
        var started = time.GetTimestamp();
        var folder = Path.Combine(Path.GetFullPath(options.OutputDirectory), folderName);
        var workspace = Path.Combine(folder, "repo");
        EvalResult Result(EvalOutcome outcome, string detail) =>
            new() { Task = task, Outcome = outcome, Detail = detail, Workspace = workspace, Elapsed = time.GetElapsedTime(started) };
        try
        {
            var environment = await PrepareAsync(task, folder, cancellationToken).ConfigureAwait(false);
            await using var web = StartWeb(task, folder, environment);
            return await body(new TaskRun(folder, workspace, environment, web?.BaseUrl, Result)).ConfigureAwait(false);
        }
        catch (EvalSetupException ex)
        {
            return Result(EvalOutcome.HarnessError, ex.Message);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or System.ComponentModel.Win32Exception or System.Net.HttpListenerException)
        {
            return Result(EvalOutcome.HarnessError, $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    private static EvalWebServer? StartWeb(EvalTask task, string folder, Dictionary<string, string?> environment)
    {
        if (!task.ServesWeb)
        {
            return null;
        }
        var web = EvalWebServer.Start(task.WebDirectory, Path.Combine(folder, "web.log"));
        environment["EVAL_WEB_URL"] = web.BaseUrl.ToString().TrimEnd('/');
        environment["EVAL_WEB_LOG"] = Path.Combine(folder, "web.log");
        return web;
    }

    /// <summary>Runs <c>check.sh</c> in the workspace, with the agent's final answer in <c>EVAL_AGENT_OUTPUT</c>.</summary>
    private async Task<EvalResult> CheckAsync(EvalTask task, TaskRun run, string agentAnswer, Func<EvalOutcome, string, EvalResult> result, CancellationToken cancellationToken)
    {
        var agentOutput = Path.Combine(run.Folder, "agent-output.txt");
        await File.WriteAllTextAsync(agentOutput, agentAnswer, cancellationToken).ConfigureAwait(false);
        var environment = new Dictionary<string, string?>(run.Environment) { ["EVAL_AGENT_OUTPUT"] = agentOutput };
        // One stream, in the order written, so the last lines say why it failed.
        var check = await EvalProcess.RunAsync("bash", ["-c", "bash \"$1\" 2>&1", "check", task.CheckScript], run.Workspace, environment, options.CheckTimeout, options.Time, cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(run.Folder, "check.log"), check.StdOut + check.StdErr, cancellationToken).ConfigureAwait(false);
        return check switch
        {
            { TimedOut: true } => result(EvalOutcome.HarnessError, string.Create(CultureInfo.InvariantCulture, $"check.sh ran past {options.CheckTimeout.TotalSeconds:0}s")),
            { ExitCode: 0 } => result(EvalOutcome.Passed, "check passed"),
            _ => result(EvalOutcome.CheckFailed, $"check failed ({check.ExitCode}): {LastLines(check.StdOut + check.StdErr, 3)}"),
        };
    }

    /// <summary>Makes the task's folder: the workspace (starting files committed to a new git repository, then
    /// <c>setup.sh</c>) and the agent's home. Returns the environment the task's processes get. Used by the suite's own
    /// tests to check the starting files without an agent.</summary>
    public async Task<Dictionary<string, string?>> PrepareAsync(EvalTask task, string folder, CancellationToken cancellationToken)
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
        var workspace = Path.Combine(folder, "repo");
        var home = Path.Combine(folder, "home");
        CopyDirectory(task.RepoDirectory, workspace);
        Directory.CreateDirectory(home);
        foreach (var settings in new[] { Path.Combine(ForgeFiles.ForgeDirectory, ForgeFiles.SettingsFile), Path.Combine(ForgeFiles.ClaudeDirectory, ForgeFiles.SettingsFile) })
        {
            if (options.UserHome is { } userHome && File.Exists(Path.Combine(userHome, settings)))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(home, settings))!);
                File.Copy(Path.Combine(userHome, settings), Path.Combine(home, settings));
            }
        }
        var environment = new Dictionary<string, string?>(options.Environment)
        {
            ["HOME"] = home,
            ["GIT_AUTHOR_NAME"] = GitName,
            ["GIT_AUTHOR_EMAIL"] = GitEmail,
            ["GIT_COMMITTER_NAME"] = GitName,
            ["GIT_COMMITTER_EMAIL"] = GitEmail,
            ["GIT_CONFIG_NOSYSTEM"] = "1",
            ["EVAL_TASK_DIR"] = task.Directory,
            ["EVAL_WORKSPACE"] = workspace,
        };
        await StepAsync("git", ["init", "-q", "-b", "main"], workspace, environment, "git init", cancellationToken).ConfigureAwait(false);
        await StepAsync("git", ["add", "-A"], workspace, environment, "git add", cancellationToken).ConfigureAwait(false);
        await StepAsync("git", ["commit", "-q", "--no-gpg-sign", "-m", "Starting files"], workspace, environment, "git commit", cancellationToken).ConfigureAwait(false);
        if (File.Exists(task.SetupScript))
        {
            await StepAsync("bash", [task.SetupScript], workspace, environment, "setup.sh", cancellationToken).ConfigureAwait(false);
        }
        return environment;
    }

    private async Task StepAsync(string file, string[] arguments, string workspace, Dictionary<string, string?> environment, string what, CancellationToken cancellationToken)
    {
        var run = await EvalProcess.RunAsync(file, arguments, workspace, environment, options.CheckTimeout, options.Time, cancellationToken).ConfigureAwait(false);
        if (run.ExitCode != 0)
        {
            throw new EvalSetupException($"{what} failed ({(run.TimedOut ? "timed out" : "exit " + run.ExitCode)}): {LastLines(run.StdOut + run.StdErr, 3)}");
        }
    }

    private IEnumerable<string> AgentArguments(EvalTask task, Uri? web)
    {
        yield return "-p";
        yield return task.PromptFor(web);
        yield return "--output-format";
        yield return "json";
        yield return "--permission-mode";
        yield return "bypassPermissions";
        yield return "--max-turns";
        yield return (options.MaxTurns ?? task.MaxTurns).ToString(CultureInfo.InvariantCulture);
        yield return "--no-session-persistence";
        if (web is not null)
        {
            // WebFetch refuses loopback addresses unless told; the task's page is served on 127.0.0.1.
            yield return "--settings";
            yield return """{"webFetch":{"allowedHosts":["127.0.0.1"]}}""";
        }
        foreach (var argument in options.ModelArguments)
        {
            yield return argument;
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        }
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }

    internal static string LastLines(string text, int count)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.Length == 0 ? "(no output)" : string.Join(" | ", lines.TakeLast(count));
    }
}

/// <summary>A step of making a task's workspace failed.</summary>
internal sealed class EvalSetupException(string message) : Exception(message);

/// <summary>The <c>result</c> object of <c>forge -p --output-format json</c>, as far as the harness needs it.</summary>
/// <remarks>Immutable.</remarks>
internal sealed record AgentReport(bool IsError, string Subtype, string Text, string? Error, decimal CostUsd, long InputTokens, long OutputTokens, long CachedInputTokens, int Turns)
{
    /// <summary>The report, or null when <paramref name="stdout"/> holds no result object (the agent died).</summary>
    public static AgentReport? Parse(string stdout)
    {
        var text = stdout.Trim();
        if (text.Length == 0)
        {
            return null;
        }
        try
        {
            using var json = JsonDocument.Parse(text);
            var r = json.RootElement;
            if (r.ValueKind != JsonValueKind.Object || !r.TryGetProperty("type", out var type) || type.GetString() != "result")
            {
                return null;
            }
            var usage = r.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object ? u : default;
            long Tokens(string name) => usage.ValueKind == JsonValueKind.Object && usage.TryGetProperty(name, out var v) && v.TryGetInt64(out var n) ? n : 0;
            string? error = r.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array
                ? string.Join("; ", errors.EnumerateArray().Select(e => e.ToString()))
                : null;
            return new AgentReport(
                r.TryGetProperty("is_error", out var isError) && isError.ValueKind == JsonValueKind.True,
                r.TryGetProperty("subtype", out var subtype) ? subtype.GetString() ?? "" : "",
                r.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.String ? result.GetString()! : "",
                error,
                r.TryGetProperty("total_cost_usd", out var cost) && cost.TryGetDecimal(out var c) ? c : 0m,
                Tokens("input_tokens") + Tokens("cache_read_input_tokens") + Tokens("cache_creation_input_tokens"), // the whole prompt
                Tokens("output_tokens"),
                Tokens("cache_read_input_tokens"),
                r.TryGetProperty("num_turns", out var turns) && turns.TryGetInt32(out var t) ? t : 0);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
