using CodeForge.Cli.Interactive;
using Spectre.Console.Testing;

namespace CodeForge.Cli.Tests.Interactive;

public sealed class BangCommandRunnerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("forge-bang-").FullName;
    private readonly TestConsole _console = new();
    private readonly Screen _screen;
    private readonly BangCommandRunner _runner;

    public BangCommandRunnerTests()
    {
        _console.Width(100);
        _screen = new Screen(_console, interactiveTerminal: false);
        _runner = new BangCommandRunner(new FakeEngine(_dir), _screen);
    }

    public void Dispose()
    {
        _screen.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task RunAsync_ShowsTheOutputAndExitCode_AndReturnsTheBlockForTheModel()
    {
        var block = await _runner.RunAsync("pwd; echo to-stdout; exit 4", TestContext.Current.CancellationToken);

        Assert.Contains("to-stdout", _console.Output, StringComparison.Ordinal);
        Assert.Contains("exit code 4", _console.Output, StringComparison.Ordinal);
        Assert.StartsWith("<bash-input>pwd; echo to-stdout; exit 4</bash-input>\n<bash-stdout>" + _dir, block, StringComparison.Ordinal);
        Assert.EndsWith("<bash-exit-code>4</bash-exit-code>", block, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_WhenCancelled_ReportsAnInterruptWithExitCode130()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var block = await _runner.RunAsync("echo never", cancelled.Token);

        Assert.Contains("<bash-stdout>(interrupted)</bash-stdout>", block, StringComparison.Ordinal);
        Assert.Contains("exit code 130", _console.Output, StringComparison.Ordinal);
    }
}
