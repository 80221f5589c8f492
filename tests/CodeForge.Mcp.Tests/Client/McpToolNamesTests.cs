using CodeForge.Mcp.Client;

namespace CodeForge.Mcp.Tests.Client;

public sealed class McpToolNamesTests
{
    [Theory]
    [InlineData("everything", "echo", "mcp__everything__echo")]
    [InlineData("my server", "do.it", "mcp__my_server__do_it")]
    [InlineData("plugin_db-tools_database", "query", "mcp__plugin_db-tools_database__query")]
    public void Format_BuildsClaudeCodesName(string server, string tool, string expected) =>
        Assert.Equal(expected, McpToolNames.Format(server, tool));

    [Fact]
    public void Format_LongNames_AreCutTo64Characters()
    {
        var name = McpToolNames.Format(new string('s', 40), new string('t', 40));

        Assert.Equal(64, name.Length);
        Assert.StartsWith("mcp__ssss", name, StringComparison.Ordinal);
    }
}
