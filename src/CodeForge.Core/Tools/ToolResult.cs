using System.Collections.Immutable;

namespace CodeForge.Core.Tools;

/// <summary>
/// The outcome of one tool call: <see cref="Ok"/> with the output the model reads, or <see cref="Fail"/> with an error
/// message the model can act on. <see cref="Duration"/> is set by <see cref="ToolExecutor"/>.
/// </summary>
/// <remarks>
/// Immutable (a record; <see cref="Duration"/> and <see cref="Metadata"/> change only through <c>with</c>, which makes a
/// copy) and safe to share between threads. Invariant: a success has no <see cref="Error"/>; a failure has a non-empty
/// <see cref="Error"/> and an empty <see cref="Output"/>. Metadata values should be JSON-friendly (strings, bools, numbers,
/// <see cref="System.Text.Json.JsonElement"/>) so that sessions can persist them.
/// </remarks>
public sealed record ToolResult
{
    private static readonly IReadOnlyDictionary<string, object?> NoMetadata = ImmutableDictionary<string, object?>.Empty;

    private ToolResult(bool success, string output, string? error, IReadOnlyDictionary<string, object?>? metadata)
    {
        Success = success;
        Output = output;
        Error = error;
        Metadata = metadata ?? NoMetadata;
    }

    /// <summary>Whether the tool did what was asked.</summary>
    public bool Success { get; }

    /// <summary>The output for the model; empty on failure.</summary>
    public string Output { get; }

    /// <summary>Why the call failed; <see langword="null"/> on success.</summary>
    public string? Error { get; }

    /// <summary>How long the call took, measured by the executor (zero until then).</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>Extra facts about the call (e.g. <c>lines_read</c>, <c>bash_id</c>); never null.</summary>
    public IReadOnlyDictionary<string, object?> Metadata { get; init; }

    /// <summary>A successful result.</summary>
    public static ToolResult Ok(string output, IReadOnlyDictionary<string, object?>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        return new ToolResult(true, output, null, metadata);
    }

    /// <summary>A failed result; <paramref name="error"/> says what went wrong and, ideally, what to do instead.</summary>
    public static ToolResult Fail(string error, IReadOnlyDictionary<string, object?>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(error);
        return new ToolResult(false, "", error, metadata);
    }

    /// <summary>What the model sees: the output, or <c>"Error: {Error}"</c>.</summary>
    public string ToDisplay() => Success ? Output : $"Error: {Error}";
}
