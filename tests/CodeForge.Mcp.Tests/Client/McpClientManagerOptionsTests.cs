using CodeForge.Mcp.Client;

namespace CodeForge.Mcp.Tests.Client;

public sealed class McpClientManagerOptionsTests
{
    [Fact]
    public void FromEnvironment_ReadsMcpTimeoutInMillisecondsAndTheOutputBudget()
    {
        var options = McpClientManagerOptions.FromEnvironment(n => n switch { "MCP_TIMEOUT" => "1500", "MAX_MCP_OUTPUT_TOKENS" => "200", _ => null });

        Assert.Equal(TimeSpan.FromMilliseconds(1500), options.StartupTimeout);
        Assert.Equal(200, options.MaxOutputTokens);
    }

    [Fact]
    public void FromEnvironment_Unset_GivesClaudeCodesDefaults()
    {
        var options = McpClientManagerOptions.FromEnvironment(_ => null);

        Assert.Equal(TimeSpan.FromSeconds(30), options.StartupTimeout);
        Assert.Equal(25_000, options.MaxOutputTokens);
    }

    [Theory]
    [InlineData("MCP_TIMEOUT", "soon")]
    [InlineData("MCP_TIMEOUT", "-5")]
    [InlineData("MAX_MCP_OUTPUT_TOKENS", "0")]
    public void FromEnvironment_BadValue_IsReportedAndTheDefaultKept(string name, string value)
    {
        var problems = new List<string>();

        var options = McpClientManagerOptions.FromEnvironment(n => n == name ? value : null, problems);

        Assert.Contains(name, Assert.Single(problems));
        Assert.Equal(McpClientManagerOptions.DefaultStartupTimeout, options.StartupTimeout);
        Assert.Equal(McpClientManagerOptions.DefaultMaxOutputTokens, options.MaxOutputTokens);
    }
}
