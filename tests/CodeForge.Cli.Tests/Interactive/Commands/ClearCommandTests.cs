using CodeForge.Cli.Interactive.Commands;

namespace CodeForge.Cli.Tests.Interactive.Commands;

public sealed class ClearCommandTests : IDisposable
{
    private readonly CommandFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task RunAsync_StartsANewConversationAndNamesIt()
    {
        await new ClearCommand(_f.Context).RunAsync("", CommandFixture.Ct);

        Assert.Equal(1, _f.Engine.NewConversations);
        Assert.Contains("New conversation 22222222-2222-2222-2222-222222222222", _f.Output, StringComparison.Ordinal);
    }
}
