using CodeForge.Cli.Interactive;
using Spectre.Console.Testing;

namespace CodeForge.Cli.Tests.Interactive;

public sealed class TurnKeysTests : IDisposable
{
    private readonly TestConsole _console = new();
    private readonly ScriptedKeySource _keys = new();
    private readonly KeyRouter _router;
    private readonly Screen _screen;
    private readonly TurnKeys _turnKeys;

    public TurnKeysTests()
    {
        _console.Width(100);
        _router = new KeyRouter(_keys);
        _screen = new Screen(_console, interactiveTerminal: false);
        _turnKeys = new TurnKeys(_router, _screen, new ThinkingView(() => "gpt-4o"));
    }

    public void Dispose()
    {
        _router.Dispose();
        _screen.Dispose();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Work that types <paramref name="typed"/> and then waits until the keys cancel it.</summary>
    private static Func<CancellationToken, Task> TypeThenWaitForCancel(Action typed) => async token =>
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (token.Register(() => cancelled.TrySetResult()))
        {
            typed();
            await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        }
    };

    [Fact]
    public async Task RunAsync_EscCancelsTheWork_AndKeysTypedBeforeItAreQueuedOrKeptAsTypeAhead()
    {
        await _turnKeys.RunAsync(TypeThenWaitForCancel(() =>
        {
            _keys.Type("first prompt\nsecx");
            _keys.Press(ConsoleKey.Backspace);
            _keys.Press(ConsoleKey.Escape, '\x1b');
        }), Ct);

        Assert.True(_turnKeys.TryDequeue(out var queued));
        Assert.Equal("first prompt", queued);
        Assert.False(_turnKeys.TryDequeue(out _));
        Assert.Equal("sec", _turnKeys.TakeTypeAhead());
        Assert.Equal("", _turnKeys.TakeTypeAhead());
        Assert.Contains("queued: first prompt", _console.Output, StringComparison.Ordinal);
        Assert.False(_turnKeys.InputEnded);
    }

    [Fact]
    public async Task RunAsync_WhenTheInputEnds_CancelsTheWorkAndSaysSo()
    {
        await _turnKeys.RunAsync(TypeThenWaitForCancel(_keys.End), Ct);

        Assert.True(_turnKeys.InputEnded);
    }

    [Fact]
    public async Task RunAsync_OfWorkThatEndsOnItsOwn_StopsWatchingTheKeys()
    {
        await _turnKeys.RunAsync(_ => Task.CompletedTask, Ct);
        _keys.Type("x");

        Assert.Equal("", _turnKeys.TakeTypeAhead());
    }
}
