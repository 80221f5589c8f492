using CodeForge.Cli.Interactive.Commands;

namespace CodeForge.Cli.Tests.Interactive.Commands;

public sealed class ModelCommandTests : IDisposable
{
    private readonly CommandFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task RunAsync_WithoutArguments_ListsTheKnownModels()
    {
        await new ModelCommand(_f.Context).RunAsync("", CommandFixture.Ct);

        Assert.Contains("Model: test-model (fake)", _f.Output, StringComparison.Ordinal);
        Assert.Contains("opus", _f.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_WithAName_SwitchesForTheNextTurn()
    {
        await new ModelCommand(_f.Context).RunAsync("opus", CommandFixture.Ct);

        Assert.Equal("opus", _f.Engine.Model);
        Assert.Contains("Model set to opus", _f.Output, StringComparison.Ordinal);
    }
}
