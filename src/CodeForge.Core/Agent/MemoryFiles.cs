using System.Text;
using CodeForge.Core.Paths;

namespace CodeForge.Core.Agent;

/// <summary>One instruction file found for the system prompt.</summary>
/// <param name="Path">Where it was read from.</param>
/// <param name="Content">Its text with <c>@path</c> imports expanded.</param>
public sealed record MemoryFile(string Path, string Content);

/// <summary>
/// Finds the project's instruction files: <c>AGENTS.md</c> and <c>CLAUDE.md</c> in every directory from the repository
/// root down to the working directory (outermost first, so the nearest file is read last and wins on conflicts), plus the
/// user's <c>~/.forge/AGENTS.md</c> and <c>~/.claude/CLAUDE.md</c> first. A line <c>@relative/or/absolute/path</c> imports
/// that file in place (up to 5 levels, each file once). The total is capped; what does not fit is cut with a note.
/// </summary>
/// <remarks>Stateless and thread-safe; reads the file system on each call.</remarks>
public static class MemoryFiles
{
    /// <summary>The names read in each directory, in order.</summary>
    public static readonly string[] FileNames = ["AGENTS.md", "CLAUDE.md"];

    private const int MaxImportDepth = 5;

    /// <summary>Loads the files for <paramref name="workingDirectory"/>; <paramref name="maxChars"/> caps the total.</summary>
    public static IReadOnlyList<MemoryFile> Load(string workingDirectory, string? homeDirectory = null, int maxChars = 40_000) =>
        Load(workingDirectory, homeDirectory, maxChars, confineProjectTo: null);

    /// <summary>
    /// As <see cref="Load(string, string?, int)"/>; with <paramref name="confineProjectTo"/> (a folder that is not trusted),
    /// the project's files and their imports are read only when they really lie in that folder (symbolic links followed):
    /// an import of <c>~/.aws/credentials</c>, or a <c>CLAUDE.md</c> that links to it, is left out. The user's own files
    /// are not confined.
    /// </summary>
    public static IReadOnlyList<MemoryFile> Load(string workingDirectory, string? homeDirectory, int maxChars, string? confineProjectTo)
    {
        ArgumentNullException.ThrowIfNull(workingDirectory);
        var cwd = System.IO.Path.GetFullPath(workingDirectory);
        var candidates = new List<string>();
        if (homeDirectory is not null)
        {
            candidates.Add(System.IO.Path.Combine(homeDirectory, ForgeFiles.ForgeDirectory, "AGENTS.md"));
            candidates.Add(System.IO.Path.Combine(homeDirectory, ForgeFiles.ClaudeDirectory, "CLAUDE.md"));
        }
        foreach (var dir in DirectoriesFromRoot(cwd))
        {
            candidates.AddRange(FileNames.Select(n => System.IO.Path.Combine(dir, n)));
        }
        var userFiles = homeDirectory is null ? 0 : 2;
        var confine = confineProjectTo is null ? null : RealPath(System.IO.Path.GetFullPath(confineProjectTo));
        var result = new List<MemoryFile>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var budget = maxChars;
        foreach (var (file, index) in candidates.Select((f, i) => (f, i)).Where(c => File.Exists(c.f)))
        {
            var confineTo = index < userFiles ? null : confine;
            if (!seen.Add(System.IO.Path.GetFullPath(file)) || (confineTo is not null && !IsInside(file, confineTo)))
            {
                continue;
            }
            var content = Expand(file, seen, 0, confineTo);
            if (content.Length > budget)
            {
                content = content[..Math.Max(0, budget)] + $"\n[… truncated: the instruction files exceed {maxChars} characters]";
                result.Add(new MemoryFile(file, content));
                break;
            }
            budget -= content.Length;
            result.Add(new MemoryFile(file, content));
        }
        return result;
    }

    /// <summary>The repository root (the nearest ancestor with <c>.git</c>), or the directory itself.</summary>
    public static string FindRepositoryRoot(string directory)
    {
        for (var dir = new DirectoryInfo(directory); dir is not null; dir = dir.Parent)
        {
            if (Directory.Exists(System.IO.Path.Combine(dir.FullName, ".git")) || File.Exists(System.IO.Path.Combine(dir.FullName, ".git")))
            {
                return dir.FullName;
            }
        }
        return directory;
    }

    private static List<string> DirectoriesFromRoot(string cwd)
    {
        var root = FindRepositoryRoot(cwd);
        var chain = new List<string>();
        for (var dir = new DirectoryInfo(cwd); dir is not null; dir = dir.Parent)
        {
            chain.Add(dir.FullName);
            if (string.Equals(dir.FullName, root, StringComparison.Ordinal))
            {
                break;
            }
        }
        chain.Reverse();
        return chain;
    }

    /// <summary>The <c>@</c> imports <paramref name="file"/> makes directly (outside code fences, to files that exist),
    /// as written and resolved; nothing is read beyond the file itself.</summary>
    public static IReadOnlyList<(string Reference, string Resolved)> Imports(string file)
    {
        ArgumentNullException.ThrowIfNull(file);
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
        var result = new List<(string, string)>();
        var inFence = false;
        foreach (var line in text.Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.StartsWith("```", StringComparison.Ordinal))
            {
                inFence = !inFence;
            }
            if (!inFence && trimmed.Length > 1 && trimmed[0] == '@' && !trimmed.Contains(' ', StringComparison.Ordinal))
            {
                var target = ResolveImport(trimmed[1..], System.IO.Path.GetDirectoryName(file)!);
                if (File.Exists(target))
                {
                    result.Add((trimmed[1..], RealPath(target)));
                }
            }
        }
        return result;
    }

    /// <summary>Whether <paramref name="path"/>, with every symbolic link on the way followed, lies in <paramref name="realFolder"/>.</summary>
    private static bool IsInside(string path, string realFolder)
    {
        return PathText.IsUnderOrSame(RealPath(System.IO.Path.GetFullPath(path)), realFolder);
    }

    /// <summary><paramref name="path"/> (absolute) with the symbolic links of each of its parts followed (at most 40
    /// links, as the kernel; a loop leaves the path where it stopped).</summary>
    internal static string RealPath(string path, int links = 0)
    {
        var root = System.IO.Path.GetPathRoot(path) ?? "/";
        var current = root;
        var parts = path[root.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            var next = System.IO.Path.GetFullPath(System.IO.Path.Combine(current, parts[i]));
            string? link = null;
            try
            {
                link = new FileInfo(next).LinkTarget;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Unreadable: taken as it is.
            }
            if (link is null || links >= 40)
            {
                current = next;
                continue;
            }
            var target = System.IO.Path.GetFullPath(link, current);
            return RealPath(System.IO.Path.Combine([target, .. parts[(i + 1)..]]), links + 1);
        }
        return current;
    }

    private static string Expand(string file, HashSet<string> seen, int depth, string? confineTo = null)
    {
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return $"[could not read {file}: {ex.Message}]";
        }
        if (depth >= MaxImportDepth)
        {
            return text;
        }
        var output = new StringBuilder();
        var inFence = false;
        foreach (var line in text.Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.StartsWith("```", StringComparison.Ordinal))
            {
                inFence = !inFence;
            }
            if (!inFence && trimmed.Length > 1 && trimmed[0] == '@' && !trimmed.Contains(' ', StringComparison.Ordinal))
            {
                var target = ResolveImport(trimmed[1..], System.IO.Path.GetDirectoryName(file)!);
                if (File.Exists(target) && (confineTo is null || IsInside(target, confineTo)) && seen.Add(target))
                {
                    output.Append(Expand(target, seen, depth + 1, confineTo).TrimEnd()).Append('\n');
                    continue;
                }
            }
            output.Append(line).Append('\n');
        }
        return output.ToString().TrimEnd('\n');
    }

    private static string ResolveImport(string reference, string baseDirectory)
    {
        if (reference.StartsWith("~/", StringComparison.Ordinal))
        {
            reference = System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), reference[2..]);
        }
        return System.IO.Path.GetFullPath(System.IO.Path.IsPathRooted(reference) ? reference : System.IO.Path.Combine(baseDirectory, reference));
    }
}
