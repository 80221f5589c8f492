using CodeForge.Cli.Interactive.Commands;

namespace CodeForge.Cli.Tests.Interactive.Commands;

public sealed class CompactCommandTests : IDisposable
{
    private readonly CommandFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task RunAsync_PassesTheInstructionsAndShowsTheEnginesLine()
    {
        await new CompactCommand(_f.Context).RunAsync("keep the plan", CommandFixture.Ct);

        Assert.Equal(1, _f.Engine.Compactions);
        Assert.Contains("Compacted (keep the plan).", _f.Output, StringComparison.Ordinal);
    }
}
