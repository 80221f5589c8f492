using System.Collections.Immutable;
using Microsoft.Extensions.AI;

namespace CodeForge.Core.Agent;

/// <summary>The messages of one conversation with the model, as the model will see them (system prompt excluded).</summary>
/// <remarks>
/// Thread-safe. Messages are an immutable list swapped atomically, so <see cref="Messages"/> is always a whole snapshot
/// (a UI may read it while a run appends). <see cref="RunLock"/> admits one agent run at a time.
/// </remarks>
public sealed class Conversation
{
    private ImmutableList<ChatMessage> _messages;

    public Conversation(IEnumerable<ChatMessage>? history = null)
    {
        _messages = history is null ? [] : [.. history];
    }

    /// <summary>A snapshot of the messages.</summary>
    public ImmutableList<ChatMessage> Messages => Volatile.Read(ref _messages);

    /// <summary>Held by an agent run for its whole duration.</summary>
    internal SemaphoreSlim RunLock { get; } = new(1, 1);

    /// <summary>Appends a message.</summary>
    public void Add(ChatMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        ImmutableInterlocked.Update(ref _messages, (list, m) => list.Add(m), message);
    }

    /// <summary>Replaces every message (after compaction, or <c>/clear</c>).</summary>
    public void Replace(IEnumerable<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        Volatile.Write(ref _messages, [.. messages]);
    }

    /// <summary>The request to send: the system prompt (if any) then the conversation.</summary>
    public List<ChatMessage> ForRequest(string? systemPrompt)
    {
        var request = new List<ChatMessage>();
        if (!string.IsNullOrEmpty(systemPrompt))
        {
            request.Add(new ChatMessage(ChatRole.System, systemPrompt));
        }
        request.AddRange(Messages);
        return request;
    }
}
