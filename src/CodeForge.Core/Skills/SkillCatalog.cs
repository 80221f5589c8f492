using System.Security;
using System.Text;
using CodeForge.Core.Tokens;

namespace CodeForge.Core.Skills;

/// <summary>
/// The skills catalogue for the system prompt: the name, description (and <c>when_to_use</c>) and location of every
/// skill the model may invoke, as agentskills' <c>&lt;available_skills&gt;</c> block, within a token budget. Skills with
/// <c>disable-model-invocation: true</c>, and skills with neither a description nor a <c>when_to_use</c>, are left out entirely. When the budget is too small for every entry, the
/// remaining skills are listed by name only, and when even the names do not fit, they are counted.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class SkillCatalog
{
    /// <summary>The default budget: about 2% of a 100k-token context (Codex caps its list near 8,000 characters).</summary>
    public const int DefaultTokenBudget = 2000;

    /// <summary>Claude Code truncates description plus when_to_use at this many characters in the listing.</summary>
    public const int MaxEntryDescriptionLength = 1536;

    /// <summary>The skills the model may invoke, sorted by name.</summary>
    public static IReadOnlyList<Skill> ModelInvocable(IEnumerable<Skill> skills)
    {
        ArgumentNullException.ThrowIfNull(skills);
        return [.. skills.Where(s => s.Definition.File is not { DisableModelInvocation: true } && Described(s)).OrderBy(s => s.Name, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Whether the skill has a description or a <c>when_to_use</c>: Claude Code offers the model only those (a SKILL.md
    /// without either is a slash command only).
    /// </summary>
    public static bool Described(Skill skill)
    {
        ArgumentNullException.ThrowIfNull(skill);
        return !string.IsNullOrWhiteSpace(skill.Description) || !string.IsNullOrWhiteSpace(skill.Definition.File?.WhenToUse);
    }

    /// <summary>
    /// Builds the catalogue section, or "" when no skill may be invoked by the model. The whole section, header
    /// included, counts at most <paramref name="tokenBudget"/> tokens by <paramref name="counter"/> (default: an estimate).
    /// </summary>
    public static string Build(IEnumerable<Skill> skills, int tokenBudget = DefaultTokenBudget, ITokenCounter? counter = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(tokenBudget);
        counter ??= EstimatingCounter.Instance;
        var visible = ModelInvocable(skills);
        if (visible.Count == 0)
        {
            return "";
        }
        const string Header =
            "# Skills\n" +
            "Skills are folders of instructions for specialised tasks. When a task matches a skill's description, call the " +
            "Skill tool with its name (and any arguments) before doing the task: it returns the skill's full instructions. " +
            "Files a skill mentions are relative to its directory; read them only when needed.\n";
        const string Open = "<available_skills>\n";
        const string Close = "</available_skills>\n";
        var used = counter.Count(Header + Open + Close);
        if (used > tokenBudget)
        {
            return "";
        }
        var s = new StringBuilder(Header).Append(Open);
        var index = 0;
        for (; index < visible.Count; index++)
        {
            var entry = Entry(visible[index]);
            var cost = counter.Count(entry);
            if (used + cost > tokenBudget)
            {
                break;
            }
            s.Append(entry);
            used += cost;
        }
        s.Append(Close);
        if (index < visible.Count)
        {
            var rest = visible.Skip(index).Select(k => k.Name).ToList();
            var names = new StringBuilder($"More skills (name only; the Skill tool loads them): ");
            var listed = 0;
            foreach (var name in rest)
            {
                var piece = (listed == 0 ? "" : ", ") + name;
                if (used + counter.Count(names + piece + $" and {rest.Count} more.\n") > tokenBudget)
                {
                    break;
                }
                names.Append(piece);
                listed++;
            }
            if (listed > 0)
            {
                names.Append(listed < rest.Count ? $" and {rest.Count - listed} more.\n" : ".\n");
                s.Append(names);
            }
            else
            {
                var note = $"({rest.Count} more skills are not listed for space.)\n";
                if (used + counter.Count(note) <= tokenBudget)
                {
                    s.Append(note);
                }
            }
        }
        return s.ToString();
    }

    private static string Entry(Skill skill)
    {
        var description = skill.Description.Trim();
        if (skill.Definition.File?.WhenToUse is { Length: > 0 } when)
        {
            description = (description + " " + when.Trim()).Trim();
        }
        if (description.Length > MaxEntryDescriptionLength)
        {
            description = description[..(MaxEntryDescriptionLength - 1)] + "…";
        }
        var location = skill.Definition.SourcePath is { } path ? $"<location>{Escape(path)}</location>" : "";
        return $"<skill><name>{Escape(skill.Name)}</name><description>{Escape(description)}</description>{location}</skill>\n";
    }

    private static string Escape(string text) => SecurityElement.Escape(text) ?? "";
}
