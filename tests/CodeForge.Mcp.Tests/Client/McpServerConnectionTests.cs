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

    [Fact]
    public async Task CreateBoundedAsync_WhenTheSdkCallBlocksItsThreadForever_FailsAtTheTimeoutWithoutBlockingTheCaller()
    {
        // The .NET runtime race of CreateBoundedAsync's remarks blocks the SDK's call inside its first write, on the
        // calling thread, and no token reaches it: simulated by a create that blocks and ignores its token.
        using var release = new ManualResetEventSlim();
        using var entered = new ManualResetEventSlim();
        using var timeout = new CancellationTokenSource();
        try
        {
            Task<ModelContextProtocol.Client.McpClient> Create(CancellationToken ignored)
            {
                entered.Set();
                release.Wait(TestContext.Current.CancellationToken);
                throw new InvalidOperationException("released at the end of the test");
            }

            // If the call ran create on this thread it would never return: the watchdog turns that into a failure.
            Task<ModelContextProtocol.Client.McpClient>? creating = null;
            await Task.Run(() => { creating = McpServerConnection.CreateBoundedAsync(Create, timeout.Token); }, TestContext.Current.CancellationToken)
                .WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
            Assert.NotNull(creating);
            Assert.True(entered.Wait(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken), "create never ran");
            Assert.False(creating.IsCompleted);

            await timeout.CancelAsync();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => creating.WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken));
        }
        finally
        {
            release.Set();
        }
    }
}
