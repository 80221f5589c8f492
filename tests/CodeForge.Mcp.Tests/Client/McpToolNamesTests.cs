using CodeForge.Mcp.Client;

namespace CodeForge.Mcp.Tests.Client;

public sealed class McpToolNamesTests
{
    [Theory]
    [InlineData("everything", "echo", "mcp__everything__echo")]
    [InlineData("my server", "do.it", "mcp__my_server__do_it")]
    [InlineData("plugin_db-tools_database", "query", "mcp__plugin_db-tools_database__query")]
    [InlineData("plugin:db-tools:database", "query", "mcp__plugin_db-tools_database__query")]
    [InlineData("plugin:dot.plug:ev", "get-sum", "mcp__plugin_dot_plug_ev__get-sum")]
    public void Format_BuildsClaudeCodesName(string server, string tool, string expected) =>
        Assert.Equal(expected, McpToolNames.Format(server, tool));

    [Theory]
    [InlineData("plugin:demo-plug:ev", "mcp__plugin_demo-plug_ev__")]
    [InlineData("a b/c", "mcp__a_b_c__")]
    public void ServerPrefix_IsTheStartOfEveryToolNameOfTheServer(string server, string expected)
    {
        Assert.Equal(expected, McpToolNames.ServerPrefix(server));
        Assert.StartsWith(expected, McpToolNames.Format(server, "t"), StringComparison.Ordinal);
    }

    [Fact]
    public void Format_LongNames_AreCutTo64Characters()
    {
        var name = McpToolNames.Format(new string('s', 40), new string('t', 40));

        Assert.Equal(64, name.Length);
        Assert.StartsWith("mcp__ssss", name, StringComparison.Ordinal);
    }
}
