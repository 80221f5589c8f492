using System.Text.Json;
using CodeForge.Core.Agent;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace CodeForge.Cli.Interactive;

/// <summary>
/// How a tool call looks in the terminal: one compact line naming the tool and its key argument, then its outcome
/// folded to a few lines; Edit and MultiEdit show their unified diff in colour, TodoWrite the task list.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
internal static class ToolCallView
{
    /// <summary>Lines of a tool's output shown before folding.</summary>
    public const int FoldLines = 6;

    /// <summary>Lines of a diff shown before folding.</summary>
    public const int FoldDiffLines = 40;

    /// <summary>"Read(src/app.cs)": the tool and the argument a user recognises it by, shortened to fit.</summary>
    public static string Title(string toolName, JsonElement arguments, string workingDirectory, int width = 100)
    {
        var key = KeyArgument(toolName, arguments, workingDirectory);
        var max = Math.Max(10, width - toolName.Length - 6);
        if (key.Length > max)
        {
            key = key[..(max - 1)] + "…";
        }
        return key.Length == 0 ? toolName : $"{toolName}({key})";
    }

    internal static string KeyArgument(string toolName, JsonElement arguments, string workingDirectory)
    {
        if (arguments.ValueKind != JsonValueKind.Object)
        {
            return "";
        }
        string? Str(string name) => arguments.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        string Rel(string? path) => path is null ? "" : RelativeTo(path, workingDirectory);
        var text = toolName switch
        {
            "Read" or "Write" or "Edit" or "MultiEdit" or "NotebookEdit" => Rel(Str("file_path") ?? Str("notebook_path")),
            "Bash" => Str("command") ?? "",
            "Glob" => Str("pattern") + (Str("path") is { } p ? " in " + Rel(p) : ""),
            "Grep" => "\"" + Str("pattern") + "\"" + (Str("path") is { } gp ? " in " + Rel(gp) : ""),
            "WebFetch" => Str("url") ?? "",
            "WebSearch" => Str("query") ?? "",
            "Task" => Str("description") ?? Str("subagent_type") ?? "",
            "Skill" => Str("skill") ?? "",
            "BashOutput" => Str("bash_id") ?? "",
            "KillShell" => Str("shell_id") ?? "",
            "TodoWrite" => arguments.TryGetProperty("todos", out var t) && t.ValueKind == JsonValueKind.Array ? $"{t.GetArrayLength()} tasks" : "",
            _ => arguments.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String).Select(p => p.Value.GetString()).FirstOrDefault() ?? "",
        };
        return string.Join(' ', text.Split(['\n', '\r'], StringSplitOptions.RemoveEmptyEntries).Select(s => s.Trim()));
    }

    /// <summary>The finished call: title line plus its folded outcome.</summary>
    public static IRenderable Finished(ToolCallFinished call, string workingDirectory, int width)
    {
        ArgumentNullException.ThrowIfNull(call);
        var rows = new List<IRenderable>();
        var ok = call.Outcome == ToolCallOutcome.Executed && call.Result.Success;
        var bullet = ok ? "[green]●[/]" : "[red]●[/]";
        rows.Add(new Markup($"{bullet} [bold]{Markup.Escape(Title(call.ToolName, call.Arguments, workingDirectory, width))}[/]"));
        foreach (var r in Outcome(call))
        {
            rows.Add(r);
        }
        return new Rows(rows);
    }

    private static IEnumerable<IRenderable> Outcome(ToolCallFinished call)
    {
        var result = call.Result;
        if (call.Outcome == ToolCallOutcome.Denied)
        {
            yield return new Markup($"  ⎿  [red]Denied:[/] {Markup.Escape(FirstLine(result.Error ?? result.Output))}");
            yield break;
        }
        if (call.Outcome == ToolCallOutcome.Cancelled)
        {
            yield return new Markup("  ⎿  [yellow]Interrupted[/]");
            yield break;
        }
        if (!result.Success)
        {
            foreach (var line in Fold(result.Error ?? "failed", FoldLines))
            {
                yield return new Markup($"  ⎿  [red]{Markup.Escape(line)}[/]");
            }
            yield break;
        }
        var output = result.Output ?? "";
        switch (call.ToolName)
        {
            case "Edit" or "MultiEdit" when output.Contains("\n@@", StringComparison.Ordinal) || output.StartsWith("@@", StringComparison.Ordinal) || output.Contains("\n--- ", StringComparison.Ordinal):
                foreach (var r in Diff(output))
                {
                    yield return r;
                }
                yield break;
            case "Read":
                var lines = output.Count(c => c == '\n') + (output.Length > 0 && !output.EndsWith('\n') ? 1 : 0);
                yield return new Markup($"  ⎿  [grey]Read {lines} line{(lines == 1 ? "" : "s")}[/]");
                yield break;
            case "TodoWrite":
                foreach (var r in Todos(call.Arguments))
                {
                    yield return r;
                }
                yield break;
        }
        var shown = Fold(output, FoldLines).ToList();
        if (shown.Count == 0)
        {
            yield return new Markup("  ⎿  [grey](no output)[/]");
        }
        for (var i = 0; i < shown.Count; i++)
        {
            yield return new Markup((i == 0 ? "  ⎿  " : "     ") + "[grey]" + Markup.Escape(shown[i]) + "[/]");
        }
    }

    /// <summary>A unified diff with + lines green and - lines red, folded after <see cref="FoldDiffLines"/> lines.</summary>
    public static IEnumerable<IRenderable> Diff(string diff)
    {
        var lines = diff.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var shown = 0;
        foreach (var line in lines)
        {
            if (line.StartsWith("--- ", StringComparison.Ordinal) || line.StartsWith("+++ ", StringComparison.Ordinal) || line.Length == 0)
            {
                continue;
            }
            if (shown == FoldDiffLines)
            {
                yield return new Markup($"     [grey]… +{lines.Length - shown} more diff lines[/]");
                yield break;
            }
            shown++;
            var escaped = Markup.Escape(line);
            yield return line[0] switch
            {
                '+' => new Markup("     [green]" + escaped + "[/]"),
                '-' => new Markup("     [red]" + escaped + "[/]"),
                '@' => new Markup("     [aqua]" + escaped + "[/]"),
                _ => new Markup("     [grey]" + escaped + "[/]"),
            };
        }
    }

    private static IEnumerable<IRenderable> Todos(JsonElement arguments)
    {
        if (!arguments.TryGetProperty("todos", out var todos) || todos.ValueKind != JsonValueKind.Array)
        {
            yield break;
        }
        foreach (var t in todos.EnumerateArray())
        {
            var content = t.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() ?? "" : "";
            var status = t.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : "pending";
            yield return new Markup(status switch
            {
                "completed" => "  ⎿  [green]☒[/] [strikethrough grey]" + Markup.Escape(content) + "[/]",
                "in_progress" => "  ⎿  [yellow]◐[/] [bold]" + Markup.Escape(content) + "[/]",
                _ => "  ⎿  ☐ " + Markup.Escape(content),
            });
        }
    }

    /// <summary>The first <paramref name="max"/> non-empty lines, then "… +N lines".</summary>
    internal static IEnumerable<string> Fold(string text, int max)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Split('\n');
        if (lines.Length == 1 && lines[0].Length == 0)
        {
            yield break;
        }
        for (var i = 0; i < Math.Min(max, lines.Length); i++)
        {
            yield return lines[i];
        }
        if (lines.Length > max)
        {
            yield return $"… +{lines.Length - max} lines";
        }
    }

    private static string FirstLine(string text)
    {
        var i = text.IndexOf('\n', StringComparison.Ordinal);
        return i < 0 ? text : text[..i];
    }

    internal static string RelativeTo(string path, string workingDirectory)
    {
        if (!Path.IsPathRooted(path))
        {
            return path;
        }
        var rel = Path.GetRelativePath(workingDirectory, path);
        return rel.StartsWith("..", StringComparison.Ordinal) ? path : rel;
    }
}
