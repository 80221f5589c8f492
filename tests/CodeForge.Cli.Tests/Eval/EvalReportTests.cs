using System.Text.Json;
using CodeForge.Cli.Eval;

namespace CodeForge.Cli.Tests.Eval;

/// <summary>The run's report: one line per task and a summary with pass rate, cost and tokens; the same as JSON.</summary>
public sealed class EvalReportTests
{
    private static readonly EvalTask Sample = new()
    {
        Name = "py-sample",
        Directory = "/suite/tasks/py-sample",
        Category = EvalCategory.FixTest,
        Description = "d",
        Prompt = "p",
    };

    private static readonly EvalResult[] Results =
    [
        new() { Task = Sample, Outcome = EvalOutcome.Passed, Detail = "check passed", Workspace = "/w/a", CostUsd = 0.0125m, InputTokens = 12_000, OutputTokens = 800, CachedInputTokens = 9_000, Turns = 4, Elapsed = TimeSpan.FromSeconds(30) },
        new() { Task = Sample with { Name = "refuse-sample", Category = EvalCategory.Refusal }, Outcome = EvalOutcome.AgentCrashed, Detail = "forge crashed (exit 137, killed by signal 9)", Workspace = "/w/b", CostUsd = 0.0175m, InputTokens = 3_000, OutputTokens = 200, Turns = 1, Elapsed = TimeSpan.FromSeconds(5) },
    ];

    [Fact]
    public void Text_EndsWithPassRateCostAndTokens()
    {
        var text = EvalReport.Text(Results, "gpt-4o");
        var lines = text.TrimEnd().Split('\n');

        Assert.Equal(3, lines.Length);
        Assert.StartsWith("PASS    py-sample", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("CRASH   refuse-sample", lines[1], StringComparison.Ordinal);
        Assert.Equal("gpt-4o: 1/2 passed (50%), cost $0.0300, 15k in (9000 cached) / 1000 out, 5 turns, 35s of agent time (1 crash)", lines[2]);
    }

    [Fact]
    public void Json_HoldsEveryTaskAndTheSummary()
    {
        using var json = JsonDocument.Parse(EvalReport.Json(Results, "gpt-4o", TimeSpan.FromSeconds(31)));
        var root = json.RootElement;

        Assert.Equal("gpt-4o", root.GetProperty("model").GetString());
        var second = root.GetProperty("tasks")[1];
        Assert.Equal("refuse-sample", second.GetProperty("name").GetString());
        Assert.Equal("refusal", second.GetProperty("category").GetString());
        Assert.False(second.GetProperty("passed").GetBoolean());
        Assert.Equal("agent_crashed", second.GetProperty("outcome").GetString());
        var summary = root.GetProperty("summary");
        Assert.Equal(2, summary.GetProperty("total").GetInt32());
        Assert.Equal(1, summary.GetProperty("passed").GetInt32());
        Assert.Equal(0.5, summary.GetProperty("pass_rate").GetDouble());
        Assert.Equal(0.03m, summary.GetProperty("total_cost_usd").GetDecimal());
        Assert.Equal(15_000, summary.GetProperty("input_tokens").GetInt64());
        Assert.Equal(5, summary.GetProperty("turns").GetInt32());
        Assert.Equal(31_000, summary.GetProperty("wall_time_ms").GetInt64());
    }
}
