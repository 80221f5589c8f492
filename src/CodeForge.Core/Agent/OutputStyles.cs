using System.Collections.Immutable;
using CodeForge.Core.Skills;

namespace CodeForge.Core.Agent;

/// <summary>
/// An output style: how the agent writes its answers, added to the system prompt. <c>default</c> adds nothing;
/// <c>concise</c> and <c>explanatory</c> are built in; more come from markdown files (Claude Code's format: frontmatter
/// <c>name</c>, <c>description</c>, optional <c>keep-coding-instructions</c>; the body is the instructions).
/// </summary>
/// <param name="Name">The name the <c>outputStyle</c> setting selects (case-insensitive).</param>
/// <param name="Description">One line for listings.</param>
/// <param name="Instructions">The text added to the system prompt (empty for <c>default</c>).</param>
/// <param name="Source">"built-in", or the file it came from.</param>
/// <param name="KeepCodingInstructions">False when the style replaces forge's guidance on how to work (a style for
/// something other than software engineering); the environment, memory files and the style itself stay.</param>
public sealed record OutputStyle(string Name, string Description, string Instructions, string Source, bool KeepCodingInstructions = true);

/// <summary>The built-in output styles and the loading of style files.</summary>
/// <remarks>Stateless and thread-safe; loading reads the file system and reports problems instead of throwing.</remarks>
public static class OutputStyles
{
    /// <summary>The style used when none is set: forge's own answering rules, nothing added.</summary>
    public static OutputStyle Default { get; } = new("default", "forge's usual answers: short and direct", "", "built-in");

    /// <summary>Fewer words: results first, no explanation unless asked.</summary>
    public static OutputStyle Concise { get; } = new("concise", "As few words as the answer allows", """
        Keep every answer as short as it can be while still complete. Lead with the result: the answer, the fix, the
        command. Leave out reasoning, background and alternatives unless the user asks for them. After a change, one line
        saying what changed, with `path:line`. Use lists only for several separate items; never restate the question.
        """, "built-in");

    /// <summary>Teaches while working: why a choice was made, what the code around it does.</summary>
    public static OutputStyle Explanatory { get; } = new("explanatory", "Explains the reasoning and the codebase while working", """
        Besides doing the task, help the user understand the code. Before a non-obvious change, say in a sentence or two
        why you chose this approach over the alternatives. When you learn something about how this codebase works (a
        pattern it follows, a constraint, where something lives), share it briefly in a short block that starts with
        "Insight:". Keep explanations specific to this code, not general tutorials, and keep doing the work: explanation
        never replaces the change the user asked for.
        """, "built-in");

    /// <summary>The built-in styles.</summary>
    public static ImmutableArray<OutputStyle> BuiltIn { get; } = [Default, Concise, Explanatory];

    /// <summary>Reads the style files (<c>*.md</c>) in <paramref name="directories"/>, in order (an entry that is a file is
    /// read as one style file); a directory that does not exist is skipped. A file without a name is named after the file; a file that cannot be read or parsed is
    /// reported in <paramref name="problems"/> (naming the file and why) and left out.</summary>
    public static ImmutableArray<OutputStyle> Load(IEnumerable<string> directories, ICollection<string> problems)
    {
        ArgumentNullException.ThrowIfNull(directories);
        ArgumentNullException.ThrowIfNull(problems);
        var styles = ImmutableArray.CreateBuilder<OutputStyle>();
        foreach (var directory in directories)
        {
            if (File.Exists(directory))
            {
                if (Read(directory, problems) is { } one)
                {
                    styles.Add(one);
                }
                continue;
            }
            if (!Directory.Exists(directory))
            {
                continue;
            }
            string[] files;
            try
            {
                files = Directory.GetFiles(directory, "*.md");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                problems.Add($"{directory}: cannot list output styles ({ex.Message})");
                continue;
            }
            Array.Sort(files, StringComparer.Ordinal);
            foreach (var file in files)
            {
                if (Read(file, problems) is { } style)
                {
                    styles.Add(style);
                }
            }
        }
        return styles.ToImmutable();
    }

    /// <summary>One style file, or null (with the reason in <paramref name="problems"/>).</summary>
    public static OutputStyle? Read(string file, ICollection<string> problems)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(problems);
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problems.Add($"{file}: cannot read the output style ({ex.Message})");
            return null;
        }
        var front = MarkdownFrontmatter.Parse(text, file);
        if (!front.IsValid)
        {
            problems.Add($"{file}: {string.Join("; ", front.Diagnostics.Where(d => d.IsError).Select(d => d.Message))}");
            return null;
        }
        var warnings = new List<LoadDiagnostic>();
        var name = front.GetString("name", warnings);
        var description = front.GetString("description", warnings) ?? "";
        var keep = front.GetBool("keep-coding-instructions", warnings) ?? true;
        foreach (var w in warnings)
        {
            problems.Add($"{file}{(w.Line is { } line ? ":" + line : "")}: {w.Message}");
        }
        if (string.IsNullOrWhiteSpace(name))
        {
            name = Path.GetFileNameWithoutExtension(file);
        }
        var body = front.Body.Trim();
        if (body.Length == 0)
        {
            problems.Add($"{file}: the output style \"{name}\" has no instructions (the text after the frontmatter); ignored");
            return null;
        }
        return new OutputStyle(name.Trim(), description.Trim(), body, file, keep);
    }

    /// <summary>The style named <paramref name="name"/> among <paramref name="available"/> (built-ins first, then
    /// files; a file may replace a built-in of the same name), or <see cref="Default"/> for null/empty. An unknown
    /// name gives <see cref="Default"/> and a problem listing the names there are.</summary>
    public static OutputStyle Select(string? name, IEnumerable<OutputStyle> available, ICollection<string> problems)
    {
        ArgumentNullException.ThrowIfNull(available);
        ArgumentNullException.ThrowIfNull(problems);
        if (string.IsNullOrWhiteSpace(name))
        {
            return Default;
        }
        var all = available.ToList();
        var found = all.LastOrDefault(s => string.Equals(s.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));
        if (found is not null)
        {
            return found;
        }
        problems.Add($"outputStyle: unknown output style \"{name}\"; using default (available: {string.Join(", ", all.Select(s => s.Name).Distinct(StringComparer.OrdinalIgnoreCase))})");
        return Default;
    }
}
