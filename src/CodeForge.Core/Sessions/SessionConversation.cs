using Microsoft.Extensions.AI;

namespace CodeForge.Core.Sessions;

/// <summary>Rebuilds the <see cref="ChatMessage"/> conversation from transcript entries.</summary>
/// <remarks>
/// Pure functions; thread-safe. The entries' messages are not modified: merged messages are new objects.
/// </remarks>
public static class SessionConversation
{
    /// <summary>
    /// The conversation recorded by <paramref name="entries"/>, in order:
    /// <list type="bullet">
    /// <item><c>user</c>, <c>assistant</c>, <c>system</c> entries are one message each;</item>
    /// <item><c>tool_call</c> entries join the assistant message just before them (the calls of one model response);</item>
    /// <item>consecutive <c>tool_result</c> entries join into one tool message, their results ordered as the calls of the
    /// preceding assistant message (parallel tools finish in any order; the model was given them in call order);</item>
    /// <item>events are not messages and do not break the joining above.</item>
    /// </list>
    /// </summary>
    public static IReadOnlyList<ChatMessage> Build(IEnumerable<SessionEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var messages = new List<ChatMessage>();
        var joinedResults = new List<int>();
        // Whether the last message may still receive joined parts (it is a copy made here, never the entry's own object).
        var lastIsOwnCopy = false;
        SessionEntryType? lastType = null;
        foreach (var entry in entries)
        {
            if (entry.Type == SessionEntryType.Event || entry.Message is null)
            {
                continue;
            }
            switch (entry.Type)
            {
                case SessionEntryType.ToolCall when lastType is SessionEntryType.Assistant or SessionEntryType.ToolCall:
                case SessionEntryType.ToolResult when lastType is SessionEntryType.ToolResult:
                    if (!lastIsOwnCopy)
                    {
                        messages[^1] = Copy(messages[^1]);
                        lastIsOwnCopy = true;
                        if (entry.Type == SessionEntryType.ToolResult)
                        {
                            joinedResults.Add(messages.Count - 1);
                        }
                    }
                    foreach (var content in entry.Message.Contents)
                    {
                        messages[^1].Contents.Add(content);
                    }
                    break;
                default:
                    messages.Add(entry.Message);
                    lastIsOwnCopy = false;
                    break;
            }
            lastType = entry.Type;
        }
        foreach (var index in joinedResults)
        {
            OrderToolResults(messages, index);
        }
        return messages;
    }

    /// <summary>
    /// The conversation after the last <c>compact_boundary</c> event: a user message with the boundary's summary, then the
    /// messages from the entry named by <see cref="SessionEntry.KeepFromUuid"/> (if any) up to the boundary, then every
    /// message after it. With no boundary, the same as <see cref="Build"/>.
    /// </summary>
    public static IReadOnlyList<ChatMessage> BuildEffective(IReadOnlyList<SessionEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var boundary = -1;
        for (var i = entries.Count - 1; i >= 0; i--)
        {
            if (entries[i].Type == SessionEntryType.Event && entries[i].Subtype == SessionEntry.CompactBoundarySubtype)
            {
                boundary = i;
                break;
            }
        }
        if (boundary < 0)
        {
            return Build(entries);
        }
        var marker = entries[boundary];
        var keepFrom = boundary;
        if (marker.KeepFromUuid is { } keep)
        {
            for (var i = boundary - 1; i >= 0; i--)
            {
                if (entries[i].Uuid == keep)
                {
                    keepFrom = i;
                    break;
                }
            }
        }
        var kept = new List<SessionEntry>(entries.Count - keepFrom);
        for (var i = keepFrom; i < entries.Count; i++)
        {
            if (i != boundary)
            {
                kept.Add(entries[i]);
            }
        }
        var result = new List<ChatMessage> { new(ChatRole.User, marker.Summary ?? string.Empty) };
        result.AddRange(Build(kept));
        return result;
    }

    private static ChatMessage Copy(ChatMessage message)
    {
        var copy = message.Clone();
        copy.Contents = [.. message.Contents];
        return copy;
    }

    // Orders the results of a tool message joined from several tool_result entries (a copy made here) as the calls of the
    // assistant message before it. Results whose call id is unknown stay after the known ones, in file order.
    private static void OrderToolResults(List<ChatMessage> messages, int i)
    {
        if (i == 0 || messages[i - 1].Role != ChatRole.Assistant)
        {
            return;
        }
        var order = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var call in messages[i - 1].Contents.OfType<FunctionCallContent>())
        {
            order.TryAdd(call.CallId, order.Count);
        }
        var sorted = messages[i].Contents
            .Select((content, index) => (content, index))
            .OrderBy(x => x.content is FunctionResultContent r && order.TryGetValue(r.CallId, out var k) ? k : int.MaxValue)
            .ThenBy(x => x.index)
            .Select(x => x.content)
            .ToList();
        messages[i].Contents = sorted;
    }
}
