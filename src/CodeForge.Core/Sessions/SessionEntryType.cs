using System.Text.Json.Serialization;

namespace CodeForge.Core.Sessions;

/// <summary>What one transcript line records. Serialized as the snake_case names shown.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SessionEntryType>))]
public enum SessionEntryType
{
    /// <summary><c>user</c>: a user message.</summary>
    [JsonStringEnumMemberName("user")]
    User,

    /// <summary><c>assistant</c>: a whole assistant message (text, tool calls, usage) as the model returned it.</summary>
    [JsonStringEnumMemberName("assistant")]
    Assistant,

    /// <summary><c>system</c>: a system message that is part of the conversation.</summary>
    [JsonStringEnumMemberName("system")]
    System,

    /// <summary><c>tool_call</c>: one tool call, joined on read to the assistant message before it.</summary>
    [JsonStringEnumMemberName("tool_call")]
    ToolCall,

    /// <summary><c>tool_result</c>: one or more tool results; consecutive results join into one tool message on read.</summary>
    [JsonStringEnumMemberName("tool_result")]
    ToolResult,

    /// <summary><c>event</c>: not part of the conversation (session start, compact boundary, …); see <see cref="SessionEntry.Subtype"/>.</summary>
    [JsonStringEnumMemberName("event")]
    Event,
}
