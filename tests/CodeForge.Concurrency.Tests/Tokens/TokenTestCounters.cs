using System.Collections.Concurrent;
using CodeForge.Core.Tokens;
using Microsoft.Extensions.AI;

namespace CodeForge.Concurrency.Tests.Tokens;

/// <summary>Wraps a counter and records how many times each text was counted (thread-safe).</summary>
internal sealed class CallCountingCounter(ITokenCounter inner) : ITokenCounter
{
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);

    public int Calls(string text) => _calls.TryGetValue(text, out var n) ? n : 0;

    public int TotalCalls => _calls.Values.Sum();

    public int Count(string text)
    {
        _calls.AddOrUpdate(text, 1, (_, n) => n + 1);
        return inner.Count(text);
    }

    public int CountMessages(IEnumerable<ChatMessage> messages) => ChatMessageTokens.Count(this, messages);
}

/// <summary>
/// A deterministic stand-in tokenizer for concurrency checks: tokens = f(text), with a spin that widens the window between
/// a miss being decided and its result being inserted (so interleavings actually happen on 2 cores).
/// </summary>
internal sealed class SpinningCounter(int spin = 200) : ITokenCounter
{
    public static int Tokens(string text) => text.Length * 10 + text[^1];

    public int Count(string text)
    {
        Thread.SpinWait(spin);
        return Tokens(text);
    }

    public int CountMessages(IEnumerable<ChatMessage> messages) => ChatMessageTokens.Count(this, messages);
}
