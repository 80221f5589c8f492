// Packs the o200k_base and cl100k_base vocabularies of the Microsoft.ML.Tokenizers.Data packages into the compact tables
// CodeForge.Core embeds (TiktokenTables.cs): tokens in rank order, one length byte per token, then all tokens' bytes,
// Brotli quality 11, window 24. Usage: dotnet run --project tools/tiktoken-tables [output folder]
using System.IO.Compression;
using System.Reflection;

var output = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "../../../../../src/CodeForge.Core/Tokens");
Pack(Assembly.Load("Microsoft.ML.Tokenizers.Data.O200kBase"), "o200k_base");
Pack(Assembly.Load("Microsoft.ML.Tokenizers.Data.Cl100kBase"), "cl100k_base");

void Pack(Assembly data, string encoding)
{
    var tokens = ReadPackageTokens(data, encoding);
    using var raw = new MemoryStream();
    foreach (var token in tokens)
    {
        raw.WriteByte(checked((byte)token.Length));
    }
    foreach (var token in tokens)
    {
        raw.Write(token);
    }
    var packed = new byte[raw.Length + 1024];
    if (!BrotliEncoder.TryCompress(raw.ToArray(), packed, out var length, quality: 11, window: 24))
    {
        throw new InvalidOperationException($"Brotli could not compress {encoding}.");
    }
    var path = Path.GetFullPath(Path.Combine(output, $"{encoding}.tokens.br"));
    File.WriteAllBytes(path, packed[..length]);
    Console.WriteLine($"{path}: {tokens.Count} tokens, {raw.Length} bytes, {length} packed");
}

// The Data packages embed "<encoding>.tiktoken.deflate": a "Capacity: N" line, then one base64 token a line in rank order.
static List<byte[]> ReadPackageTokens(Assembly data, string encoding)
{
    using var resource = data.GetManifestResourceStream($"{encoding}.tiktoken.deflate")
        ?? throw new InvalidOperationException($"{data.GetName().Name} has no {encoding}.tiktoken.deflate.");
    using var reader = new StreamReader(new DeflateStream(resource, CompressionMode.Decompress));
    var tokens = new List<byte[]>();
    while (reader.ReadLine() is { } line)
    {
        if (line.Length == 0 || line.StartsWith("Capacity:", StringComparison.Ordinal))
        {
            continue;
        }
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        if (space >= 0 && int.Parse(line.AsSpan(space + 1), System.Globalization.CultureInfo.InvariantCulture) != tokens.Count)
        {
            throw new InvalidOperationException($"{encoding}: ranks are not 0, 1, 2, ... at line {tokens.Count + 2}.");
        }
        tokens.Add(Convert.FromBase64String(space >= 0 ? line[..space] : line));
    }
    return tokens;
}
