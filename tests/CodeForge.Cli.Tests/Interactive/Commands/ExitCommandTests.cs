using CodeForge.Cli.Interactive.Commands;

namespace CodeForge.Cli.Tests.Interactive.Commands;

public sealed class ExitCommandTests : IDisposable
{
    private readonly CommandFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task RunAsync_EndsTheSession()
    {
        var quit = new ExitCommand(_f.Context, "quit");

        await quit.RunAsync("", CommandFixture.Ct);

        Assert.Equal("quit", quit.Name);
        Assert.Equal(1, _f.Exits);
    }
}
