using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace CodeForge.Core.Tools.BuiltIn;

/// <summary>How a text file's bytes encode its characters, as found from its byte-order mark.</summary>
internal enum TextEncodingKind
{
    Utf8,
    Utf8Bom,
    Utf16LittleEndian,
    Utf16BigEndian,
    Utf32LittleEndian,
}

/// <summary>The line ending a text uses most.</summary>
internal enum LineEnding
{
    Lf,
    CrLf,
}

/// <summary>A text file decoded losslessly: encoding it again with <see cref="TextCodec.Encode"/> gives back the same bytes.</summary>
internal sealed record DecodedText(string Text, TextEncodingKind Encoding, LineEnding LineEnding, bool HasInvalidBytes);

/// <summary>
/// Lossless decoding and encoding of text files. UTF-8 without a BOM is decoded with "surrogate escapes": each byte that is
/// not part of valid UTF-8 becomes the lone surrogate U+DC80..U+DCFF and is written back as that byte, so an edit keeps
/// every byte it did not change (as Python's <c>surrogateescape</c>). A BOM selects UTF-8, UTF-16 or UTF-32 and is kept.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
internal static class TextCodec
{
    /// <summary>How many leading bytes are examined for a NUL byte to call a file binary.</summary>
    public const int BinarySniffLength = 8192;

    private const char EscapeBase = '\uDC00';

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    /// <summary>The encoding the BOM at the start of <paramref name="bytes"/> names, and the BOM's length.</summary>
    public static (TextEncodingKind Kind, int BomLength) DetectBom(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return (TextEncodingKind.Utf8Bom, 3);
        }
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0x00, 0x00]))
        {
            return (TextEncodingKind.Utf32LittleEndian, 4);
        }
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return (TextEncodingKind.Utf16LittleEndian, 2);
        }
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return (TextEncodingKind.Utf16BigEndian, 2);
        }
        return (TextEncodingKind.Utf8, 0);
    }

    /// <summary>True when the file starting with <paramref name="head"/> looks binary: a NUL byte and no UTF-16/32 BOM.</summary>
    public static bool LooksBinary(ReadOnlySpan<byte> head)
    {
        var (kind, _) = DetectBom(head);
        if (kind is TextEncodingKind.Utf16LittleEndian or TextEncodingKind.Utf16BigEndian or TextEncodingKind.Utf32LittleEndian)
        {
            return false;
        }
        return head[..Math.Min(head.Length, BinarySniffLength)].Contains((byte)0);
    }

    /// <summary>The <see cref="Encoding"/> that decodes a BOM-less body of <paramref name="kind"/> with replacement characters.</summary>
    public static Encoding DisplayEncoding(TextEncodingKind kind) => kind switch
    {
        TextEncodingKind.Utf16LittleEndian => new UnicodeEncoding(bigEndian: false, byteOrderMark: false),
        TextEncodingKind.Utf16BigEndian => new UnicodeEncoding(bigEndian: true, byteOrderMark: false),
        TextEncodingKind.Utf32LittleEndian => new UTF32Encoding(bigEndian: false, byteOrderMark: false),
        _ => StrictUtf8,
    };

    /// <summary>Decodes <paramref name="bytes"/> losslessly (see the class remarks).</summary>
    public static DecodedText Decode(ReadOnlySpan<byte> bytes)
    {
        var (kind, bomLength) = DetectBom(bytes);
        var body = bytes[bomLength..];
        string text;
        var invalid = false;
        if (kind is TextEncodingKind.Utf8 or TextEncodingKind.Utf8Bom)
        {
            text = DecodeUtf8WithEscapes(body, out invalid);
        }
        else
        {
            text = DisplayEncoding(kind).GetString(body);
        }
        return new DecodedText(text, kind, DetectLineEnding(text), invalid);
    }

    /// <summary>Encodes <paramref name="text"/> as <paramref name="kind"/> (with its BOM), turning surrogate escapes back into their bytes.</summary>
    public static byte[] Encode(string text, TextEncodingKind kind)
    {
        ArgumentNullException.ThrowIfNull(text);
        switch (kind)
        {
            case TextEncodingKind.Utf16LittleEndian:
                return [0xFF, 0xFE, .. DisplayEncoding(kind).GetBytes(text)];
            case TextEncodingKind.Utf16BigEndian:
                return [0xFE, 0xFF, .. DisplayEncoding(kind).GetBytes(text)];
            case TextEncodingKind.Utf32LittleEndian:
                return [0xFF, 0xFE, 0x00, 0x00, .. DisplayEncoding(kind).GetBytes(text)];
        }
        var output = new ArrayBufferWriter<byte>(text.Length + 16);
        if (kind == TextEncodingKind.Utf8Bom)
        {
            output.Write((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]);
        }
        var span = text.AsSpan();
        var runStart = 0;
        for (var i = 0; i <= span.Length; i++)
        {
            var isEscape = i < span.Length && span[i] is >= '\uDC80' and <= '\uDCFF' && (i == 0 || !char.IsHighSurrogate(span[i - 1]));
            if (i < span.Length && !isEscape)
            {
                continue;
            }
            var run = span[runStart..i];
            if (!run.IsEmpty)
            {
                var count = StrictUtf8.GetByteCount(run);
                StrictUtf8.GetBytes(run, output.GetSpan(count));
                output.Advance(count);
            }
            if (isEscape)
            {
                output.GetSpan(1)[0] = (byte)(span[i] - EscapeBase);
                output.Advance(1);
            }
            runStart = i + 1;
        }
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Replaces surrogate escapes with U+FFFD, for showing text to a model or a person.</summary>
    public static string ForDisplay(string text) =>
        text.AsSpan().IndexOfAnyInRange('\uDC80', '\uDCFF') < 0 ? text : string.Create(text.Length, text, static (span, source) =>
        {
            source.AsSpan().CopyTo(span);
            for (var i = 0; i < span.Length; i++)
            {
                if (span[i] is >= '\uDC80' and <= '\uDCFF' && (i == 0 || !char.IsHighSurrogate(span[i - 1])))
                {
                    span[i] = '\uFFFD';
                }
            }
        });

    /// <summary>CRLF when more lines end in CRLF than in a bare LF; otherwise LF.</summary>
    public static LineEnding DetectLineEnding(string text)
    {
        var crlf = 0;
        var lf = 0;
        var span = text.AsSpan();
        var index = 0;
        while (index < span.Length)
        {
            var next = span[index..].IndexOf('\n');
            if (next < 0)
            {
                break;
            }
            var at = index + next;
            if (at > 0 && span[at - 1] == '\r')
            {
                crlf++;
            }
            else
            {
                lf++;
            }
            index = at + 1;
        }
        return crlf > lf ? LineEnding.CrLf : LineEnding.Lf;
    }

    /// <summary>Turns every bare LF of <paramref name="text"/> into CRLF (CRLF already there stays).</summary>
    public static string ToCrLf(string text)
    {
        if (!text.Contains('\n', StringComparison.Ordinal))
        {
            return text;
        }
        var builder = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r'))
            {
                builder.Append('\r');
            }
            builder.Append(text[i]);
        }
        return builder.ToString();
    }

    private static string DecodeUtf8WithEscapes(ReadOnlySpan<byte> bytes, out bool invalid)
    {
        invalid = false;
        var chars = new char[bytes.Length];
        var written = 0;
        while (!bytes.IsEmpty)
        {
            var status = Utf8.ToUtf16(bytes, chars.AsSpan(written), out var read, out var wrote, replaceInvalidSequences: false);
            written += wrote;
            bytes = bytes[read..];
            if (status == OperationStatus.Done)
            {
                break;
            }
            // InvalidData or NeedMoreData (a truncated sequence at the end): escape the bytes of the invalid subsequence.
            invalid = true;
            Rune.DecodeFromUtf8(bytes, out _, out var bad);
            bad = Math.Max(bad, 1);
            for (var i = 0; i < bad; i++)
            {
                chars[written++] = (char)(EscapeBase + bytes[i]);
            }
            bytes = bytes[bad..];
        }
        return new string(chars, 0, written);
    }
}
