using CodeForge.Cli.Interactive;
using CodeForge.Cli.Interactive.Commands;
using Spectre.Console.Testing;

namespace CodeForge.Cli.Tests.Interactive.Commands;

/// <summary>A command context over a <see cref="FakeEngine"/> and a test console; records the turns and exits it is asked for.</summary>
internal sealed class CommandFixture : IDisposable
{
    private readonly TestConsole _console = new();

    public CommandFixture()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("forge-commands-").FullName;
        _console.Width(100);
        Screen = new Screen(_console, interactiveTerminal: false);
        Engine = new FakeEngine(Directory);
        Thinking = new ThinkingView(() => Engine.Model);
        Context = new CommandContext(Engine, Screen, Thinking, (prompt, _) =>
        {
            Turns.Add(prompt);
            return Task.CompletedTask;
        }, () => Exits++);
    }

    public string Directory { get; }

    public Screen Screen { get; }

    public FakeEngine Engine { get; }

    public ThinkingView Thinking { get; }

    public CommandContext Context { get; }

    public List<string> Turns { get; } = [];

    public int Exits { get; private set; }

    public string Output => _console.Output;

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        Screen.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
