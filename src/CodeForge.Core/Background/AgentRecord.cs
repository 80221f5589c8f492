using System.Text.Json.Serialization;

namespace CodeForge.Core.Background;

/// <summary>The states a background agent's record can be in.</summary>
public static class AgentStatus
{
    /// <summary>Launched; the agent process has not registered yet.</summary>
    public const string Starting = "starting";

    /// <summary>The agent process is running its prompt.</summary>
    public const string Running = "running";

    /// <summary>The run completed (exit code 0).</summary>
    public const string Finished = "finished";

    /// <summary>The run ended with an error (exit code other than 0 and 130).</summary>
    public const string Failed = "failed";

    /// <summary>Stopped by <c>forge stop</c> (or interrupted).</summary>
    public const string Stopped = "stopped";

    /// <summary>Not stored: shown for a record still <see cref="Starting"/> or <see cref="Running"/> whose process is gone.</summary>
    public const string Died = "died";

    /// <summary>Whether the record says the agent has not ended yet.</summary>
    public static bool IsLive(string status) => status is Starting or Running;
}

/// <summary>
/// One background agent as <c>forge agents</c> lists it: an ordinary forge process running one prompt as a durable
/// session, detached from the terminal, its output in <see cref="LogPath"/>.
/// </summary>
/// <remarks>Immutable; changed by building a new record (<c>with</c>) under <see cref="AgentRegistry.Update"/>.</remarks>
public sealed record AgentRecord
{
    /// <summary>Short id (8 hex digits) used by <c>forge logs/attach/stop ID</c>.</summary>
    public required string Id { get; init; }

    /// <summary>The agent process, once it has registered.</summary>
    public int? Pid { get; init; }

    /// <summary>The process's start time in clock ticks since boot (Linux <c>/proc/PID/stat</c> field 22), so that a
    /// reused pid is not mistaken for the agent.</summary>
    public long? ProcessStart { get; init; }

    /// <summary>The session the agent writes (resume it with <c>forge -r</c>).</summary>
    public string? SessionId { get; init; }

    /// <summary>The folder the agent runs in (its worktree when it has one).</summary>
    public required string WorkingDirectory { get; init; }

    /// <summary>The git worktree created for the agent (<c>--worktree</c>), if any.</summary>
    public string? Worktree { get; init; }

    /// <summary>The worktree's branch, if any.</summary>
    public string? Branch { get; init; }

    /// <summary>The commit the worktree was created from (its diff stat is counted from there).</summary>
    public string? BaseCommit { get; init; }

    /// <summary>The prompt (as given).</summary>
    public string Prompt { get; init; } = "";

    /// <summary>One of <see cref="AgentStatus"/>'s stored states.</summary>
    public string Status { get; init; } = AgentStatus.Starting;

    /// <summary>The agent process's exit code, once it ended.</summary>
    public int? ExitCode { get; init; }

    /// <summary>Total cost of the run in US dollars, once known.</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public decimal? CostUsd { get; init; }

    /// <summary>When it was launched.</summary>
    public DateTimeOffset Started { get; init; }

    /// <summary>When it ended, if it did.</summary>
    public DateTimeOffset? Ended { get; init; }

    /// <summary>The last time the record was written (the log's modification time may be later).</summary>
    public DateTimeOffset LastActivity { get; init; }

    /// <summary>The agent's stdout and stderr.</summary>
    public string LogPath { get; init; } = "";
}

/// <summary>Source-generated (AOT-safe) JSON metadata for agent records.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    WriteIndented = true)]
[JsonSerializable(typeof(AgentRecord))]
[JsonSerializable(typeof(AgentRecord[]))]
public sealed partial class AgentJsonContext : JsonSerializerContext;
