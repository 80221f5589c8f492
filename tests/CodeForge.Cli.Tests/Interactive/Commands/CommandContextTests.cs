namespace CodeForge.Cli.Tests.Interactive.Commands;

public sealed class CommandContextTests : IDisposable
{
    private readonly CommandFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public void Lines_WithNoLines_SaysNone()
    {
        _f.Context.Lines("Hooks", []);

        Assert.Contains("Hooks", _f.Output, StringComparison.Ordinal);
        Assert.Contains("(none)", _f.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void InfoAndError_ShowMarkupCharactersAsText()
    {
        _f.Context.Info("a [bracketed] note");
        _f.Context.Error("bad [rule]");

        Assert.Contains("a [bracketed] note", _f.Output, StringComparison.Ordinal);
        Assert.Contains("bad [rule]", _f.Output, StringComparison.Ordinal);
    }
}
