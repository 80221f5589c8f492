using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.AI;

namespace CodeForge.Core.Sessions;

/// <summary>
/// One line of a session transcript (<c>&lt;session-id&gt;.jsonl</c>). The shape follows Claude Code's transcript lines:
/// <c>type</c>, <c>uuid</c>, <c>parentUuid</c>, <c>sessionId</c>, <c>timestamp</c>, <c>message</c>; events add
/// <c>subtype</c> and their own fields.
/// </summary>
/// <remarks>
/// Immutable once built; safe to share between threads. <see cref="Message"/> is a <see cref="ChatMessage"/>, which is
/// mutable: treat the message of an entry you did not create as read-only.
/// </remarks>
/// <param name="Type">What the line records.</param>
/// <param name="Uuid">This entry's id, unique within the session.</param>
/// <param name="ParentUuid">The entry appended just before this one (null for the first).</param>
/// <param name="SessionId">The session the line belongs to.</param>
/// <param name="Timestamp">When the entry was appended (from the session's <see cref="TimeProvider"/>).</param>
public sealed record SessionEntry(
    SessionEntryType Type,
    string Uuid,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? ParentUuid,
    string SessionId,
    DateTimeOffset Timestamp)
{
    /// <summary>Well-known <see cref="Subtype"/> of the first line of every session.</summary>
    public const string SessionStartSubtype = "session_start";

    /// <summary>Well-known <see cref="Subtype"/> of a compaction boundary (<see cref="Summary"/>, <see cref="KeepFromUuid"/>).</summary>
    public const string CompactBoundarySubtype = "compact_boundary";

    /// <summary>The conversation message (all types but <see cref="SessionEntryType.Event"/>).</summary>
    [JsonConverter(typeof(ChatMessageJsonConverter))]
    public ChatMessage? Message { get; init; }

    /// <summary>Token usage reported with an assistant message, if any.</summary>
    [JsonConverter(typeof(UsageDetailsJsonConverter))]
    public UsageDetails? Usage { get; init; }

    /// <summary>For events: what happened (<see cref="SessionStartSubtype"/>, <see cref="CompactBoundarySubtype"/>, …).</summary>
    public string? Subtype { get; init; }

    /// <summary>For the session start event: the working directory the session belongs to.</summary>
    public string? Cwd { get; init; }

    /// <summary>For the session start event of a fork: the session it was forked from.</summary>
    public string? ForkedFrom { get; init; }

    /// <summary>For a compact boundary: the summary that replaces the conversation before it.</summary>
    public string? Summary { get; init; }

    /// <summary>
    /// For a compact boundary: the uuid of the first entry before the boundary that the effective conversation keeps
    /// (null keeps nothing from before the boundary but the summary).
    /// </summary>
    public string? KeepFromUuid { get; init; }

    /// <summary>Free-form event data.</summary>
    public JsonElement? Data { get; init; }

    /// <summary>True for the entry types that carry a conversation message.</summary>
    [JsonIgnore]
    public bool IsMessage => Type != SessionEntryType.Event;
}
