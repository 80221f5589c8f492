using System.Threading.Channels;
using CodeForge.Cli.Interactive;

namespace CodeForge.Cli.Tests.Interactive;

/// <summary>Keys from a list: a test double of the terminal (<see cref="IKeySource"/>).</summary>
/// <remarks>Thread-safe: an unbounded channel; one reader.</remarks>
internal sealed class ScriptedKeySource : IKeySource
{
    private readonly Channel<ConsoleKeyInfo?> _keys = Channel.CreateUnbounded<ConsoleKeyInfo?>();

    public void Type(string text)
    {
        foreach (var c in text)
        {
            var key = c switch
            {
                '\n' or '\r' => new ConsoleKeyInfo('\r', ConsoleKey.Enter, false, false, false),
                '\t' => new ConsoleKeyInfo('\t', ConsoleKey.Tab, false, false, false),
                '\x1b' => new ConsoleKeyInfo('\x1b', ConsoleKey.Escape, false, false, false),
                '\x7f' => new ConsoleKeyInfo('\x7f', ConsoleKey.Backspace, false, false, false),
                _ when c < ' ' => new ConsoleKeyInfo(c, ConsoleKey.A + (c - 1), false, false, true),
                _ when char.IsAsciiLetterUpper(c) => new ConsoleKeyInfo(c, ConsoleKey.A + (c - 'A'), true, false, false),
                _ when char.IsAsciiLetterLower(c) => new ConsoleKeyInfo(c, ConsoleKey.A + (c - 'a'), false, false, false),
                _ when char.IsAsciiDigit(c) => new ConsoleKeyInfo(c, ConsoleKey.D0 + (c - '0'), false, false, false),
                ' ' => new ConsoleKeyInfo(' ', ConsoleKey.Spacebar, false, false, false),
                _ => new ConsoleKeyInfo(c, ConsoleKey.Oem1, false, false, false),
            };
            _keys.Writer.TryWrite(key);
        }
    }

    public void Press(ConsoleKey key, char c = '\0', bool shift = false, bool alt = false, bool control = false) =>
        _keys.Writer.TryWrite(new ConsoleKeyInfo(c, key, shift, alt, control));

    public void End() => _keys.Writer.TryComplete();

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
