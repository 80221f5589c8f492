using System.Text.RegularExpressions;

namespace CodeForge.Core.Tokens;

/// <summary>Picks the token counter for a model id.</summary>
/// <remarks>
/// <para>The model id is matched case-insensitively, on its last path segment and after any <c>ft:</c> or provider
/// prefix (<c>openai/gpt-4o</c>, <c>azure:gpt-35-turbo</c>):</para>
/// <list type="bullet">
/// <item><c>gpt-4o</c>, <c>chatgpt-4o</c>, <c>gpt-4.1</c>, <c>gpt-4.5</c>, <c>gpt-5</c>, <c>gpt-oss</c>, <c>o1</c>, <c>o3</c>,
/// <c>o4</c> (and their variants such as <c>gpt-4o-mini</c>, <c>o3-mini</c>): exact, <see cref="TiktokenEncoding.O200kBase"/>;</item>
/// <item>other <c>gpt-4</c>, <c>gpt-3.5</c> / <c>gpt-35</c>, <c>text-embedding-ada-002</c>, <c>text-embedding-3</c>: exact,
/// <see cref="TiktokenEncoding.Cl100kBase"/>;</item>
/// <item>anything else (Claude/Anthropic, Llama and other Ollama models, unknown ids): <see cref="EstimatingCounter"/>,
/// since those vendors publish no tokenizer.</item>
/// </list>
/// <para>
/// Concurrency contract: stateless; safe from any number of threads. <see cref="ForModel"/> is cheap: the tokenizers are
/// created once per process, lazily, on the first count (see <see cref="TiktokenCounter"/>).
/// </para>
/// </remarks>
public static partial class TokenCounters
{
    /// <summary>The cache capacity of the counters <see cref="ForModel"/> returns (as in the original).</summary>
    public const int DefaultCacheCapacity = 1000;

    /// <summary>
    /// Returns a new <see cref="CachingCounter"/> of <see cref="DefaultCacheCapacity"/> texts over the counter for
    /// <paramref name="modelId"/> (see <see cref="Uncached"/>). Each call returns a new cache with its own statistics; the
    /// tokenizer underneath is shared.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="modelId"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="modelId"/> is empty or white space.</exception>
    public static CachingCounter ForModel(string modelId) => new(Uncached(modelId), DefaultCacheCapacity);

    /// <summary>The shared, uncached counter for <paramref name="modelId"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="modelId"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="modelId"/> is empty or white space.</exception>
    public static ITokenCounter Uncached(string modelId) =>
        EncodingFor(modelId) is { } encoding ? TiktokenCounter.For(encoding) : EstimatingCounter.Instance;

    /// <summary>The exact encoding of <paramref name="modelId"/>, or null when its tokens can only be estimated.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="modelId"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="modelId"/> is empty or white space.</exception>
    public static TiktokenEncoding? EncodingFor(string modelId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        var id = modelId.Trim();
        if (O200kModel().IsMatch(id))
        {
            return TiktokenEncoding.O200kBase;
        }
        if (Cl100kModel().IsMatch(id))
        {
            return TiktokenEncoding.Cl100kBase;
        }
        return null;
    }

    // A model name starts the id or follows '/' or ':' (provider or fine-tune prefixes) and ends at a separator.
    [GeneratedRegex(@"(?:^|[/:])(?:chatgpt-4o|gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|gpt-oss|o1|o3|o4)(?:$|[-:.@/_])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex O200kModel();

    [GeneratedRegex(@"(?:^|[/:])(?:gpt-4|gpt-3\.5|gpt-35|text-embedding-ada-002|text-embedding-3)(?:$|[-:.@/_])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Cl100kModel();
}
