using System.Text;

namespace CodeForge.Core.Shells;

/// <summary>
/// Turns a command's raw output bytes into clean text for a model, chunk by chunk: UTF-8 decoded statefully (a character
/// split across chunks decodes whole; invalid bytes become U+FFFD, never an exception), terminal escape sequences (colours,
/// cursor movement, titles) removed, CRLF and lone CR turned into LF, other control characters (NUL, BEL, backspace, …)
/// dropped. Counts what it saw so a caller can tell binary output from text.
/// </summary>
/// <remarks>Not thread-safe: one instance per stream, fed by one reader at a time.</remarks>
public sealed class OutputSanitizer
{
    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private readonly Decoder _decoder = Utf8.GetDecoder();
    private EscapeState _escape;
    private bool _pendingCr;

    private enum EscapeState
    {
        None,
        Escape,
        Csi,
        Osc,
        OscEscape,
    }

    /// <summary>Raw bytes fed so far.</summary>
    public long Bytes { get; private set; }

    /// <summary>NUL bytes seen (a strong sign of binary data).</summary>
    public long NulBytes { get; private set; }

    /// <summary>Characters dropped or replaced: invalid UTF-8 (U+FFFD) and control characters other than tab and line breaks.</summary>
    public long NonTextChars { get; private set; }

    /// <summary>Decoded characters seen so far (before cleaning).</summary>
    public long Chars { get; private set; }

    /// <summary>True when the output looks binary: it had NUL bytes, or more than a tenth of it was not text.</summary>
    public bool LooksBinary => NulBytes > 0 || (Chars > 16 && NonTextChars * 10 > Chars);

    /// <summary>Cleans <paramref name="bytes"/> and appends the text to <paramref name="output"/>.</summary>
    public void Feed(ReadOnlySpan<byte> bytes, StringBuilder output)
    {
        ArgumentNullException.ThrowIfNull(output);
        Bytes += bytes.Length;
        NulBytes += bytes.Count((byte)0);
        var chars = new char[Utf8.GetMaxCharCount(bytes.Length)];
        var count = _decoder.GetChars(bytes, chars, flush: false);
        Clean(chars.AsSpan(0, count), output);
    }

    /// <summary>Ends the stream: an incomplete UTF-8 sequence becomes U+FFFD, a trailing CR a line break.</summary>
    public void Flush(StringBuilder output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var chars = new char[4];
        var count = _decoder.GetChars([], chars, flush: true);
        Clean(chars.AsSpan(0, count), output);
        if (_pendingCr)
        {
            output.Append('\n');
            _pendingCr = false;
        }
    }

    /// <summary>Cleans already-decoded <paramref name="text"/> (e.g. a background shell's buffered output) in one go.</summary>
    public static string CleanText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sanitizer = new OutputSanitizer();
        var output = new StringBuilder(text.Length);
        sanitizer.Clean(text, output);
        sanitizer.Flush(output);
        return output.ToString();
    }

    private void Clean(ReadOnlySpan<char> chars, StringBuilder output)
    {
        Chars += chars.Length;
        foreach (var c in chars)
        {
            switch (_escape)
            {
                case EscapeState.Escape:
                    _escape = c switch { '[' => EscapeState.Csi, ']' => EscapeState.Osc, _ => EscapeState.None };
                    continue;
                case EscapeState.Csi:
                    if (c is >= '@' and <= '~')
                    {
                        _escape = EscapeState.None;
                    }
                    continue;
                case EscapeState.Osc:
                    _escape = c == '\a' ? EscapeState.None : c == '\u001b' ? EscapeState.OscEscape : EscapeState.Osc;
                    continue;
                case EscapeState.OscEscape:
                    _escape = c == '\\' ? EscapeState.None : EscapeState.Osc;
                    continue;
                default:
                    break;
            }
            if (_pendingCr)
            {
                _pendingCr = false;
                output.Append('\n');
                if (c == '\n')
                {
                    continue;
                }
            }
            switch (c)
            {
                case '\u001b':
                    _escape = EscapeState.Escape;
                    break;
                case '\r':
                    _pendingCr = true;
                    break;
                case '\n' or '\t':
                    output.Append(c);
                    break;
                case '\uFFFD':
                    NonTextChars++;
                    output.Append(c);
                    break;
                default:
                    if (char.IsControl(c))
                    {
                        NonTextChars++;
                    }
                    else
                    {
                        output.Append(c);
                    }
                    break;
            }
        }
    }
}
