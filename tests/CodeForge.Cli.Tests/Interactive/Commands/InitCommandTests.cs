using CodeForge.Cli.Interactive.Commands;

namespace CodeForge.Cli.Tests.Interactive.Commands;

public sealed class InitCommandTests : IDisposable
{
    private readonly CommandFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task RunAsync_RunsATurnAskingForAnAgentsFile()
    {
        await new InitCommand(_f.Context).RunAsync("", CommandFixture.Ct);

        Assert.Contains("AGENTS.md", Assert.Single(_f.Turns), StringComparison.Ordinal);
    }
}
