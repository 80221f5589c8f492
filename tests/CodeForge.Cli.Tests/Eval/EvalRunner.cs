using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace CodeForge.Cli.Tests.Eval;

/// <summary>
/// Runs an <see cref="EvalTask"/>: writes its files into a fresh directory, runs the real <c>forge -p</c> there (JSON
/// output, edits and commands allowed), then the task's check command. A forge that crashes or exits with an error is a
/// failure, whatever the files look like.
/// </summary>
/// <remarks>Stateless; every run has its own directory, so tasks may run in parallel.</remarks>
internal static class EvalRunner
{
    /// <summary>Creates the task's directory (the caller deletes it).</summary>
    public static string Prepare(EvalTask task, string parent)
    {
        var dir = Path.Combine(parent, task.Name);
        Directory.CreateDirectory(Path.Combine(dir, ".git"));
        foreach (var (path, content) in task.Files)
        {
            File.WriteAllText(Path.Combine(dir, path), content);
        }
        return dir;
    }

    public static async Task<EvalResult> RunAsync(EvalTask task, string dir, string[] modelArgs, IReadOnlyDictionary<string, string> environment, TimeProvider time)
    {
        var started = time.GetTimestamp();
        var run = await ForgeProcess.RunAsync(["-p", task.Prompt, "--output-format", "json", "--permission-mode", "bypassPermissions", .. modelArgs], dir, environment);
        var cost = 0m;
        if (run.ExitCode != 0)
        {
            return new EvalResult(task.Name, false, $"forge exited with {run.ExitCode}: {run.StdErr.Trim()}", cost, time.GetElapsedTime(started));
        }
        try
        {
            using var json = JsonDocument.Parse(run.StdOut);
            cost = json.RootElement.TryGetProperty("total_cost_usd", out var c) ? c.GetDecimal() : 0m;
            if (json.RootElement.TryGetProperty("is_error", out var error) && error.GetBoolean())
            {
                return new EvalResult(task.Name, false, "forge reported an error: " + run.StdOut.Trim(), cost, time.GetElapsedTime(started));
            }
        }
        catch (JsonException ex)
        {
            return new EvalResult(task.Name, false, $"forge's output is not JSON ({ex.Message})", cost, time.GetElapsedTime(started));
        }
        var (exit, output) = await CheckAsync(task.CheckCommand, dir);
        return new EvalResult(task.Name, exit == 0, exit == 0 ? "check passed" : $"check failed ({exit}): {output.Trim()}", cost, time.GetElapsedTime(started));
    }

    private static async Task<(int ExitCode, string Output)> CheckAsync(string command, string dir)
    {
        var psi = new ProcessStartInfo("bash") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(command);
        using var process = Process.Start(psi)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>One line per task and the totals, for the log.</summary>
    public static string Report(IReadOnlyList<EvalResult> results) =>
        string.Join('\n', results.Select(r => string.Create(CultureInfo.InvariantCulture,
            $"{(r.Passed ? "PASS" : "FAIL")} {r.Task} ${r.CostUsd:F4} {r.Elapsed.TotalSeconds:F1}s {r.Detail}")))
        + string.Create(CultureInfo.InvariantCulture, $"\npass rate {results.Count(r => r.Passed)}/{results.Count}, cost ${results.Sum(r => r.CostUsd):F4}");
}
