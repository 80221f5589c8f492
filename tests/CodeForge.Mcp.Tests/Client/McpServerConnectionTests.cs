using CodeForge.Mcp.Client;

namespace CodeForge.Mcp.Tests.Client;

public sealed class McpServerConnectionTests
{
    [Fact]
    public void InOurWords_WhenTheSdkQuotesTheStderrTail_RewritesItAsOurQuote()
    {
        var sdk = "MCP server process exited unexpectedly (exit code: 1)\nServer's stderr tail:\n  Error: Cannot find module dist/index.js\n    code: 'MODULE_NOT_FOUND'\n";

        var reason = McpServerConnection.InOurWords(sdk);

        Assert.Equal("MCP server process exited unexpectedly (exit code: 1); its stderr ended with: Error: Cannot find module dist/index.js | code: 'MODULE_NOT_FOUND'", reason);
    }

    [Fact]
    public void InOurWords_WhenTheSdkQuotesAnEmptyTail_KeepsOnlyItsFirstPart()
    {
        Assert.Equal("MCP server process exited unexpectedly (exit code: 3)",
            McpServerConnection.InOurWords("MCP server process exited unexpectedly (exit code: 3)\nServer's stderr tail:\n"));
    }

    [Fact]
    public void InOurWords_WhenNothingIsQuoted_ReturnsTheReasonUnchanged()
    {
        Assert.Equal("connection refused", McpServerConnection.InOurWords("connection refused"));
    }
}
