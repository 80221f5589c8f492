using CodeForge.Cli.Interactive.Commands;

namespace CodeForge.Cli.Tests.Interactive.Commands;

public sealed class TrustCommandTests : IDisposable
{
    private readonly CommandFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task RunAsync_ShowsTheEnginesTrustReport()
    {
        await new TrustCommand(_f.Context).RunAsync("", CommandFixture.Ct);

        Assert.Contains("Workspace trust", _f.Output, StringComparison.Ordinal);
        Assert.Contains("Workspace trust is not available here.", _f.Output, StringComparison.Ordinal);
    }
}
