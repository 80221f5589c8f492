using CodeForge.Cli.Interactive.Commands;

namespace CodeForge.Cli.Tests.Interactive.Commands;

public sealed class ThinkingCommandTests : IDisposable
{
    private readonly CommandFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task RunAsync_ShowsTheLastThinkingInFull()
    {
        _f.Thinking.Append("weighing the options carefully");
        _f.Thinking.Collapse(null);

        await new ThinkingCommand(_f.Context).RunAsync("", CommandFixture.Ct);

        Assert.Contains("weighing the options carefully", _f.Output, StringComparison.Ordinal);
    }
}
