using System.Collections.Immutable;
using System.Text.Json;

namespace CodeForge.Core.Tools;

/// <summary>
/// What one tool call touches, so parallel calls of one model response can be scheduled safely: calls that only read
/// overlap freely; a call that writes a path waits for earlier calls touching that path; an exclusive call (a shell
/// command, which may touch anything) waits for every earlier call and every later call waits for it.
/// </summary>
/// <param name="Reads">Absolute paths read.</param>
/// <param name="Writes">Absolute paths written.</param>
/// <param name="Exclusive">True when the call may touch anything.</param>
public sealed record ToolAccess(ImmutableArray<string> Reads, ImmutableArray<string> Writes, bool Exclusive)
{
    /// <summary>Touches nothing shared (or only reads what no call of the batch writes).</summary>
    public static ToolAccess None { get; } = new([], [], false);

    /// <summary>May touch anything: runs alone, in call order.</summary>
    public static ToolAccess Everything { get; } = new([], [], true);

    public static ToolAccess Reading(string path) => new([Path.GetFullPath(path)], [], false);

    public static ToolAccess Writing(string path) => new([], [Path.GetFullPath(path)], false);

    /// <summary>Reads the directory tree (or file) at <paramref name="path"/>: every path at or below it.</summary>
    public static ToolAccess ReadingTree(string path) => new([], [], false) { ReadsTrees = [Path.GetFullPath(path)] };

    /// <summary>Absolute directories (or files) read together with everything below them.</summary>
    public ImmutableArray<string> ReadsTrees { get; init; } = [];

    /// <summary>True when the two calls must not overlap.</summary>
    public bool ConflictsWith(ToolAccess other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (Exclusive || other.Exclusive)
        {
            return true;
        }
        return Writes.Any(w => other.Writes.Contains(w, StringComparer.Ordinal) || other.Reads.Contains(w, StringComparer.Ordinal)
                || other.ReadsTrees.Any(t => IsAtOrBelow(w, t)))
            || other.Writes.Any(w => Reads.Contains(w, StringComparer.Ordinal) || ReadsTrees.Any(t => IsAtOrBelow(w, t)));
    }

    private static bool IsAtOrBelow(string path, string tree) =>
        path.Length == tree.Length ? string.Equals(path, tree, StringComparison.Ordinal)
        : path.Length > tree.Length && path.StartsWith(tree, StringComparison.Ordinal)
            && (tree.EndsWith(Path.DirectorySeparatorChar) || path[tree.Length] == Path.DirectorySeparatorChar);
}

/// <summary>Implemented by tools that can say what a call touches; a tool that does not is treated as exclusive.</summary>
public interface IToolAccessDescriber
{
    /// <summary>What the call with <paramref name="arguments"/> touches (arguments may be invalid: then say exclusive or none).</summary>
    ToolAccess DescribeAccess(JsonElement arguments, ToolContext context);
}
