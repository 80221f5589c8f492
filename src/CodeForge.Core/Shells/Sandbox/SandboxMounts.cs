using System.Collections.Immutable;

namespace CodeForge.Core.Shells.Sandbox;

/// <summary>
/// The deny rules of one command, as paths that exist when it starts: what the sandbox hides and what it shows read-only.
/// </summary>
/// <param name="Unreadable">
/// Absolute real paths hidden (read deny rules, and the binaries of denied programs): a file becomes an empty mode-000
/// file nothing inside can read, execute, copy, change or remove; a directory becomes an empty read-only directory.
/// </param>
/// <param name="ReadOnly">Absolute real paths shown read-only (edit and write deny rules, and the protected settings and git hooks).</param>
/// <remarks>Immutable; safe to share.</remarks>
public sealed record SandboxMounts(ImmutableArray<string> Unreadable, ImmutableArray<string> ReadOnly)
{
    /// <summary>Nothing hidden, nothing read-only.</summary>
    public static SandboxMounts None { get; } = new([], []);
}

/// <summary>
/// Where the sandbox gets the deny rules that apply to a command: asked once per command, just before it starts, so a rule
/// added during the session holds from the next command on.
/// </summary>
/// <remarks>Implementations must be safe to call from any number of threads at once.</remarks>
public interface ISandboxDenySource
{
    /// <summary>
    /// The paths to hide and to show read-only for a command that sees <paramref name="searchPath"/> as its <c>PATH</c> (null:
    /// this process's).
    /// </summary>
    /// <exception cref="InvalidOperationException">The rules cannot be turned into mounts (the message says which and why).</exception>
    SandboxMounts Resolve(string? searchPath);

    /// <summary>One line for the start-up report: which deny rules the sandbox enforces and which only the parser checks.</summary>
    string Describe();
}
