using System.Collections.Immutable;
using System.Globalization;
using CodeForge.Core.Paths;

namespace CodeForge.Core.Agent;

/// <summary>The subagent types available to a session, and what was wrong with the files that were skipped.</summary>
/// <param name="Agents">Built-in types, then user-defined ones (a user-defined type overrides a built-in of the same name).</param>
/// <param name="Warnings">One line per problem, naming the file (and line) and why.</param>
public sealed record AgentCatalog(ImmutableArray<AgentDefinition> Agents, ImmutableArray<string> Warnings)
{
    /// <summary>
    /// The type named <paramref name="name"/> (exact, then case-insensitive, then a plugin agent <c>plugin:name</c> by
    /// its short name when only one plugin has it), or null.
    /// </summary>
    public AgentDefinition? Find(string name) =>
        Agents.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.Ordinal))
        ?? Agents.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? (Skills.NamespacedNames.Resolve(name, Agents.Select(a => a.Name), StringComparer.OrdinalIgnoreCase).Name is { } full
            ? Agents.First(a => string.Equals(a.Name, full, StringComparison.OrdinalIgnoreCase)) : null);
}

/// <summary>
/// Loads user-defined subagent types from <c>.forge/agents/*.md</c> and <c>.claude/agents/*.md</c> (project, then the
/// home directory): Claude Code's format, a YAML frontmatter (<c>name</c>, <c>description</c>, <c>tools</c> as a comma
/// list or a YAML list, <c>model</c>) and a body that is the system prompt. Parsing is lenient: a file with a problem
/// is reported (file, line, why) and skipped, and the others load. Precedence: project <c>.forge</c>, project
/// <c>.claude</c>, user <c>.forge</c>, user <c>.claude</c>; the first definition of a name wins.
/// </summary>
/// <remarks>Stateless and thread-safe; reads the files once per call.</remarks>
public static class AgentDefinitionLoader
{
    /// <summary>The agent directories, highest precedence first.</summary>
    public static IReadOnlyList<string> Directories(string projectRoot, string? homeDirectory)
    {
        ArgumentNullException.ThrowIfNull(projectRoot);
        var list = new List<string> { Path.Combine(projectRoot, ForgeFiles.ForgeDirectory, "agents"), Path.Combine(projectRoot, ForgeFiles.ClaudeDirectory, "agents") };
        if (homeDirectory is not null)
        {
            list.Add(Path.Combine(homeDirectory, ForgeFiles.ForgeDirectory, "agents"));
            list.Add(Path.Combine(homeDirectory, ForgeFiles.ClaudeDirectory, "agents"));
        }
        return [.. list.Select(Path.GetFullPath).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>
    /// The built-in types plus every valid definition found under <paramref name="projectRoot"/> and the home directory,
    /// then <paramref name="pluginAgents"/> (the enabled plugins' agents, named <c>plugin:agent</c>, already read).
    /// </summary>
    public static AgentCatalog Load(string projectRoot, string? homeDirectory, IEnumerable<AgentDefinition>? pluginAgents = null)
    {
        var warnings = ImmutableArray.CreateBuilder<string>();
        var found = new List<AgentDefinition>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var directory in Directories(projectRoot, homeDirectory))
        {
            string[] files;
            try
            {
                files = Directory.Exists(directory) ? Directory.GetFiles(directory, "*.md") : [];
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                warnings.Add($"{directory}: cannot list the agents directory: {ex.Message}");
                continue;
            }
            Array.Sort(files, StringComparer.Ordinal);
            foreach (var file in files)
            {
                string text;
                try
                {
                    text = File.ReadAllText(file);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    warnings.Add($"{file}: cannot read: {ex.Message}");
                    continue;
                }
                var parsed = Parse(text, file);
                if (parsed.Error is { } error)
                {
                    warnings.Add(error);
                    continue;
                }
                if (names.Add(parsed.Agent!.Name))
                {
                    found.Add(parsed.Agent);
                }
            }
        }
        foreach (var agent in pluginAgents ?? [])
        {
            if (names.Add(agent.Name))
            {
                found.Add(agent);
            }
        }
        var agents = AgentDefinition.BuiltIn.Where(b => !names.Contains(b.Name)).Concat(found).ToImmutableArray();
        return new AgentCatalog(agents, warnings.ToImmutable());
    }

    /// <summary>
    /// Parses one definition with the frontmatter reader every Markdown file with frontmatter goes through
    /// (<see cref="Skills.MarkdownFrontmatter"/>: YAML, read field by field as Claude Code does when it is not valid
    /// YAML); on a problem, the error names <paramref name="path"/>, the line and why.
    /// </summary>
    public static (AgentDefinition? Agent, string? Error) Parse(string text, string path)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(path);
        var doc = Skills.MarkdownFrontmatter.Parse(text, path);
        if (!doc.HasFrontmatter)
        {
            return (null, $"{path}:1: no frontmatter: an agent file starts with a '---' line, then name, description, tools and model, then '---' and the system prompt.");
        }
        if (doc.Diagnostics.FirstOrDefault(d => d.IsError) is { } broken)
        {
            return (null, broken.ToString());
        }
        var warnings = new List<Skills.LoadDiagnostic>();
        var declared = doc.GetString("name", warnings)?.Trim();
        var name = string.IsNullOrEmpty(declared) ? Path.GetFileNameWithoutExtension(path) : declared;
        if (!IsValidName(name))
        {
            return (null, $"{path}:{(doc.Has("name") ? doc.LineOf("name") : 1)}: invalid agent name '{name.ReplaceLineEndings(" ")}': use letters, digits, '-' and '_' (at most 64).");
        }
        var description = doc.GetString("description", warnings)?.Trim();
        if (string.IsNullOrEmpty(description))
        {
            return (null, $"{path}:1: missing 'description' (the model needs it to know when to use agent '{name}').");
        }
        ImmutableArray<string>? tools = doc.Has("tools")
            ? [.. doc.GetList("tools", warnings).Select(ToolName).Where(t => t.Length > 0)]
            : null;
        var model = doc.GetString("model", warnings)?.Trim() is { Length: > 0 } m ? m : null;
        var body = doc.Body.Trim();
        if (body.Length == 0)
        {
            return (null, $"{path}:{doc.BodyLine}: the system prompt (the text after the frontmatter) is empty.");
        }
        return (new AgentDefinition(name, description, tools, model, body, path), null);
    }

    // "Bash(git:*)" grants Bash; the pattern is the permission rules' business.
    private static string ToolName(string entry)
    {
        var paren = entry.IndexOf('(', StringComparison.Ordinal);
        return (paren >= 0 ? entry[..paren] : entry).Trim();
    }

    private static bool IsValidName(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or ':');

    internal static string Describe(AgentCatalog catalog) =>
        string.Join("\n", catalog.Agents.Select(a => string.Create(CultureInfo.InvariantCulture,
            $"- {a.Name}: {a.Description} (Tools: {(a.Tools is { } t ? string.Join(", ", t) : "all tools except Task")})")));
}
