using CodeForge.Core.Paths;

namespace CodeForge.Core.Tools.BuiltIn;

/// <summary>Whether a tool reads or writes the path it resolves (writes have extra protections).</summary>
public enum FileAccessKind
{
    /// <summary>The path is only read (or listed).</summary>
    Read,

    /// <summary>The path is created, replaced or changed.</summary>
    Write,
}

/// <summary>
/// The path rules every file tool applies before touching the file system: the path must be absolute (as in Claude
/// Code); <c>..</c> and every symbolic link on the way are resolved; the result must lie inside the allowed directories
/// (the context's working directory and additional directories, themselves resolved); and writes may not go into
/// <c>.git</c> internals or the agent's own settings files (<c>.forge/settings*.json</c>, <c>.claude/settings*.json</c>).
/// </summary>
/// <remarks>Stateless and thread-safe. The checks read the file system (symbolic links) at the time of the call.</remarks>
public static class FilePathPolicy
{
    private const int MaxSymlinkHops = 40;

    private static readonly StringComparison PathComparison =
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    /// <summary>
    /// Resolves <paramref name="path"/> (the value of argument <paramref name="argumentName"/>) for <paramref name="kind"/>
    /// access. Returns true with the resolved absolute path, or false with an error message a model can act on.
    /// </summary>
    public static bool TryResolve(string? path, string argumentName, ToolContext context, FileAccessKind kind,
        out string resolved, out string error)
    {
        ArgumentNullException.ThrowIfNull(context);
        resolved = "";
        if (string.IsNullOrWhiteSpace(path))
        {
            error = $"'{argumentName}' is required: give an absolute path.";
            return false;
        }
        if (path.Contains('\0', StringComparison.Ordinal))
        {
            error = $"'{argumentName}' contains a NUL character, which no file name can contain.";
            return false;
        }
        if (!Path.IsPathFullyQualified(path))
        {
            error = $"'{argumentName}' must be an absolute path, got '{path}'. "
                + $"Relative paths are not accepted; the working directory is {context.WorkingDirectory}, "
                + $"so you may have meant '{Path.Join(context.WorkingDirectory, path)}'.";
            return false;
        }
        string real;
        try
        {
            real = RealPath(Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)));
        }
        catch (IOException ex)
        {
            error = $"Cannot resolve '{path}': {ex.Message}";
            return false;
        }
        var roots = AllowedRoots(context);
        var root = roots.FirstOrDefault(r => IsAtOrBelow(real, r));
        if (root is null)
        {
            var via = string.Equals(real, Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)), PathComparison) ? "" : $" (it resolves to {real})";
            error = $"'{path}'{via} is outside the allowed directories ({string.Join(", ", roots)}). "
                + "File tools only reach the working directory and the additional directories of this session.";
            return false;
        }
        if (kind == FileAccessKind.Write && ProtectedReason(real, root) is { } reason)
        {
            error = $"Refusing to write '{path}': {reason}. Reading it is allowed.";
            return false;
        }
        resolved = real;
        error = "";
        return true;
    }

    /// <summary>The allowed directories of <paramref name="context"/>, each resolved, without duplicates.</summary>
    public static IReadOnlyList<string> AllowedRoots(ToolContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var roots = new List<string>();
        foreach (var directory in context.AllowedDirectories)
        {
            string real;
            try
            {
                real = RealPath(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)));
            }
            catch (IOException)
            {
                continue;
            }
            if (!roots.Contains(real, StringComparer.FromComparison(PathComparison)))
            {
                roots.Add(real);
            }
        }
        return roots;
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="root"/> or below it (both absolute and resolved).</summary>
    public static bool IsAtOrBelow(string path, string root)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(root);
        if (path.Length == root.Length)
        {
            return string.Equals(path, root, PathComparison);
        }
        return path.Length > root.Length && path.StartsWith(root, PathComparison)
            && (Path.EndsInDirectorySeparator(root) || path[root.Length] == Path.DirectorySeparatorChar);
    }

    /// <summary>
    /// The canonical form of an absolute, normalised path: every symbolic link along it resolved (a missing tail is kept
    /// as written), like POSIX <c>realpath</c> for the existing part.
    /// </summary>
    /// <exception cref="IOException">A cycle of symbolic links (more than 40 hops).</exception>
    public static string RealPath(string fullPath)
    {
        ArgumentNullException.ThrowIfNull(fullPath);
        var hops = 0;
        var pending = fullPath;
        while (true)
        {
            var root = Path.GetPathRoot(pending) ?? "/";
            var parts = pending[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
            var current = root;
            string? restart = null;
            for (var i = 0; i < parts.Length; i++)
            {
                var next = Path.Join(current, parts[i]);
                string? target;
                try
                {
                    target = new FileInfo(next).LinkTarget;
                }
                catch (UnauthorizedAccessException)
                {
                    target = null;
                }
                if (target is not null)
                {
                    if (++hops > MaxSymlinkHops)
                    {
                        throw new IOException($"Too many levels of symbolic links at '{next}'.");
                    }
                    var resolvedTarget = Path.GetFullPath(target, current);
                    restart = Path.Join([resolvedTarget, .. parts[(i + 1)..]]);
                    break;
                }
                current = next;
            }
            if (restart is null)
            {
                return current;
            }
            pending = Path.TrimEndingDirectorySeparator(Path.GetFullPath(restart));
        }
    }

    private static string? ProtectedReason(string real, string root)
    {
        var relative = Path.GetRelativePath(root, real);
        var parts = relative.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Any(p => string.Equals(p, ".git", PathComparison)))
        {
            return "it is inside a .git directory, whose internals only git itself should change (use git through Bash)";
        }
        if (parts.Length >= 2)
        {
            var directory = parts[^2];
            var name = parts[^1];
            if ((string.Equals(directory, ForgeFiles.ForgeDirectory, PathComparison) || string.Equals(directory, ForgeFiles.ClaudeDirectory, PathComparison))
                && name.StartsWith("settings", PathComparison) && name.EndsWith(".json", PathComparison))
            {
                return $"it is an agent settings file ({directory}/{name}), which could change the agent's own permissions; ask the user to edit it";
            }
        }
        return null;
    }
}
