using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CodeForge.Core.Permissions;

namespace CodeForge.Core.Tools.BuiltIn;

/// <summary>
/// <c>Grep</c>: searches file contents with a regular expression, with ripgrep's semantics and Claude Code's parameters
/// (<c>pattern</c>, <c>path</c>, <c>glob</c>, <c>type</c>, <c>output_mode</c> content / files_with_matches / count,
/// <c>-i</c>, <c>-n</c>, <c>-A</c>/<c>-B</c>/<c>-C</c>, <c>multiline</c>, <c>head_limit</c>, <c>offset</c>). Honours
/// <c>.gitignore</c>, skips binary files and <c>.git</c>, includes hidden files. Runs ripgrep when installed
/// (<see cref="FileToolOptions.GrepEngine"/>), otherwise a managed parallel search with the same output.
/// </summary>
/// <remarks>
/// <para>Output: files_with_matches lists absolute paths, most recently modified first; content lists
/// <c>path:line:text</c> for matching lines and <c>path-line-text</c> for context lines (ripgrep's format; <c>--</c>
/// between separate groups when context is asked for), files in path order; count lists <c>path:n</c> (n = matching
/// lines). <c>head_limit</c> (default <see cref="DefaultHeadLimit"/>, 0 = no limit) and <c>offset</c> page through the
/// lines or entries.</para>
/// <para>Concurrency: stateless; calls run independently and only read the file system.</para>
/// </remarks>
public sealed class GrepTool : ITool, IToolAccessDescriber, IPermissionFactsDescriber
{
    /// <summary>Lines or entries returned when head_limit is not given.</summary>
    public const int DefaultHeadLimit = 250;

    /// <summary>Longer lines are cut in the output.</summary>
    public const int MaxLineLength = 2000;


    private readonly FileToolOptions _options;

    public GrepTool(FileToolOptions? options = null) => _options = options ?? FileToolOptions.Default;

    public string Name => "Grep";

    public string Description =>
        "A powerful search tool built on ripgrep. Searches file contents with a regular expression (ripgrep syntax, e.g. "
        + "\"log.*Error\", \"function\\s+\\w+\"). Filter files with glob (e.g. \"*.js\", \"**/*.{ts,tsx}\") or type (e.g. \"py\", "
        + "\"rust\"). output_mode: \"files_with_matches\" (default) lists files, \"content\" shows matching lines (with -A/-B/-C "
        + "context and -n line numbers), \"count\" shows match counts. Use multiline: true for patterns that span lines. "
        + $"Results are limited to head_limit lines/entries (default {DefaultHeadLimit}; 0 for all), skip some with offset. "
        + ".gitignore'd and binary files are skipped. Always use this tool for content search, never grep or rg through Bash. "
        + "Patterns are regular expressions: escape literal braces, dots and parentheses (\"interface\\{\\}\", \"Foo\\(\").";

    public ToolCategory Category => ToolCategory.File;

    public ToolSchema Schema { get; } = ToolSchema.For(ToolArgsJsonContext.Default.GrepArgs);

    /// <summary>The permission facts of a call: the file or directory it searches (the working directory by default).</summary>
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

    /// <summary>The engine this tool uses now (ripgrep or managed), or null with a reason when ripgrep is required but missing.</summary>
    internal IGrepEngine? Engine(out string? problem)
    {
        problem = null;
        switch (_options.GrepEngine)
        {
            case GrepEngineKind.Managed:
                return new ManagedGrepEngine();
            case GrepEngineKind.Ripgrep:
                var required = _options.RipgrepPath ?? RipgrepEngine.Find();
                if (required is null || !File.Exists(required))
                {
                    problem = "ripgrep (rg) was required for Grep but is not installed (apt-get install ripgrep), or set GrepEngine to Auto.";
                    return null;
                }
                return new RipgrepEngine(required);
            default:
                var found = _options.RipgrepPath is { } configured && File.Exists(configured) ? configured : RipgrepEngine.Find();
                return found is null ? new ManagedGrepEngine() : new RipgrepEngine(found);
        }
    }

    public async Task<ToolResult> ExecuteAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!Schema.TryRead(arguments, ToolArgsJsonContext.Default.GrepArgs, out var args, out var invalid))
        {
            return ToolResult.Fail(invalid);
        }
        var pattern = args.Pattern;
        var givenPath = args.Path;
        var glob = args.Glob;
        var type = args.Type;
        var mode = args.OutputMode ?? "files_with_matches";
        var ignoreCase = args.IgnoreCase ?? false;
        var lineNumbers = args.LineNumbers ?? true;
        var multiline = args.Multiline ?? false;
        var (after, before, around, headLimit, offset) = (args.After, args.Before, args.Context, args.HeadLimit, args.Offset);
        if (pattern.Length == 0)
        {
            return ToolResult.Fail("'pattern' is empty: give a regular expression to search for.");
        }
        if (!multiline && ContainsNewline(pattern))
        {
            return ToolResult.Fail("The pattern contains a newline (\\n), which cannot match within a single line. Set multiline: true to match across lines.");
        }
        IReadOnlyList<string>? typeGlobs = null;
        if (!string.IsNullOrWhiteSpace(type))
        {
            if (!GrepFileTypes.All.TryGetValue(type.Trim(), out var globs))
            {
                return ToolResult.Fail($"Unknown file type '{type}'. Known types: {string.Join(", ", GrepFileTypes.All.Keys.Order(StringComparer.Ordinal))}. Or use glob (e.g. \"*.ext\").");
            }
            typeGlobs = globs;
        }
        if (string.IsNullOrWhiteSpace(givenPath) || givenPath is "undefined" or "null")
        {
            givenPath = context.WorkingDirectory;
        }
        if (!FilePathPolicy.TryResolve(givenPath, "path", context, FileAccessKind.Read, out var root, out var error))
        {
            return ToolResult.Fail(error);
        }
        var rootIsFile = File.Exists(root);
        if (!rootIsFile && !Directory.Exists(root))
        {
            return ToolResult.Fail($"Path does not exist: {givenPath}.");
        }
        var engine = Engine(out var problem);
        if (engine is null)
        {
            return ToolResult.Fail(problem!);
        }

        var content = mode == "content";
        var query = new GrepQuery(
            root, rootIsFile, pattern, ignoreCase, multiline,
            Before: content ? (int)Math.Min(before ?? around ?? 0, 10_000) : 0,
            After: content ? (int)Math.Min(after ?? around ?? 0, 10_000) : 0,
            Globs: string.IsNullOrWhiteSpace(glob) ? [] : [glob.Trim()],
            TypeGlobs: typeGlobs,
            RespectIgnoreFiles: _options.GrepRespectsIgnoreFiles,
            WantLines: content,
            FirstMatchOnly: mode == "files_with_matches");
        var outcome = await engine.SearchAsync(query, cancellationToken).ConfigureAwait(false);
        var engineName = engine.Name;
        if (outcome.PatternError && engine is RipgrepEngine)
        {
            // ripgrep's regex dialect lacks some .NET features (look-around, backreferences): try the managed search.
            var managed = await new ManagedGrepEngine().SearchAsync(query, cancellationToken).ConfigureAwait(false);
            if (managed.Error is null)
            {
                outcome = managed;
                engineName = "managed";
            }
        }
        if (outcome.Error is not null)
        {
            return ToolResult.Fail(outcome.Error);
        }
        var text = Format(outcome.Files, mode, lineNumbers, query.Before + query.After > 0,
            (int)Math.Min(headLimit ?? DefaultHeadLimit, int.MaxValue), (int)Math.Min(offset ?? 0, int.MaxValue), context.MaxOutputSize,
            out var shown);
        var metadata = ImmutableDictionary<string, object?>.Empty
            .Add("engine", engineName)
            .Add("files", outcome.Files.Count)
            .Add("shown", shown);
        if (mode != "files_with_matches")
        {
            // In files_with_matches mode the managed search stops at a file's first match, so it has no line count.
            metadata = metadata.Add("matching_lines", outcome.Files.Sum(f => f.MatchingLines));
        }
        return ToolResult.Ok(text, metadata);
    }

    /// <summary>Formats results exactly the same way whichever engine produced them.</summary>
    internal static string Format(IReadOnlyList<GrepFileResult> files, string mode, bool lineNumbers, bool withContext,
        int headLimit, int offset, int maxOutput, out int shown)
    {
        shown = 0;
        if (files.Count == 0)
        {
            return mode == "files_with_matches" ? "No files found" : "No matches found";
        }
        var entries = new List<string>();
        string header;
        string footer = "";
        switch (mode)
        {
            case "files_with_matches":
                entries.AddRange(files
                    .Select(f => (f.Path, Modified: LastWrite(f.Path)))
                    .OrderByDescending(f => f.Modified)
                    .ThenBy(f => f.Path, StringComparer.Ordinal)
                    .Select(f => f.Path));
                header = $"Found {files.Count} file{(files.Count == 1 ? "" : "s")}\n";
                break;
            case "count":
                foreach (var file in files.OrderBy(f => f.Path, StringComparer.Ordinal))
                {
                    entries.Add(string.Create(CultureInfo.InvariantCulture, $"{file.Path}:{file.MatchingLines}"));
                }
                header = "";
                var total = files.Sum(f => f.MatchingLines);
                footer = string.Create(CultureInfo.InvariantCulture,
                    $"\n\nFound {total} matching line{(total == 1 ? "" : "s")} across {files.Count} file{(files.Count == 1 ? "" : "s")}.");
                break;
            default:
                var first = true;
                foreach (var file in files.OrderBy(f => f.Path, StringComparer.Ordinal))
                {
                    long previous = -1;
                    foreach (var line in file.Lines)
                    {
                        if (withContext && (previous >= 0 ? line.Number != previous + 1 : !first))
                        {
                            entries.Add("--");
                        }
                        first = false;
                        previous = line.Number;
                        var separator = line.IsMatch ? ':' : '-';
                        var body = line.Text.Length > MaxLineLength
                            ? line.Text[..MaxLineLength] + $"… [line truncated: {line.Text.Length} characters]"
                            : line.Text;
                        entries.Add(lineNumbers
                            ? string.Create(CultureInfo.InvariantCulture, $"{file.Path}{separator}{line.Number}{separator}{body}")
                            : $"{file.Path}{separator}{body}");
                    }
                }
                header = "";
                break;
        }
        var page = entries.Skip(offset);
        if (headLimit > 0)
        {
            page = page.Take(headLimit);
        }
        var selected = page.ToList();
        var paginated = offset > 0 || (headLimit > 0 && entries.Count > offset + headLimit);
        var output = new StringBuilder(header);
        foreach (var entry in selected)
        {
            if (output.Length + entry.Length + 1 > maxOutput && shown > 0)
            {
                output.Append(CultureInfo.InvariantCulture,
                    $"[Output truncated at {maxOutput} characters after {shown} of {entries.Count} lines: narrow the search or use head_limit/offset.]\n");
                break;
            }
            output.Append(entry).Append('\n');
            shown++;
        }
        if (selected.Count == 0)
        {
            output.Append(CultureInfo.InvariantCulture, $"(no results at offset {offset}; there are {entries.Count})\n");
        }
        var text = output.ToString().TrimEnd('\n') + footer;
        if (paginated)
        {
            text += string.Create(CultureInfo.InvariantCulture, $"\n\n[Showing results with pagination = limit: {headLimit}, offset: {offset}; {entries.Count} in all]");
        }
        return text;
    }

    private static DateTime LastWrite(string path)
    {
        try
        {
            return File.GetLastWriteTimeUtc(path);
        }
        catch (IOException)
        {
            return default;
        }
    }

    private static bool ContainsNewline(string pattern)
    {
        if (pattern.Contains('\n', StringComparison.Ordinal))
        {
            return true;
        }
        for (var i = 0; i + 1 < pattern.Length; i++)
        {
            if (pattern[i] == '\\')
            {
                if (pattern[i + 1] == 'n')
                {
                    return true;
                }
                i++;
            }
        }
        return false;
    }
}
