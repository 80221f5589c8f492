using CodeForge.Cli.Interactive;
using CodeForge.Cli.Interactive.Commands;

namespace CodeForge.Cli.Tests.Interactive.Commands;

public sealed class ToolsCommandTests : IDisposable
{
    private readonly CommandFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task RunAsync_ListsEachToolWithTheFirstLineOfItsDescription()
    {
        _f.Engine.Tools = [new ToolView("Read", "Reads a file.\nMore detail the list leaves out.")];

        await new ToolsCommand(_f.Context).RunAsync("", CommandFixture.Ct);

        Assert.Contains("Read — Reads a file.", _f.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("More detail", _f.Output, StringComparison.Ordinal);
    }
}
