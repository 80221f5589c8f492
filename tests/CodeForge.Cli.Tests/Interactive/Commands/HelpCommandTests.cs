using CodeForge.Cli.Interactive;
using CodeForge.Cli.Interactive.Commands;

namespace CodeForge.Cli.Tests.Interactive.Commands;

public sealed class HelpCommandTests : IDisposable
{
    private readonly CommandFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task RunAsync_ListsEveryRegisteredCommandWithItsHintAndACustomOnesSource()
    {
        var registry = new SlashCommands();
        registry.Add(new CompactCommand(_f.Context));
        registry.Add(new TestCommand("deploy", "Deploy it", "plugin ops"));

        await new HelpCommand(registry, _f.Screen).RunAsync("", CommandFixture.Ct);

        Assert.Contains("/compact [instructions]", _f.Output, StringComparison.Ordinal);
        Assert.Contains("Deploy it (plugin ops)", _f.Output, StringComparison.Ordinal);
        Assert.Contains("!cmd runs a shell command", _f.Output, StringComparison.Ordinal);
    }
}
