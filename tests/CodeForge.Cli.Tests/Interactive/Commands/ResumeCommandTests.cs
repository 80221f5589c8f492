using CodeForge.Cli.Interactive.Commands;

namespace CodeForge.Cli.Tests.Interactive.Commands;

public sealed class ResumeCommandTests : IDisposable
{
    private readonly CommandFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task RunAsync_WithAnId_SwitchesAndShowsTheLastMessages()
    {
        await new ResumeCommand(_f.Context).RunAsync("abc", CommandFixture.Ct);

        Assert.Contains("Resumed session abc.", _f.Output, StringComparison.Ordinal);
        Assert.Contains("resumed abc", _f.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_WithoutArguments_ListsNoneWhenThereAreNoOtherSessions()
    {
        await new ResumeCommand(_f.Context).RunAsync("", CommandFixture.Ct);

        Assert.Contains("(none)", _f.Output, StringComparison.Ordinal);
    }
}
