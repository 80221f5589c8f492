using System.Text.Json;

namespace CodeForge.Core.Permissions;

/// <summary>
/// What one tool call touches, as the permission rules need it, declared by the tool itself
/// (<see cref="IPermissionFactsDescriber"/>): the path a file tool works on, the command a shell tool runs, the URL a
/// fetch tool opens, and whether the call only reads. The rules read these facts, never the tool's argument names.
/// </summary>
/// <remarks>Immutable; safe to share.</remarks>
public sealed record PermissionFacts
{
    /// <summary>A call that declares nothing (the rules match it by tool name and parameters only).</summary>
    public static PermissionFacts None { get; } = new();

    /// <summary>The file or directory the call works on, as given (absolute, relative to the working directory, or <c>~</c>), or null.</summary>
    public string? Path { get; init; }

    /// <summary>The shell command the call runs, or null.</summary>
    public string? Command { get; init; }

    /// <summary>The URL the call opens, or null.</summary>
    public string? Url { get; init; }

    /// <summary>True when the call only reads (it changes no file, runs no command).</summary>
    public bool ReadOnly { get; init; }

    /// <summary>A string argument of <paramref name="arguments"/>, or null when absent or not a string (for describers).</summary>
    public static string? Argument(JsonElement arguments, string name) =>
        arguments.ValueKind == JsonValueKind.Object && arguments.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}

/// <summary>Implemented by tools that declare their permission facts (paths, command, URL, read-only) for the rules and the gate.</summary>
/// <remarks>Called concurrently for parallel calls and on arguments not yet validated: implementations are pure and never throw.</remarks>
public interface IPermissionFactsDescriber
{
    /// <summary>The facts of a call with <paramref name="arguments"/> (a JSON object as the model sent it).</summary>
    PermissionFacts DescribePermissions(JsonElement arguments);
}
