namespace CodeForge.Core.Tools.BuiltIn;

/// <summary>Which search implementation the Grep tool uses.</summary>
public enum GrepEngineKind
{
    /// <summary>ripgrep (<c>rg</c>) when it is installed, otherwise the managed search.</summary>
    Auto,

    /// <summary>Always ripgrep; fails with a clear message when <c>rg</c> cannot be found.</summary>
    Ripgrep,

    /// <summary>Always the managed, parallel search (same output as ripgrep's path).</summary>
    Managed,
}

/// <summary>Settings of the built-in file tools.</summary>
/// <remarks>Immutable (a record); safe to share.</remarks>
public sealed record FileToolOptions
{
    /// <summary>The defaults.</summary>
    public static FileToolOptions Default { get; } = new();

    /// <summary>Whether Glob skips files that <c>.gitignore</c>/<c>.ignore</c> files exclude (true by default).</summary>
    public bool GlobRespectsIgnoreFiles { get; init; } = true;

    /// <summary>Whether Grep skips files that <c>.gitignore</c>/<c>.ignore</c> files exclude (true by default, as ripgrep).</summary>
    public bool GrepRespectsIgnoreFiles { get; init; } = true;

    /// <summary>How many paths Glob returns at most (100, as Claude Code).</summary>
    public int GlobMaxResults
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value, nameof(GlobMaxResults));
            field = value;
        }
    } = 100;

    /// <summary>Which Grep implementation to use.</summary>
    public GrepEngineKind GrepEngine { get; init; } = GrepEngineKind.Auto;

    /// <summary>The ripgrep executable; null means <c>rg</c> found on <c>PATH</c>.</summary>
    public string? RipgrepPath { get; init; }
}
