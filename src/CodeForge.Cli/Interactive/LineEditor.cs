using System.Globalization;
using System.Text;

namespace CodeForge.Cli.Interactive;

/// <summary>How reading one prompt ended.</summary>
internal enum LineResultKind
{
    /// <summary>Enter: <see cref="LineResult.Text"/> holds the prompt.</summary>
    Submitted,

    /// <summary>Ctrl-C on an empty line.</summary>
    Interrupted,

    /// <summary>Ctrl-D on an empty line, or input ended.</summary>
    EndOfInput,

    /// <summary>Shift+Tab: cycle the permission mode; <see cref="LineResult.Text"/> holds the unfinished input.</summary>
    CycleMode,
}

internal sealed record LineResult(LineResultKind Kind, string Text = "");

/// <summary>Completes the word at the cursor (slash commands, <c>@path</c>).</summary>
internal interface ICompletionProvider
{
    /// <summary>Where the word being completed starts and the candidates that could replace it.</summary>
    (int Start, IReadOnlyList<string> Candidates) Complete(string text, int cursor);
}

/// <summary>
/// A line editor for the prompt: insert and delete anywhere, Home/End, word and line kills (Ctrl-W, Ctrl-U, Ctrl-K),
/// history on Up/Down (moving between lines first in multi-line input), multi-line input with Alt+Enter or a trailing
/// backslash, Tab completion, Esc to clear, Ctrl-C and Ctrl-D on an empty line to interrupt or end, Shift+Tab to cycle
/// the permission mode. It redraws the whole input in place with ANSI cursor movement, wrapping at the screen width.
/// </summary>
/// <remarks>Not thread-safe: one prompt is read at a time; keys come from the session's single key source.</remarks>
internal sealed class LineEditor(Screen screen, IKeySource keys, InputHistory history, ICompletionProvider? completion = null)
{
    private readonly StringBuilder _text = new();
    private int _cursor;
    private int _cursorRow;
    private string _prompt = "> ";
    private int _historyIndex;
    private string _draft = "";

    /// <summary>Reads one prompt. <paramref name="initial"/> pre-fills the input (after a mode change).</summary>
    public async Task<LineResult> ReadAsync(string prompt, string initial, CancellationToken cancellationToken)
    {
        _prompt = prompt;
        _text.Clear().Append(initial);
        _cursor = _text.Length;
        _cursorRow = 0;
        _historyIndex = history.Entries.Count;
        _draft = "";
        Render();
        while (true)
        {
            var next = await keys.ReadKeyAsync(cancellationToken).ConfigureAwait(false);
            if (next is not { } key)
            {
                Done();
                return _text.Length > 0 ? Submit() : new LineResult(LineResultKind.EndOfInput);
            }
            var result = Handle(key);
            if (result is not null)
            {
                return result;
            }
            Render();
        }
    }

    /// <summary>The input as it stands (for tests).</summary>
    internal string Text => _text.ToString();

    internal int Cursor => _cursor;

    private LineResult? Handle(ConsoleKeyInfo key)
    {
        var ctrl = (key.Modifiers & ConsoleModifiers.Control) != 0;
        var alt = (key.Modifiers & ConsoleModifiers.Alt) != 0;
        var shift = (key.Modifiers & ConsoleModifiers.Shift) != 0;
        switch (key.Key)
        {
            case ConsoleKey.Enter when alt:
                Insert("\n");
                return null;
            case ConsoleKey.Enter:
                if (_cursor == _text.Length && _text.Length > 0 && _text[^1] == '\\')
                {
                    _text.Length--;
                    _cursor--;
                    Insert("\n");
                    return null;
                }
                Done();
                return Submit();
            case ConsoleKey.Tab when shift:
                Done();
                return new LineResult(LineResultKind.CycleMode, _text.ToString());
            case ConsoleKey.Tab:
                Complete();
                return null;
            case ConsoleKey.Backspace:
                if (_cursor > 0)
                {
                    _text.Remove(--_cursor, 1);
                }
                return null;
            case ConsoleKey.Delete:
                if (_cursor < _text.Length)
                {
                    _text.Remove(_cursor, 1);
                }
                return null;
            case ConsoleKey.LeftArrow:
                _cursor = Math.Max(0, _cursor - 1);
                return null;
            case ConsoleKey.RightArrow:
                _cursor = Math.Min(_text.Length, _cursor + 1);
                return null;
            case ConsoleKey.Home:
                _cursor = LineStart(_cursor);
                return null;
            case ConsoleKey.End:
                _cursor = LineEnd(_cursor);
                return null;
            case ConsoleKey.UpArrow:
                if (LineStart(_cursor) > 0)
                {
                    MoveVertical(-1);
                }
                else
                {
                    HistoryStep(-1);
                }
                return null;
            case ConsoleKey.DownArrow:
                if (LineEnd(_cursor) < _text.Length)
                {
                    MoveVertical(1);
                }
                else
                {
                    HistoryStep(1);
                }
                return null;
            case ConsoleKey.Escape:
                _text.Clear();
                _cursor = 0;
                return null;
        }
        if (ctrl)
        {
            switch (key.Key)
            {
                case ConsoleKey.C:
                    if (_text.Length == 0)
                    {
                        Done();
                        return new LineResult(LineResultKind.Interrupted);
                    }
                    _text.Clear();
                    _cursor = 0;
                    return null;
                case ConsoleKey.D:
                    if (_text.Length == 0)
                    {
                        Done();
                        return new LineResult(LineResultKind.EndOfInput);
                    }
                    if (_cursor < _text.Length)
                    {
                        _text.Remove(_cursor, 1);
                    }
                    return null;
                case ConsoleKey.A:
                    _cursor = LineStart(_cursor);
                    return null;
                case ConsoleKey.E:
                    _cursor = LineEnd(_cursor);
                    return null;
                case ConsoleKey.U:
                    var start = LineStart(_cursor);
                    _text.Remove(start, _cursor - start);
                    _cursor = start;
                    return null;
                case ConsoleKey.K:
                    var end = LineEnd(_cursor);
                    _text.Remove(_cursor, end - _cursor);
                    return null;
                case ConsoleKey.W:
                    var from = _cursor;
                    while (from > 0 && char.IsWhiteSpace(_text[from - 1]))
                    {
                        from--;
                    }
                    while (from > 0 && !char.IsWhiteSpace(_text[from - 1]))
                    {
                        from--;
                    }
                    _text.Remove(from, _cursor - from);
                    _cursor = from;
                    return null;
                case ConsoleKey.J:
                    Insert("\n");
                    return null;
                default:
                    return null;
            }
        }
        if (key.KeyChar >= ' ' && key.KeyChar != '\x7f')
        {
            Insert(key.KeyChar.ToString());
        }
        return null;
    }

    private LineResult Submit()
    {
        var text = _text.ToString();
        history.Add(text);
        return new LineResult(LineResultKind.Submitted, text);
    }

    private void Insert(string s)
    {
        _text.Insert(_cursor, s);
        _cursor += s.Length;
    }

    private int LineStart(int at)
    {
        var i = at;
        while (i > 0 && _text[i - 1] != '\n')
        {
            i--;
        }
        return i;
    }

    private int LineEnd(int at)
    {
        var i = at;
        while (i < _text.Length && _text[i] != '\n')
        {
            i++;
        }
        return i;
    }

    private void MoveVertical(int direction)
    {
        var start = LineStart(_cursor);
        var column = _cursor - start;
        if (direction < 0)
        {
            var prevStart = LineStart(start - 1);
            _cursor = Math.Min(prevStart + column, start - 1);
        }
        else
        {
            var nextStart = LineEnd(_cursor) + 1;
            _cursor = Math.Min(nextStart + column, LineEnd(nextStart));
        }
    }

    private void HistoryStep(int direction)
    {
        var entries = history.Entries;
        var next = _historyIndex + direction;
        if (next < 0 || next > entries.Count)
        {
            return;
        }
        if (_historyIndex == entries.Count)
        {
            _draft = _text.ToString();
        }
        _historyIndex = next;
        _text.Clear().Append(next == entries.Count ? _draft : entries[next]);
        _cursor = _text.Length;
    }

    private void Complete()
    {
        if (completion is null)
        {
            return;
        }
        var (start, candidates) = completion.Complete(_text.ToString(), _cursor);
        if (candidates.Count == 0)
        {
            return;
        }
        var prefix = candidates[0];
        foreach (var c in candidates.Skip(1))
        {
            var n = 0;
            while (n < prefix.Length && n < c.Length && prefix[n] == c[n])
            {
                n++;
            }
            prefix = prefix[..n];
        }
        var typed = _cursor - start;
        if (prefix.Length > typed || candidates.Count == 1)
        {
            _text.Remove(start, typed).Insert(start, prefix);
            _cursor = start + prefix.Length;
            if (candidates.Count == 1 && !prefix.EndsWith('/'))
            {
                Insert(" ");
            }
            return;
        }
        // Several candidates and nothing more in common: list them under the input.
        Done();
        var list = string.Join("  ", candidates.Take(30)) + (candidates.Count > 30 ? string.Create(CultureInfo.InvariantCulture, $"  … +{candidates.Count - 30}") : "");
        screen.WriteRaw(list + "\n");
    }

    /// <summary>Leaves the cursor on a fresh line after the input.</summary>
    private void Done()
    {
        if (!screen.CanAnimate)
        {
            return;
        }
        var (endRow, _) = Position(_text.Length);
        var down = endRow - _cursorRow;
        screen.WriteRaw((down > 0 ? $"\u001b[{down}B" : "") + "\r\n");
        _cursorRow = 0;
    }

    private void Render()
    {
        if (!screen.CanAnimate)
        {
            return;
        }
        var sb = new StringBuilder();
        if (_cursorRow > 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $"\u001b[{_cursorRow}A");
        }
        sb.Append("\r\u001b[J\u001b[1m").Append(_prompt).Append("\u001b[0m");
        var continuation = new string(' ', _prompt.Length);
        foreach (var c in _text.ToString())
        {
            sb.Append(c == '\n' ? "\r\n" + continuation : c.ToString());
        }
        var (endRow, endCol) = Position(_text.Length);
        if (endCol == 0 && endRow > 0 && (_text.Length == 0 || _text[^1] != '\n'))
        {
            // The terminal is in its "pending wrap" state at the right margin: make the wrap happen.
            sb.Append(" \r");
        }
        var (row, col) = Position(_cursor);
        if (endRow > row)
        {
            sb.Append(CultureInfo.InvariantCulture, $"\u001b[{endRow - row}A");
        }
        sb.Append('\r');
        if (col > 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $"\u001b[{col}C");
        }
        _cursorRow = row;
        screen.WriteRaw(sb.ToString());
    }

    /// <summary>Row and column (from the prompt's first row) where the character at <paramref name="index"/> lands.</summary>
    internal (int Row, int Column) Position(int index)
    {
        var width = screen.Width;
        var row = 0;
        var col = _prompt.Length;
        for (var i = 0; i < index; i++)
        {
            if (_text[i] == '\n')
            {
                row++;
                col = _prompt.Length;
                continue;
            }
            col++;
            if (col >= width)
            {
                row++;
                col = 0;
            }
        }
        return (row, col);
    }
}
