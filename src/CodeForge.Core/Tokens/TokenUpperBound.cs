using System.Text;
using Microsoft.Extensions.AI;

namespace CodeForge.Core.Tokens;

/// <summary>
/// A cheap counter whose count is never below an exact counter's: it lets a threshold decision ("is this request under
/// the compaction threshold?") be taken without loading an exact tokenizer, which is needed only when the bound reaches
/// the threshold.
/// </summary>
/// <remarks>
/// <para>
/// For the tiktoken encodings the bound is the text's UTF-8 byte count: a byte-level BPE token covers at least one byte,
/// so no text has more tokens than bytes (also when special-token text is counted as ordinary text). For a counter that is
/// already cheap (<see cref="EstimatingCounter"/>) the bound is the counter itself. For any other counter it is the counter
/// itself too (no cheaper bound is known). <see cref="ChatMessageTokens.Count"/> only adds per-text counts and constants,
/// so a bound per text is a bound per conversation.
/// </para>
/// <para>Concurrency contract: stateless; safe from any number of threads.</para>
/// </remarks>
public static class TokenUpperBound
{
    /// <summary>The cheapest known counter that never counts fewer tokens than <paramref name="exact"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="exact"/> is null.</exception>
    public static ITokenCounter For(ITokenCounter exact)
    {
        ArgumentNullException.ThrowIfNull(exact);
        var inner = exact is CachingCounter caching ? caching.Inner : exact;
        return inner switch
        {
            TiktokenCounter => Utf8ByteBound.Instance,
            EstimatingCounter estimator => estimator,
            _ => exact,
        };
    }

    /// <summary>The UTF-8 byte count of a text: an upper bound on its tokens for any byte-level BPE encoding.</summary>
    /// <remarks>Concurrency contract: stateless and immutable; safe from any number of threads.</remarks>
    public sealed class Utf8ByteBound : ITokenCounter
    {
        private Utf8ByteBound()
        {
        }

        /// <summary>The shared instance.</summary>
        public static Utf8ByteBound Instance { get; } = new();

        /// <inheritdoc />
        public int Count(string text)
        {
            ArgumentNullException.ThrowIfNull(text);
            return Encoding.UTF8.GetByteCount(text);
        }

        /// <inheritdoc />
        public int CountMessages(IEnumerable<ChatMessage> messages) => ChatMessageTokens.Count(this, messages);
    }
}
