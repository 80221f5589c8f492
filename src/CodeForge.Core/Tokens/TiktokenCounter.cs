using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace CodeForge.Core.Tokens;

/// <summary>The OpenAI BPE encodings shipped offline (their vocabularies are embedded: <see cref="TiktokenTables"/>).</summary>
public enum TiktokenEncoding
{
    /// <summary><c>o200k_base</c>: GPT-4o, GPT-4.1, GPT-5 and the o-series.</summary>
    O200kBase,

    /// <summary><c>cl100k_base</c>: GPT-4 and GPT-3.5 (the original Code-Forge's default).</summary>
    Cl100kBase,
}

/// <summary>Exact token counts with an OpenAI BPE encoding (Microsoft.ML.Tokenizers, vocabulary embedded, no network).</summary>
/// <remarks>
/// <para>
/// Concurrency contract: safe from any number of threads. Each encoding's tokenizer is expensive to create (half a second
/// or more: the whole vocabulary is decoded into dictionaries), so it is created once per process, lazily and
/// thread-safely (<see cref="Lazy{T}"/>, execution and publication), on the first count or <see cref="EnsureLoaded"/>, and
/// shared: <see cref="O200kBase"/> and <see cref="Cl100kBase"/> are the only instances. The tokenizer is immutable apart
/// from its own internally synchronised cache of encoded words.
/// </para>
/// <para>
/// Special-token text such as <c>&lt;|endoftext|&gt;</c> inside a text is counted as plain text (as a chat API treats user
/// content, and like tiktoken's <c>encode_ordinary</c>), never as one special token and never with an exception: when a
/// text contains a special token, it is split with the encoding's own pre-tokenization pattern and each piece is encoded
/// without special-token matching.
/// </para>
/// </remarks>
public sealed partial class TiktokenCounter : ITokenCounter
{
    // A model of each encoding names its pre-tokenization pattern and special tokens to Microsoft.ML.Tokenizers; the
    // vocabulary itself comes from this assembly (TiktokenTables), not from the Microsoft.ML.Tokenizers.Data packages.
    private static readonly Lazy<Loaded> O200k = new(() => Load("o200k_base", "gpt-4o"), LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<Loaded> Cl100k = new(() => Load("cl100k_base", "gpt-4"), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly Lazy<Loaded> _tokenizer;
    private readonly Regex _ordinaryPattern;

    /// <summary>A loaded encoding: the tokenizer and its special tokens (both immutable once published).</summary>
    private sealed record Loaded(Tokenizer Tokenizer, string[] SpecialTokens);

    private static Loaded Load(string encoding, string model)
    {
        using var vocabulary = TiktokenTables.OpenTiktokenText(encoding);
        var tokenizer = TiktokenTokenizer.CreateForModel(model, vocabulary);
        return new Loaded(tokenizer, [.. tokenizer.SpecialTokens?.Keys ?? []]);
    }

    private TiktokenCounter(TiktokenEncoding encoding, Lazy<Loaded> tokenizer, Regex ordinaryPattern)
    {
        Encoding = encoding;
        _tokenizer = tokenizer;
        _ordinaryPattern = ordinaryPattern;
    }

    /// <summary>The shared <c>o200k_base</c> counter (current OpenAI models).</summary>
    public static TiktokenCounter O200kBase { get; } = new(TiktokenEncoding.O200kBase, O200k, O200kPattern());

    /// <summary>The shared <c>cl100k_base</c> counter (GPT-4, GPT-3.5).</summary>
    public static TiktokenCounter Cl100kBase { get; } = new(TiktokenEncoding.Cl100kBase, Cl100k, Cl100kPattern());

    /// <summary>Returns the shared counter for <paramref name="encoding"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="encoding"/> is not a defined value.</exception>
    public static TiktokenCounter For(TiktokenEncoding encoding) => encoding switch
    {
        TiktokenEncoding.O200kBase => O200kBase,
        TiktokenEncoding.Cl100kBase => Cl100kBase,
        _ => throw new ArgumentOutOfRangeException(nameof(encoding), encoding, "Unknown tiktoken encoding."),
    };

    /// <summary>The encoding this counter uses.</summary>
    public TiktokenEncoding Encoding { get; }

    /// <summary>
    /// Loads the encoding's tokenizer now instead of on the first count (for example on a background thread at startup).
    /// Idempotent and thread-safe: concurrent callers wait for the one load.
    /// </summary>
    public void EnsureLoaded() => _ = _tokenizer.Value;

    /// <inheritdoc />
    public int Count(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return 0;
        }
        var loaded = _tokenizer.Value;
        return ContainsSpecialToken(text, loaded.SpecialTokens) ? CountOrdinary(text) : loaded.Tokenizer.CountTokens(text);
    }

    /// <inheritdoc />
    public int CountMessages(IEnumerable<Microsoft.Extensions.AI.ChatMessage> messages) => ChatMessageTokens.Count(this, messages);

    /// <inheritdoc />
    public override string ToString() => $"TiktokenCounter({Encoding})";

    /// <summary>
    /// Counts <paramref name="text"/> as plain text: split with the encoding's pre-tokenization pattern, each piece encoded
    /// on its own without special-token matching (what tiktoken calls <c>encode_ordinary</c>).
    /// </summary>
    internal int CountOrdinary(string text)
    {
        var tokenizer = _tokenizer.Value.Tokenizer;
        var total = 0;
        foreach (var piece in _ordinaryPattern.EnumerateMatches(text))
        {
            total += tokenizer.CountTokens(text.AsSpan(piece.Index, piece.Length), considerPreTokenization: false, considerNormalization: false);
        }
        return total;
    }

    private static bool ContainsSpecialToken(string text, string[] specials)
    {
        // Every special token of both encodings starts with "<|": one vectorised scan rules out almost every text.
        if (!text.Contains("<|", StringComparison.Ordinal))
        {
            return false;
        }
        foreach (var special in specials)
        {
            if (text.Contains(special, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    // The pre-tokenization patterns of tiktoken's o200k_base and cl100k_base encodings.
    [GeneratedRegex(@"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+")]
    private static partial Regex O200kPattern();

    [GeneratedRegex(@"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")]
    private static partial Regex Cl100kPattern();
}
