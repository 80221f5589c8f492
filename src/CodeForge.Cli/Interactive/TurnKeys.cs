using System.Text;
using Spectre.Console;

namespace CodeForge.Cli.Interactive;

/// <summary>
/// The keys while the agent works (a turn or a <c>!command</c>): Esc or Ctrl-C cancels the work, ctrl+o shows the last
/// thinking in full, other keys are kept as type-ahead for the next prompt, and Enter queues the typed prompt to run
/// when the work ends. The end of input cancels the work and is remembered (<see cref="InputEnded"/>).
/// </summary>
/// <remarks>
/// Concurrency: during <see cref="RunAsync"/> one watcher task owns the type-ahead and the queue; the input loop reads
/// them (<see cref="TakeTypeAhead"/>, <see cref="TryDequeue"/>, <see cref="InputEnded"/>) only between runs, after the
/// watcher has been awaited, so no lock is needed. A permission prompt pushed on the <see cref="KeyRouter"/> takes the
/// keys from the watcher while it asks.
/// </remarks>
internal sealed class TurnKeys(KeyRouter keys, Screen screen, ThinkingView thinking)
{
    private readonly StringBuilder _typeAhead = new();
    private readonly Queue<string> _queued = new();

    /// <summary>True once the key source ended (Ctrl-D, closed input) while work ran.</summary>
    public bool InputEnded { get; private set; }

    /// <summary>Runs <paramref name="work"/> with a token the keys can cancel, watching the keys until it ends.</summary>
    public async Task RunAsync(Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        using var turn = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var watcherStop = new CancellationTokenSource();
        var watcher = WatchAsync(turn, watcherStop.Token);
        try
        {
            await work(turn.Token).ConfigureAwait(false);
        }
        finally
        {
            await watcherStop.CancelAsync().ConfigureAwait(false);
            await watcher.ConfigureAwait(false);
        }
    }

    /// <summary>The next prompt sent with Enter while work ran, oldest first.</summary>
    public bool TryDequeue(out string prompt) => _queued.TryDequeue(out prompt!);

    /// <summary>What was typed (and not sent) while work ran; empties it.</summary>
    public string TakeTypeAhead()
    {
        var text = _typeAhead.ToString();
        _typeAhead.Clear();
        return text;
    }

    private async Task WatchAsync(CancellationTokenSource turn, CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var next = await keys.ReadKeyAsync(stop).ConfigureAwait(false);
                if (next is not { } key)
                {
                    InputEnded = true;
                    await turn.CancelAsync().ConfigureAwait(false);
                    return;
                }
                if (key.Key == ConsoleKey.Escape || (key.Key == ConsoleKey.C && (key.Modifiers & ConsoleModifiers.Control) != 0))
                {
                    await turn.CancelAsync().ConfigureAwait(false);
                }
                else if (key.Key == ConsoleKey.O && (key.Modifiers & ConsoleModifiers.Control) != 0)
                {
                    var expanded = thinking.Expanded();
                    screen.Write(c => c.MarkupLine(expanded));
                }
                else if (key.Key == ConsoleKey.Enter && _typeAhead.Length > 0)
                {
                    var prompt = TakeTypeAhead();
                    _queued.Enqueue(prompt);
                    screen.Write(c => c.MarkupLine("[grey]  ⎿ queued: " + Markup.Escape(prompt) + "[/]"));
                }
                else if (key.KeyChar >= ' ' && (key.Modifiers & ConsoleModifiers.Control) == 0)
                {
                    _typeAhead.Append(key.KeyChar);
                }
                else if (key.Key == ConsoleKey.Backspace && _typeAhead.Length > 0)
                {
                    _typeAhead.Length--;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
