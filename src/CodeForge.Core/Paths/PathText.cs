namespace CodeForge.Core.Paths;

/// <summary>
/// The path helpers every part uses: the normal absolute form, <c>~</c> expansion and "is this path in that folder".
/// Lexical only (no symbolic links followed). Paths compare ordinally on Linux, ignoring case elsewhere.
/// </summary>
/// <remarks>Stateless and thread-safe; only <see cref="Normalize"/> reads the process's current directory (for a
/// relative path).</remarks>
public static class PathText
{
    /// <summary>How two paths compare on this system.</summary>
    public static StringComparison Comparison => OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;

    /// <summary>The absolute form of <paramref name="path"/> with <c>.</c>/<c>..</c> resolved and no trailing separator
    /// (the root stays <c>/</c>).</summary>
    public static string Normalize(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = Path.GetFullPath(path);
        return full.Length > 1 ? Path.TrimEndingDirectorySeparator(full) : full;
    }

    /// <summary><paramref name="path"/> with a leading <c>~</c> or <c>~/</c> replaced by <paramref name="home"/>; any
    /// other path (including <c>~user</c>) unchanged.</summary>
    public static string ExpandHome(string path, string home)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(home);
        return path == "~" || path.StartsWith("~/", StringComparison.Ordinal) ? Path.Join(home, path[1..]) : path;
    }

    /// <summary>Whether <paramref name="path"/> is <paramref name="directory"/> or below it (both absolute and
    /// normalized): <c>/a/bc</c> is not under <c>/a/b</c>.</summary>
    public static bool IsUnderOrSame(string path, string directory)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(directory);
        if (!path.StartsWith(directory, Comparison))
        {
            return false;
        }
        return path.Length == directory.Length || directory.EndsWith('/') || path[directory.Length] == '/';
    }

    /// <summary>Whether <paramref name="path"/> is strictly below <paramref name="directory"/> (both absolute and
    /// normalized).</summary>
    public static bool IsUnder(string path, string directory) =>
        IsUnderOrSame(path, directory) && path.Length != directory.Length;
}
