using System.Threading.Channels;

namespace CodeForge.Cli.Interactive;

/// <summary>Where keys come from: the terminal (<see cref="ConsoleKeySource"/>) or a script in tests.</summary>
internal interface IKeySource
{
    /// <summary>The next key; completes with <c>null</c> when input has ended (stdin closed).</summary>
    ValueTask<ConsoleKeyInfo?> ReadKeyAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The one reader of the terminal's keyboard: a dedicated thread blocks in <see cref="Console.ReadKey(bool)"/> and
/// queues every key, so the line editor, a permission prompt and the "interrupt the turn" watcher all read from one
/// ordered stream and never race each other for a key.
/// </summary>
/// <remarks>
/// Concurrency: one producer thread, any number of sequential consumers (the session hands focus from one to the next;
/// two consumers reading at once would split the keys between them, which the session never does). Disposal stops
/// handing out keys; the reader thread is a background thread and ends with the process.
/// </remarks>
internal sealed class ConsoleKeySource : IKeySource, IDisposable
{
    private readonly Channel<ConsoleKeyInfo?> _keys = Channel.CreateUnbounded<ConsoleKeyInfo?>(new UnboundedChannelOptions { SingleWriter = true });

    public ConsoleKeySource()
    {
        var thread = new Thread(Pump) { IsBackground = true, Name = "forge-keys" };
        thread.Start();
    }

    public async ValueTask<ConsoleKeyInfo?> ReadKeyAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _keys.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    public void Dispose() => _keys.Writer.TryComplete();

    private void Pump()
    {
        try
        {
            while (true)
            {
                var key = Console.ReadKey(intercept: true);
                if (!_keys.Writer.TryWrite(key))
                {
                    return;
                }
            }
        }
        catch (InvalidOperationException)
        {
            // stdin is not a terminal or was closed.
        }
        catch (IOException)
        {
        }
        _keys.Writer.TryComplete();
    }
}

/// <summary>
/// Routes keys from one source to whoever has focus: the base reader (the line editor between turns, the interrupt
/// watcher during a turn) or a pushed focus (a permission prompt that appears in the middle of a turn). Keys typed while
/// a prompt has focus go to the prompt only; when the prompt is done, keys flow to the base reader again.
/// </summary>
/// <remarks>
/// Concurrency: <see cref="PushFocus"/> and disposal of the returned scope may happen on any thread; one pump task moves
/// keys and takes the lock only to pick the target. Each focus has exactly one reader.
/// </remarks>
internal sealed class KeyRouter : IKeySource, IDisposable
{
    private readonly object _gate = new();
    private readonly List<Channel<ConsoleKeyInfo?>> _stack = [Channel.CreateUnbounded<ConsoleKeyInfo?>()];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;

    public KeyRouter(IKeySource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        _pump = Task.Run(() => PumpAsync(source));
    }

    /// <summary>Reads the base focus.</summary>
    public ValueTask<ConsoleKeyInfo?> ReadKeyAsync(CancellationToken cancellationToken) => Read(_stack[0], cancellationToken);

    /// <summary>Raised (outside the lock) with the number of pushed focuses after each push and pop.</summary>
    public event Action<int>? FocusChanged;

    /// <summary>Takes the keys until the returned scope is disposed.</summary>
    public FocusScope PushFocus()
    {
        var channel = Channel.CreateUnbounded<ConsoleKeyInfo?>();
        int depth;
        lock (_gate)
        {
            _stack.Add(channel);
            depth = _stack.Count - 1;
        }
        FocusChanged?.Invoke(depth);
        return new FocusScope(this, channel);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

    private void Pop(Channel<ConsoleKeyInfo?> channel)
    {
        int depth;
        lock (_gate)
        {
            _stack.Remove(channel);
            depth = _stack.Count - 1;
        }
        channel.Writer.TryComplete();
        FocusChanged?.Invoke(depth);
    }

    private async Task PumpAsync(IKeySource source)
    {
        try
        {
            while (true)
            {
                var key = await source.ReadKeyAsync(_stop.Token).ConfigureAwait(false);
                Channel<ConsoleKeyInfo?>[] targets;
                lock (_gate)
                {
                    targets = key is null ? [.. _stack] : [_stack[^1]];
                }
                foreach (var t in targets)
                {
                    if (key is null)
                    {
                        t.Writer.TryComplete();
                    }
                    else
                    {
                        t.Writer.TryWrite(key);
                    }
                }
                if (key is null)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private static async ValueTask<ConsoleKeyInfo?> Read(Channel<ConsoleKeyInfo?> channel, CancellationToken cancellationToken)
    {
        try
        {
            return await channel.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    /// <summary>A pushed focus: read keys from it, dispose to give them back.</summary>
    internal sealed class FocusScope(KeyRouter router, Channel<ConsoleKeyInfo?> channel) : IKeySource, IDisposable
    {
        public ValueTask<ConsoleKeyInfo?> ReadKeyAsync(CancellationToken cancellationToken) => Read(channel, cancellationToken);

        public void Dispose() => router.Pop(channel);
    }
}

/// <summary>
/// Keys from whole lines of a reader: for a dumb terminal (the terminal echoes and edits the line itself) and for
/// piped input. Each line becomes its characters and Enter; <see cref="Interrupt"/> (Ctrl-C via SIGINT) becomes a
/// Ctrl-C key.
/// </summary>
/// <remarks>Concurrency: one reader thread produces; <see cref="Interrupt"/> may be called from the signal handler thread.</remarks>
internal sealed class LineKeySource : IKeySource
{
    private readonly Channel<ConsoleKeyInfo?> _keys = Channel.CreateUnbounded<ConsoleKeyInfo?>();

    public LineKeySource(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var thread = new Thread(() =>
        {
            try
            {
                while (reader.ReadLine() is { } line)
                {
                    foreach (var c in line)
                    {
                        _keys.Writer.TryWrite(new ConsoleKeyInfo(c, c == ' ' ? ConsoleKey.Spacebar : ConsoleKey.NoName, false, false, false));
                    }
                    _keys.Writer.TryWrite(new ConsoleKeyInfo('\r', ConsoleKey.Enter, false, false, false));
                }
            }
            catch (IOException)
            {
            }
            _keys.Writer.TryComplete();
        })
        { IsBackground = true, Name = "forge-lines" };
        thread.Start();
    }

    public void Interrupt() => _keys.Writer.TryWrite(new ConsoleKeyInfo('\x03', ConsoleKey.C, false, false, true));

    public async ValueTask<ConsoleKeyInfo?> ReadKeyAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _keys.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }
}
