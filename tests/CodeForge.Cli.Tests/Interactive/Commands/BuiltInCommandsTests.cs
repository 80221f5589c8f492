using CodeForge.Cli.Interactive;
using CodeForge.Cli.Interactive.Commands;

namespace CodeForge.Cli.Tests.Interactive.Commands;

public sealed class BuiltInCommandsTests : IDisposable
{
    private readonly CommandFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public void Register_AddsTheBuiltInsInHelpOrderThenCustomOnes_AndACustomCommandNeverHidesABuiltIn()
    {
        _f.Engine.Custom.Add(new CustomCommandInfo("deploy", "Deploy it", "", "project"));
        _f.Engine.Custom.Add(new CustomCommandInfo("cost", "A project's own cost", "", "project"));
        var registry = new SlashCommands();

        BuiltInCommands.Register(registry, _f.Context);

        Assert.Equal(
            ["help", "clear", "compact", "model", "resume", "cost", "thinking", "context", "permissions", "tools", "skills", "hooks", "mcp",
                "plugins", "memory", "init", "config", "trust", "doctor", "todos", "exit", "quit", "deploy"],
            registry.All.Select(c => c.Name));
        Assert.IsType<CostCommand>(registry.Find("cost"));
    }
}
