using CodeForge.Cli.Agents;

namespace CodeForge.Cli.Tests.Agents;

/// <summary>How <c>forge logs</c> renders a background agent's stream-json lines.</summary>
public sealed class AgentLogTests
{
    [Fact]
    public void Render_ShowsTextToolCallsResultsAndTheFinalCost()
    {
        Assert.Equal("● session s1 in /repo (gpt-4o)",
            AgentLog.Render("""{"type":"system","subtype":"init","cwd":"/repo","session_id":"s1","model":"gpt-4o"}"""));
        Assert.Equal("⏺ Looking.\n⏺ Read({\"file_path\":\"a.txt\"})",
            AgentLog.Render("""{"type":"assistant","message":{"content":[{"type":"text","text":"Looking."},{"type":"tool_use","id":"1","name":"Read","input":{"file_path":"a.txt"}}]}}"""));
        Assert.Equal("  ⎿ error: a.txt has changed on disk",
            AgentLog.Render("""{"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":"1","content":"a.txt has changed on disk","is_error":true}]}}"""));
        Assert.Equal("✔ success: done (cost $0.0123)",
            AgentLog.Render("""{"type":"result","subtype":"success","result":"done","total_cost_usd":0.0123}"""));
    }

    [Fact]
    public void Render_KeepsPlainAndBrokenLinesAsTheyAre_AndHidesOtherSystemEvents()
    {
        Assert.Equal("forge: sandbox: bubblewrap", AgentLog.Render("forge: sandbox: bubblewrap"));
        Assert.Equal("{\"type\":", AgentLog.Render("{\"type\":"));
        Assert.Equal("", AgentLog.Render("""{"type":"system","subtype":"settings_changed"}"""));
    }

    [Fact]
    public void ReadResult_TakesTheSessionAndTheLastResultsCost()
    {
        var log = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(log,
            [
                """{"type":"system","subtype":"init","session_id":"s9"}""",
                "a warning",
                """{"type":"result","subtype":"success","total_cost_usd":0.5,"session_id":"s9"}""",
            ]);

            Assert.Equal((0.5m, "s9"), AgentSelf.ReadResult(log));
            Assert.Equal((null, null), AgentSelf.ReadResult(log + ".missing"));
        }
        finally
        {
            File.Delete(log);
        }
    }
}
