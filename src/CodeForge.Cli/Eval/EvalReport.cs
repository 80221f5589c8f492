using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CodeForge.Cli.Eval;

/// <summary>The run's results as a table with a summary (text) or one JSON object (<c>--json</c>).</summary>
/// <remarks>Stateless.</remarks>
internal static class EvalReport
{
    /// <summary>One line for a finished task (also the progress line).</summary>
    public static string Line(EvalResult r) => string.Create(CultureInfo.InvariantCulture,
        $"{Label(r.Outcome),-7} {r.Task.Name,-34} {EvalSuite.CategoryName(r.Task.Category),-10} ${r.CostUsd,8:F4} {Tokens(r.InputTokens),7} in {Tokens(r.OutputTokens),7} out {r.Turns,3} turns {r.Elapsed.TotalSeconds,6:F1}s  {r.Detail}");

    public static string Text(IReadOnlyList<EvalResult> results, string model)
    {
        var text = new StringBuilder();
        foreach (var r in results)
        {
            text.AppendLine(Line(r));
        }
        var passed = results.Count(r => r.Passed);
        text.Append(CultureInfo.InvariantCulture,
            $"{model}: {passed}/{results.Count} passed ({Rate(passed, results.Count) * 100:0}%), cost ${results.Sum(r => r.CostUsd):F4}, ");
        text.Append(CultureInfo.InvariantCulture,
            $"{Tokens(results.Sum(r => r.InputTokens))} in ({Tokens(results.Sum(r => r.CachedInputTokens))} cached) / {Tokens(results.Sum(r => r.OutputTokens))} out, ");
        text.Append(CultureInfo.InvariantCulture, $"{results.Sum(r => r.Turns)} turns, {results.Sum(r => r.Elapsed.TotalSeconds):F0}s of agent time");
        var failedBy = results.Where(r => !r.Passed).GroupBy(r => r.Outcome).Select(g => $"{g.Count()} {Label(g.Key).ToLowerInvariant()}").ToList();
        if (failedBy.Count > 0)
        {
            text.Append(" (").Append(string.Join(", ", failedBy)).Append(')');
        }
        return text.AppendLine().ToString();
    }

    public static string Json(IReadOnlyList<EvalResult> results, string model, TimeSpan wallTime)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("model", model);
            w.WriteStartArray("tasks");
            foreach (var r in results)
            {
                w.WriteStartObject();
                w.WriteString("name", r.Task.Name);
                w.WriteString("category", EvalSuite.CategoryName(r.Task.Category));
                w.WriteBoolean("passed", r.Passed);
                w.WriteString("outcome", OutcomeName(r.Outcome));
                w.WriteString("detail", r.Detail);
                w.WriteNumber("cost_usd", r.CostUsd);
                w.WriteNumber("input_tokens", r.InputTokens);
                w.WriteNumber("output_tokens", r.OutputTokens);
                w.WriteNumber("cache_read_input_tokens", r.CachedInputTokens);
                w.WriteNumber("turns", r.Turns);
                w.WriteNumber("duration_ms", (long)r.Elapsed.TotalMilliseconds);
                w.WriteString("workspace", r.Workspace);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            var passed = results.Count(r => r.Passed);
            w.WriteStartObject("summary");
            w.WriteNumber("total", results.Count);
            w.WriteNumber("passed", passed);
            w.WriteNumber("pass_rate", Math.Round(Rate(passed, results.Count), 4));
            w.WriteNumber("total_cost_usd", results.Sum(r => r.CostUsd));
            w.WriteNumber("input_tokens", results.Sum(r => r.InputTokens));
            w.WriteNumber("output_tokens", results.Sum(r => r.OutputTokens));
            w.WriteNumber("cache_read_input_tokens", results.Sum(r => r.CachedInputTokens));
            w.WriteNumber("turns", results.Sum(r => r.Turns));
            w.WriteNumber("wall_time_ms", (long)wallTime.TotalMilliseconds);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    public static string OutcomeName(EvalOutcome outcome) => outcome switch
    {
        EvalOutcome.Passed => "passed",
        EvalOutcome.CheckFailed => "check_failed",
        EvalOutcome.AgentFailed => "agent_failed",
        EvalOutcome.AgentCrashed => "agent_crashed",
        EvalOutcome.AgentTimedOut => "agent_timed_out",
        _ => "harness_error",
    };

    private static string Label(EvalOutcome outcome) => outcome switch
    {
        EvalOutcome.Passed => "PASS",
        EvalOutcome.CheckFailed => "FAIL",
        EvalOutcome.AgentFailed => "ERROR",
        EvalOutcome.AgentCrashed => "CRASH",
        EvalOutcome.AgentTimedOut => "TIMEOUT",
        _ => "HARNESS",
    };

    private static double Rate(int passed, int total) => total == 0 ? 0 : (double)passed / total;

    private static string Tokens(long n) => n switch
    {
        >= 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{n / 1_000_000.0:F1}M"),
        >= 10_000 => string.Create(CultureInfo.InvariantCulture, $"{n / 1000.0:F0}k"),
        _ => n.ToString(CultureInfo.InvariantCulture),
    };
}
