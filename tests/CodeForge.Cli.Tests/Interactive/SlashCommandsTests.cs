using CodeForge.Cli.Interactive;

namespace CodeForge.Cli.Tests.Interactive;

public sealed class SlashCommandsTests
{
    private static SlashCommands Create(params string[] names)
    {
        var commands = new SlashCommands();
        foreach (var n in names)
        {
            commands.Add(new TestCommand(n, n));
        }
        return commands;
    }

    [Theory]
    [InlineData("/help", "help", "")]
    [InlineData("  /compact keep the todo list ", "compact", "keep the todo list")]
    [InlineData("/plugin:deploy prod", "plugin:deploy", "prod")]
    public void TryParse_OfASlashCommand_SplitsNameAndArguments(string input, string name, string args)
    {
        Assert.True(SlashCommands.TryParse(input, out var n, out var a));
        Assert.Equal(name, n);
        Assert.Equal(args, a);
    }

    [Theory]
    [InlineData("explain /usr/bin/env")]
    [InlineData("/usr/bin/env is slow")]
    [InlineData("/ help")]
    [InlineData("// comment")]
    [InlineData("/")]
    public void TryParse_OfAPromptThatIsNotACommand_ReturnsFalse(string input) =>
        Assert.False(SlashCommands.TryParse(input, out _, out _));

    [Fact]
    public void Suggest_ForATypo_NamesTheClosestCommands()
    {
        var commands = Create("help", "clear", "compact", "cost", "context", "model");

        Assert.Equal(["compact"], commands.Suggest("compcat"));
        Assert.Equal(["model"], commands.Suggest("modle"));
        Assert.Equal(["compact", "cost", "context"], commands.Suggest("co"));
        Assert.Empty(commands.Suggest("xyzzyplugh"));
    }

    [Fact]
    public void Add_WhenTheNameIsTaken_KeepsTheFirst()
    {
        var commands = Create("help");

        Assert.False(commands.Add(new TestCommand("HELP", "custom", Source: "project")));
        Assert.Equal("help", commands.Find("help")!.Description);
    }

    [Fact]
    public void Distance_IsTheLevenshteinDistance()
    {
        Assert.Equal(0, SlashCommands.Distance("abc", "abc"));
        Assert.Equal(1, SlashCommands.Distance("abc", "abd"));
        Assert.Equal(3, SlashCommands.Distance("", "abc"));
        Assert.Equal(2, SlashCommands.Distance("compact", "compcat"));
    }
}
