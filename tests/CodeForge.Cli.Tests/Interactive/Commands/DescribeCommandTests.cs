using CodeForge.Cli.Interactive.Commands;

namespace CodeForge.Cli.Tests.Interactive.Commands;

public sealed class DescribeCommandTests : IDisposable
{
    private readonly CommandFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task RunAsync_ShowsTheTitleAndTheEnginesLinesForItsTopic()
    {
        await DescribeCommand.Todos(_f.Context).RunAsync("", CommandFixture.Ct);

        Assert.Contains("Todos", _f.Output, StringComparison.Ordinal);
        Assert.Contains("todos line", _f.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Listings_NameTheTopicsInHelpOrder() =>
        Assert.Equal(["skills", "hooks", "mcp", "plugins", "memory"], DescribeCommand.Listings(_f.Context).Select(c => c.Name));
}
