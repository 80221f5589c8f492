using CodeForge.Cli.Interactive;
using CodeForge.Cli.Interactive.Commands;

namespace CodeForge.Cli.Tests.Interactive.Commands;

public sealed class CustomCommandTests : IDisposable
{
    private readonly CommandFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task RunAsync_RunsTheExpansionAsATurn()
    {
        var info = new CustomCommandInfo("deploy", "Deploy it", "<env>", "project");
        _f.Engine.Custom.Add(info);
        var command = new CustomCommand(_f.Context, info);

        await command.RunAsync("prod", CommandFixture.Ct);

        Assert.Equal(["expanded deploy with prod"], _f.Turns);
        Assert.Equal(("<env>", "project"), (command.ArgumentHint, command.Source));
    }

    [Fact]
    public async Task RunAsync_OfACommandThatIsGone_SaysSo()
    {
        var command = new CustomCommand(_f.Context, new CustomCommandInfo("gone", "", "", "user"));

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => command.RunAsync("", CommandFixture.Ct));

        Assert.Equal("/gone is no longer available.", ex.Message);
        Assert.Empty(_f.Turns);
    }
}
