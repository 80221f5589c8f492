using System.Collections.Concurrent;
using CodeForge.Core.Tokens;
using Microsoft.Extensions.AI;

namespace CodeForge.Core.Tests.Tokens;

/// <summary>A test counter: a text has as many tokens as characters; records how often each text was counted.</summary>
internal sealed class LengthCounter : ITokenCounter
{
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);

    /// <summary>Runs inside every count (after recording the call), e.g. to block or throw.</summary>
    public Action<string>? OnCount { get; set; }

    public int Calls(string text) => _calls.TryGetValue(text, out var n) ? n : 0;

    public int TotalCalls => _calls.Values.Sum();

    public int Count(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        _calls.AddOrUpdate(text, 1, (_, n) => n + 1);
        OnCount?.Invoke(text);
        return text.Length;
    }

    public int CountMessages(IEnumerable<ChatMessage> messages) => ChatMessageTokens.Count(this, messages);
}
