using System.IO.Compression;
using System.Reflection;
using System.Text;
using CodeForge.Core.Tokens;
using Microsoft.ML.Tokenizers;

namespace CodeForge.Core.Tests.Tokens;

public sealed class TiktokenTablesTests
{
    [Theory]
    [InlineData("o200k_base", "Microsoft.ML.Tokenizers.Data.O200kBase")]
    [InlineData("cl100k_base", "Microsoft.ML.Tokenizers.Data.Cl100kBase")]
    public void ReadTokens_ForEachEncoding_AreTheTokensOfTheMicrosoftMlTokenizersDataPackageInRankOrder(string encoding, string package)
    {
        var expected = PackageTokens(package, encoding);

        var tokens = TiktokenTables.ReadTokens(encoding);

        Assert.Equal(expected.Count, tokens.Length);
        for (var rank = 0; rank < tokens.Length; rank++)
        {
            if (!tokens[rank].AsSpan().SequenceEqual(expected[rank]))
            {
                Assert.Fail($"{encoding}: token {rank} differs from the package's.");
            }
        }
    }

    [Theory]
    [InlineData("o200k_base", TiktokenEncoding.O200kBase)]
    [InlineData("cl100k_base", TiktokenEncoding.Cl100kBase)]
    public void Count_WithTheEmbeddedTable_EqualsTheTokenizerBuiltFromTheDataPackage(string encoding, TiktokenEncoding ours)
    {
        var reference = TiktokenTokenizer.CreateForEncoding(encoding);
        var counter = TiktokenCounter.For(ours);
        string[] samples =
        [
            TokenSamples.EnglishProse, TokenSamples.CSharpCode, TokenSamples.PythonCode, TokenSamples.Json, TokenSamples.Chinese,
            TokenSamples.Russian,
            "héllo wörld 日本語のテキスト 🎉🎉 ¿qué? Привет, мир! \t\r\n  spaced    out",
            File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "CodeForge.Core.Tests.deps.json")),
        ];

        foreach (var sample in samples)
        {
            Assert.Equal(reference.CountTokens(sample), counter.Count(sample));
        }
    }

    [Fact]
    public void OpenTiktokenText_ForO200k_WritesTheCapacityThenOneBase64TokenALineInRankOrder()
    {
        using var text = TiktokenTables.OpenTiktokenText("o200k_base");
        var lines = Encoding.ASCII.GetString(text.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var tokens = TiktokenTables.ReadTokens("o200k_base");

        Assert.Equal(tokens.Length + 1, lines.Length);
        Assert.Equal($"Capacity: {tokens.Length}", lines[0]);
        Assert.Equal(Convert.ToBase64String(tokens[0]), lines[1]);
        Assert.Equal(Convert.ToBase64String(tokens[^1]), lines[^1]);
    }

    [Fact]
    public void ReadTokens_WhenNoTableIsEmbeddedForTheEncoding_ThrowsNamingIt()
    {
        var ex = Assert.Throws<ArgumentException>(() => TiktokenTables.ReadTokens("p50k_base"));

        Assert.Contains("'p50k_base'", ex.Message, StringComparison.Ordinal);
    }

    // The Data packages embed "<encoding>.tiktoken.deflate": a "Capacity: N" line, then one base64 token a line in rank order.
    private static List<byte[]> PackageTokens(string package, string encoding)
    {
        using var resource = Assembly.Load(package).GetManifestResourceStream($"{encoding}.tiktoken.deflate");
        Assert.NotNull(resource);
        using var reader = new StreamReader(new DeflateStream(resource, CompressionMode.Decompress));
        var tokens = new List<byte[]>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && !line.StartsWith("Capacity:", StringComparison.Ordinal))
            {
                tokens.Add(Convert.FromBase64String(line.Split(' ')[0]));
            }
        }
        return tokens;
    }
}
