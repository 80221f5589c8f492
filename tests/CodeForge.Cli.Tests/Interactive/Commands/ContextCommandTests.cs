using CodeForge.Cli.Interactive.Commands;

namespace CodeForge.Cli.Tests.Interactive.Commands;

public sealed class ContextCommandTests : IDisposable
{
    private readonly CommandFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task RunAsync_ShowsTheTokensUsedOfTheWindowAndTheParts()
    {
        await new ContextCommand(_f.Context).RunAsync("", CommandFixture.Ct);

        Assert.Contains("20,000 / 200,000 tokens (10.0%)", _f.Output, StringComparison.Ordinal);
        Assert.Contains("messages", _f.Output, StringComparison.Ordinal);
    }
}
