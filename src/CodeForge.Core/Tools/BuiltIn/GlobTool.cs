using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using MAB.DotIgnore;
using CodeForge.Core.Permissions;

namespace CodeForge.Core.Tools.BuiltIn;

/// <summary>
/// <c>Glob</c>: finds files by name pattern (<c>**/*.cs</c>, <c>src/**/*.{ts,tsx}</c>, <c>*.json</c>), newest first,
/// at most <see cref="FileToolOptions.GlobMaxResults"/> (with a note when there are more). Patterns are relative to
/// <c>path</c> (the working directory by default); <c>*</c> and <c>?</c> stay within one path segment, <c>**</c> spans
/// directories, <c>[abc]</c> and <c>{a,b}</c> work. <c>.gitignore</c>/<c>.ignore</c> files are honoured by default
/// (<see cref="FileToolOptions.GlobRespectsIgnoreFiles"/>); <c>.git</c> is never listed; the walk never leaves the
/// allowed directories (linked directories are not followed; a linked file is listed only if its target is allowed).
/// </summary>
/// <remarks>Concurrency: stateless; calls run independently and only read the file system.</remarks>
public sealed class GlobTool : ITool, IToolAccessDescriber, IPermissionFactsDescriber
{
    private readonly FileToolOptions _options;

    public GlobTool(FileToolOptions? options = null) => _options = options ?? FileToolOptions.Default;

    public string Name => "Glob";

    public string Description =>
        "Fast file pattern matching for any codebase size. Supports glob patterns like \"**/*.js\" or \"src/**/*.{ts,tsx}\". "
        + "Returns matching absolute file paths sorted by modification time (newest first), at most "
        + $"{_options.GlobMaxResults}. Files excluded by .gitignore are skipped. Use it to find files by name; use Grep to "
        + "search file contents. Run several Globs in parallel when you are looking for different things; for an open-ended "
        + "search that will take many rounds, hand it to the Task tool if you have it.";

    public ToolCategory Category => ToolCategory.File;

    public ToolSchema Schema { get; } = ToolSchema.For(ToolArgsJsonContext.Default.GlobArgs);

    /// <summary>The permission facts of a call: the directory it searches (the working directory by default).</summary>
    public static PermissionFacts Facts(JsonElement arguments) => new() { Path = PermissionFacts.Argument(arguments, "path") ?? ".", ReadOnly = true };

    /// <inheritdoc />
    public PermissionFacts DescribePermissions(JsonElement arguments) => Facts(arguments);

    public ToolAccess DescribeAccess(JsonElement arguments, ToolContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var path = PermissionFacts.Argument(arguments, "path") ?? context.WorkingDirectory;
        return FilePathPolicy.TryResolve(path, "path", context, FileAccessKind.Read, out var resolved, out _)
            ? ToolAccess.ReadingTree(resolved)
            : ToolAccess.None;
    }

    public async Task<ToolResult> ExecuteAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!Schema.TryRead(arguments, ToolArgsJsonContext.Default.GlobArgs, out var args, out var invalid))
        {
            return ToolResult.Fail(invalid);
        }
        var pattern = args.Pattern;
        var givenPath = args.Path;
        if (string.IsNullOrWhiteSpace(givenPath) || givenPath is "undefined" or "null")
        {
            givenPath = context.WorkingDirectory;
        }
        if (pattern.Length == 0)
        {
            return ToolResult.Fail("'pattern' is empty: give a glob such as \"**/*.cs\".");
        }
        if (pattern.Replace('\\', '/').Split('/').Contains(".."))
        {
            return ToolResult.Fail($"The pattern '{pattern}' contains '..': patterns may not leave the search directory. Pass the directory as path instead.");
        }
        if (Path.IsPathFullyQualified(pattern))
        {
            (givenPath, pattern) = SplitAbsolutePattern(pattern);
            if (pattern.Length == 0)
            {
                return LiteralPath(givenPath, context);
            }
        }
        if (!FilePathPolicy.TryResolve(givenPath, "path", context, FileAccessKind.Read, out var root, out var error))
        {
            return ToolResult.Fail(error);
        }
        if (!Directory.Exists(root))
        {
            return ToolResult.Fail(File.Exists(root)
                ? $"path must be a directory, but {givenPath} is a file. Pass its directory, or Read the file."
                : $"Directory does not exist: {givenPath}.");
        }
        var patterns = GlobRules.ExpandBraces(pattern.StartsWith("./", StringComparison.Ordinal) ? pattern[2..] : pattern).ToList();
        var matcher = GlobRules.FromOverrideGlobs(patterns.Select(p => "/" + p.TrimStart('/')));
        var descend = patterns.Select(p => new DescentRule(p)).ToList();
        var roots = FilePathPolicy.AllowedRoots(context);
        var walk = new WalkOptions
        {
            RespectIgnoreFiles = _options.GlobRespectsIgnoreFiles,
            IncludeSymbolicLinks = true,
            ShouldDescend = relative => descend.Exists(d => d.MayContainMatches(relative)),
        };

        var found = await Task.Run(() =>
        {
            var results = new List<(string Path, DateTime Modified)>();
            foreach (var entry in FileWalker.Enumerate(root, walk, cancellationToken))
            {
                if (matcher.Match(entry.RelativePath, Path.GetFileName(entry.FullPath), isDirectory: false) != RuleMatch.Whitelist)
                {
                    continue;
                }
                if (entry.IsSymbolicLink)
                {
                    if (!LinkTargetAllowed(entry.FullPath, roots, out var modified))
                    {
                        continue;
                    }
                    results.Add((entry.FullPath, modified));
                }
                else
                {
                    results.Add((entry.FullPath, File.GetLastWriteTimeUtc(entry.FullPath)));
                }
            }
            return results;
        }, cancellationToken).ConfigureAwait(false);

        if (found.Count == 0)
        {
            return ToolResult.Ok("No files found", Metadata(0, false));
        }
        var ordered = found
            .OrderByDescending(f => f.Modified)
            .ThenBy(f => f.Path, StringComparer.Ordinal)
            .Take(_options.GlobMaxResults)
            .Select(f => f.Path)
            .ToList();
        var output = new StringBuilder(string.Join('\n', ordered));
        var truncated = found.Count > ordered.Count;
        if (truncated)
        {
            output.Append($"\n(Results are truncated: showing the {ordered.Count} most recently modified of {found.Count} files. "
                + "Use a more specific path or pattern.)");
        }
        return ToolResult.Ok(output.ToString(), Metadata(found.Count, truncated));
    }

    private static ImmutableDictionary<string, object?> Metadata(int count, bool truncated) =>
        ImmutableDictionary<string, object?>.Empty.Add("count", count).Add("truncated", truncated);

    private static (string Directory, string Pattern) SplitAbsolutePattern(string pattern)
    {
        var root = Path.GetPathRoot(pattern) ?? "/";
        var segments = pattern[root.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries);
        var literal = 0;
        while (literal < segments.Length && segments[literal].IndexOfAny(['*', '?', '[', '{']) < 0)
        {
            literal++;
        }
        if (literal == segments.Length)
        {
            return (pattern, "");
        }
        return (Path.Join([root, .. segments[..literal]]), string.Join('/', segments[literal..]));
    }

    private static ToolResult LiteralPath(string path, ToolContext context)
    {
        if (!FilePathPolicy.TryResolve(path, "pattern", context, FileAccessKind.Read, out var resolved, out var error))
        {
            return ToolResult.Fail(error);
        }
        return File.Exists(resolved)
            ? ToolResult.Ok(resolved, Metadata(1, false))
            : ToolResult.Ok("No files found", Metadata(0, false));
    }

    private static bool LinkTargetAllowed(string link, IReadOnlyList<string> roots, out DateTime modified)
    {
        modified = default;
        try
        {
            var target = FilePathPolicy.RealPath(link);
            if (!File.Exists(target) || !roots.Any(r => FilePathPolicy.IsAtOrBelow(target, r)))
            {
                return false;
            }
            modified = File.GetLastWriteTimeUtc(target);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Prunes the walk: whether a directory can contain a match of one (brace-expanded) pattern.</summary>
    private sealed class DescentRule
    {
        private readonly IgnoreRule?[] _segments;
        private readonly int _globstar;

        public DescentRule(string pattern)
        {
            var segments = pattern.TrimStart('/').Split('/');
            _globstar = Array.FindIndex(segments, s => s.Contains("**", StringComparison.Ordinal));
            _segments = new IgnoreRule?[segments.Length];
            for (var i = 0; i < segments.Length; i++)
            {
                if ((_globstar < 0 || i < _globstar) && segments[i].Length > 0)
                {
                    _segments[i] = new IgnoreRule(segments[i], MatchFlags.PATHNAME);
                }
            }
        }

        public bool MayContainMatches(string relativeDirectory)
        {
            var parts = relativeDirectory.Split('/');
            for (var i = 0; i < parts.Length; i++)
            {
                if (_globstar >= 0 && i >= _globstar)
                {
                    return true;
                }
                if (i >= _segments.Length - 1 || _segments[i] is not { } rule || !rule.IsMatch(parts[i], true))
                {
                    return false;
                }
            }
            return true;
        }
    }
}
