using System.Buffers.Text;
using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace CodeForge.Core.Tokens;

/// <summary>
/// The vocabularies of the <c>o200k_base</c> and <c>cl100k_base</c> encodings, embedded in this assembly in a compact form
/// and handed to Microsoft.ML.Tokenizers in its tiktoken text format.
/// </summary>
/// <remarks>
/// <para>
/// Why not the Microsoft.ML.Tokenizers.Data packages: they embed each vocabulary as deflated tiktoken text (one base64
/// token a line), 1.18 MB and 0.52 MB of the native binary. Here each vocabulary is its tokens in rank order, first one
/// length byte per token and then every token's bytes, compressed with Brotli (quality 11, window 24): 0.79 MB and 0.36 MB
/// (issue 15, docs/benchmarks.md "Smaller token tables"). Brotli decoding is already in the binary (HTTP decompression).
/// The resources are produced by <c>tools/tiktoken-tables</c>; <c>TiktokenTablesTests</c> checks them token for token
/// against the Data packages.
/// </para>
/// <para>Concurrency contract: stateless; every call reads the embedded resource afresh and returns a new stream or array.</para>
/// </remarks>
internal static class TiktokenTables
{
    /// <summary>The manifest resource name of an encoding's table (see the <c>EmbeddedResource</c> items of the project).</summary>
    internal static string ResourceName(string encoding) => $"CodeForge.Core.Tokens.{encoding}.tokens.br";

    /// <summary>The tokens of <paramref name="encoding"/> in rank order (token <c>i</c> has rank <c>i</c>).</summary>
    /// <exception cref="ArgumentException">No table is embedded for <paramref name="encoding"/>.</exception>
    /// <exception cref="InvalidDataException">The embedded table is damaged.</exception>
    internal static byte[][] ReadTokens(string encoding)
    {
        var data = ReadRaw(encoding);
        var count = CountTokens(data, encoding);
        var tokens = new byte[count][];
        var offset = count;
        for (var i = 0; i < count; i++)
        {
            tokens[i] = data.AsSpan(offset, data[i]).ToArray();
            offset += data[i];
        }
        return tokens;
    }

    /// <summary>
    /// The vocabulary of <paramref name="encoding"/> as the tiktoken text <c>TiktokenTokenizer.CreateForModel(model, stream)</c>
    /// reads, in the form the Data packages embed: a <c>Capacity: N</c> line (the tokenizer sizes its dictionaries from it),
    /// then one base64 token a line in rank order.
    /// </summary>
    /// <exception cref="ArgumentException">No table is embedded for <paramref name="encoding"/>.</exception>
    /// <exception cref="InvalidDataException">The embedded table is damaged.</exception>
    internal static MemoryStream OpenTiktokenText(string encoding)
    {
        var data = ReadRaw(encoding);
        var count = CountTokens(data, encoding);
        // A token of n bytes is at most 4(n+2)/3 base64 characters, and one newline; the header at most 21 bytes.
        var text = new byte[(data.Length - count) * 4 / 3 + count * 4 + 32];
        var at = Encoding.ASCII.GetBytes($"Capacity: {count.ToString(CultureInfo.InvariantCulture)}\n", text);
        var offset = count;
        for (var i = 0; i < count; i++)
        {
            Base64.EncodeToUtf8(data.AsSpan(offset, data[i]), text.AsSpan(at), out _, out var written);
            at += written;
            text[at++] = (byte)'\n';
            offset += data[i];
        }
        return new MemoryStream(text, 0, at, writable: false);
    }

    private static byte[] ReadRaw(string encoding)
    {
        using var resource = typeof(TiktokenTables).Assembly.GetManifestResourceStream(ResourceName(encoding))
            ?? throw new ArgumentException($"No token table is embedded for the encoding '{encoding}'.", nameof(encoding));
        using var brotli = new BrotliStream(resource, CompressionMode.Decompress);
        using var raw = new MemoryStream();
        brotli.CopyTo(raw);
        return raw.ToArray();
    }

    // The table is count length bytes followed by the tokens' bytes, so the count is where the lengths seen so far and
    // the bytes they announce fill the table exactly.
    private static int CountTokens(byte[] data, string encoding)
    {
        long bytes = 0;
        var count = 0;
        while (count + bytes < data.Length)
        {
            if (data[count] == 0)
            {
                throw new InvalidDataException($"The embedded token table of '{encoding}' is damaged: token {count} is empty.");
            }
            bytes += data[count];
            count++;
        }
        if (count + bytes != data.Length)
        {
            throw new InvalidDataException($"The embedded token table of '{encoding}' is damaged: its lengths do not add up to its size.");
        }
        return count;
    }
}
