using System.IO.Enumeration;
using System.Text.Json;

namespace CodeForge.Cli.Eval;

/// <summary>What kind of work a task asks for (the mix the suite keeps).</summary>
internal enum EvalCategory
{
    /// <summary>A failing test to make pass.</summary>
    FixTest,
    /// <summary>A feature to add, usually across several files.</summary>
    Feature,
    /// <summary>A refactor: behaviour kept (tests) and the structure changed (a structural check).</summary>
    Refactor,
    /// <summary>A bug hidden in a larger repository, described by its symptom.</summary>
    HiddenBug,
    /// <summary>Work that needs the shell (git history, make, files).</summary>
    Shell,
    /// <summary>Work that needs a web page the harness serves on 127.0.0.1.</summary>
    Web,
    /// <summary>A request (or part of one) that must be refused.</summary>
    Refusal,
}

/// <summary>
/// One evaluation task, loaded from a folder of the suite: <c>task.json</c> (the manifest), <c>repo/</c> (the starting
/// files, copied into a fresh workspace), <c>check.sh</c> (run in the workspace after the agent; exit 0 means pass),
/// and optionally <c>setup.sh</c> (run once in the new workspace, e.g. to build git history), <c>web/</c> (served on
/// 127.0.0.1 while the task runs) and <c>solution.sh</c> (a reference solution the suite's own tests run). See
/// <c>eval/README.md</c>.
/// </summary>
/// <remarks>Immutable; safe to share between threads.</remarks>
internal sealed record EvalTask
{
    /// <summary>The folder name; also the task's id on the command line.</summary>
    public required string Name { get; init; }

    /// <summary>The task's folder (absolute).</summary>
    public required string Directory { get; init; }

    /// <summary>What the task is.</summary>
    public required EvalCategory Category { get; init; }

    /// <summary>One line: what the checker verifies.</summary>
    public required string Description { get; init; }

    /// <summary>The prompt given to <c>forge -p</c>; <c>{{WEB_URL}}</c> is replaced by the local web server's root.</summary>
    public required string Prompt { get; init; }

    /// <summary>How long the agent may run before it is killed (the task then fails).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The most model calls the agent may make (<c>--max-turns</c>).</summary>
    public int MaxTurns { get; init; } = 40;

    /// <summary>True when the harness serves <c>web/</c> on 127.0.0.1 while the task runs.</summary>
    public bool ServesWeb { get; init; }

    public string RepoDirectory => Path.Combine(Directory, "repo");

    public string CheckScript => Path.Combine(Directory, "check.sh");

    public string SetupScript => Path.Combine(Directory, "setup.sh");

    public string SolutionScript => Path.Combine(Directory, "solution.sh");

    public string WebDirectory => Path.Combine(Directory, "web");

    /// <summary>The prompt with the web server's root filled in.</summary>
    public string PromptFor(Uri? webUrl) =>
        webUrl is null ? Prompt : Prompt.Replace("{{WEB_URL}}", webUrl.ToString().TrimEnd('/'), StringComparison.Ordinal);
}

/// <summary>Reads a suite folder (<c>eval/</c>): every <c>tasks/*/task.json</c>, with a clear error for each bad task.</summary>
/// <remarks>Stateless.</remarks>
internal static class EvalSuite
{
    private static readonly string[] KnownFields = ["description", "category", "prompt", "timeoutSeconds", "maxTurns", "web"];

    /// <summary>The suite folder to use: <paramref name="explicitPath"/>, else the nearest <c>eval/</c> holding a
    /// <c>tasks/</c> folder at or above <paramref name="start"/>; null when there is none.</summary>
    public static string? Locate(string? explicitPath, string start)
    {
        if (explicitPath is not null)
        {
            return Path.GetFullPath(explicitPath, start);
        }
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "eval");
            if (System.IO.Directory.Exists(Path.Combine(candidate, "tasks")))
            {
                return candidate;
            }
        }
        return null;
    }

    /// <summary>Loads the suite's tasks (sorted by name) whose name matches one of <paramref name="globs"/>
    /// (comma-separated wildcards; none means all). Problems name the file and the field.</summary>
    public static (IReadOnlyList<EvalTask> Tasks, IReadOnlyList<string> Problems) Load(string suiteDirectory, string? globs = null)
    {
        var tasksDir = Path.Combine(suiteDirectory, "tasks");
        if (!System.IO.Directory.Exists(tasksDir))
        {
            return ([], [$"{tasksDir}: no such folder (a suite holds tasks/<name>/task.json)"]);
        }
        var patterns = (globs ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var tasks = new List<EvalTask>();
        var problems = new List<string>();
        foreach (var dir in System.IO.Directory.GetDirectories(tasksDir).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(dir);
            if (patterns.Length > 0 && !patterns.Any(p => FileSystemName.MatchesSimpleExpression(p, name, ignoreCase: false)))
            {
                continue;
            }
            if (TryLoad(dir, out var task, out var problem))
            {
                tasks.Add(task);
            }
            else
            {
                problems.Add(problem);
            }
        }
        return (tasks, problems);
    }

    /// <summary>Loads one task folder.</summary>
    public static bool TryLoad(string directory, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out EvalTask? task, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? problem)
    {
        task = null;
        var dir = Path.GetFullPath(directory);
        var manifest = Path.Combine(dir, "task.json");
        if (!File.Exists(manifest))
        {
            problem = $"{manifest}: missing (every task folder needs a task.json)";
            return false;
        }
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(manifest), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problem = $"{manifest}: the manifest must be a JSON object";
                return false;
            }
            foreach (var property in root.EnumerateObject())
            {
                if (!KnownFields.Contains(property.Name, StringComparer.Ordinal))
                {
                    problem = $"{manifest}: unknown field \"{property.Name}\" (known: {string.Join(", ", KnownFields)})";
                    return false;
                }
            }
            if (!RequiredString(root, "description", manifest, out var description, out problem)
                || !RequiredString(root, "category", manifest, out var categoryName, out problem)
                || !RequiredString(root, "prompt", manifest, out var prompt, out problem))
            {
                return false;
            }
            if (!TryParseCategory(categoryName, out var category))
            {
                problem = $"{manifest}: \"category\" is \"{categoryName}\"; use one of {string.Join(", ", Enum.GetValues<EvalCategory>().Select(CategoryName))}";
                return false;
            }
            var timeout = 600;
            var maxTurns = 40;
            if (!OptionalPositive(root, "timeoutSeconds", manifest, ref timeout, out problem) || !OptionalPositive(root, "maxTurns", manifest, ref maxTurns, out problem))
            {
                return false;
            }
            var web = false;
            if (root.TryGetProperty("web", out var w))
            {
                if (w.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    problem = $"{manifest}: \"web\" must be true or false";
                    return false;
                }
                web = w.GetBoolean();
            }
            if (!System.IO.Directory.Exists(Path.Combine(dir, "repo")))
            {
                problem = $"{Path.Combine(dir, "repo")}: missing (the task's starting files)";
                return false;
            }
            if (!File.Exists(Path.Combine(dir, "check.sh")))
            {
                problem = $"{Path.Combine(dir, "check.sh")}: missing (the checker that decides pass or fail)";
                return false;
            }
            if (web != System.IO.Directory.Exists(Path.Combine(dir, "web")))
            {
                problem = web
                    ? $"{manifest}: \"web\" is true but there is no web/ folder to serve"
                    : $"{manifest}: there is a web/ folder but \"web\" is not true";
                return false;
            }
            if (web != prompt.Contains("{{WEB_URL}}", StringComparison.Ordinal))
            {
                problem = $"{manifest}: a task with \"web\": true names the page in its prompt as {{{{WEB_URL}}}}/..., and only such a task does";
                return false;
            }
            task = new EvalTask
            {
                Name = Path.GetFileName(dir),
                Directory = dir,
                Category = category,
                Description = description,
                Prompt = prompt,
                Timeout = TimeSpan.FromSeconds(timeout),
                MaxTurns = maxTurns,
                ServesWeb = web,
            };
            problem = null;
            return true;
        }
        catch (JsonException ex)
        {
            problem = $"{manifest}: not valid JSON (line {ex.LineNumber + 1}: {ex.Message})";
            return false;
        }
        catch (IOException ex)
        {
            problem = $"{manifest}: cannot be read ({ex.Message})";
            return false;
        }
    }

    /// <summary>The manifest spelling of a category, e.g. <c>fix-test</c>, <c>hidden-bug</c>.</summary>
    public static string CategoryName(EvalCategory category) => category switch
    {
        EvalCategory.FixTest => "fix-test",
        EvalCategory.HiddenBug => "hidden-bug",
        _ => category.ToString().ToLowerInvariant(),
    };

    private static bool TryParseCategory(string name, out EvalCategory category)
    {
        foreach (var c in Enum.GetValues<EvalCategory>())
        {
            if (CategoryName(c) == name)
            {
                category = c;
                return true;
            }
        }
        category = default;
        return false;
    }

    private static bool RequiredString(JsonElement root, string field, string manifest, out string value, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? problem)
    {
        value = "";
        if (!root.TryGetProperty(field, out var e) || e.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(e.GetString()))
        {
            problem = $"{manifest}: \"{field}\" must be a non-empty string";
            return false;
        }
        value = e.GetString()!;
        problem = null;
        return true;
    }

    private static bool OptionalPositive(JsonElement root, string field, string manifest, ref int value, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? problem)
    {
        problem = null;
        if (!root.TryGetProperty(field, out var e))
        {
            return true;
        }
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out var n) || n <= 0)
        {
            problem = $"{manifest}: \"{field}\" must be a whole number above 0";
            return false;
        }
        value = n;
        return true;
    }
}
