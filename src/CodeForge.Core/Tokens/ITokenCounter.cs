using Microsoft.Extensions.AI;

namespace CodeForge.Core.Tokens;

/// <summary>Counts the tokens a model would see for a text or for a whole conversation.</summary>
/// <remarks>
/// <para>
/// Concurrency contract: every implementation in this namespace is safe to call from any number of threads at once, and
/// <see cref="Count"/> is a pure function of its text for a given counter (the same text always gives the same count).
/// </para>
/// <para>
/// <see cref="CountMessages"/> uses the per-message overheads documented on <see cref="ChatMessageTokens"/>; it enumerates
/// the messages once and never mutates them, but the caller must not mutate the messages while they are being counted.
/// </para>
/// </remarks>
public interface ITokenCounter
{
    /// <summary>Counts the tokens of <paramref name="text"/>; the empty string has 0 tokens.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    int Count(string text);

    /// <summary>
    /// Counts the tokens of a conversation as sent to a chat model: role, author name, text, function calls (name and
    /// arguments JSON) and function results of every message, plus the overheads described on <see cref="ChatMessageTokens"/>.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> or one of its messages is null.</exception>
    int CountMessages(IEnumerable<ChatMessage> messages);
}
