using System.Text;

namespace CodeForge.Core.Skills;

/// <summary>Renders an activated skill's instructions for the model: the substituted body, its directory and supporting files.</summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class SkillInstructions
{
    /// <summary>
    /// The instructions of <paramref name="skill"/> with <paramref name="arguments"/> and the placeholders substituted
    /// (<see cref="SkillArguments.Substitute"/>), headed by the skill's base directory and followed by its supporting files.
    /// </summary>
    public static string Render(Skill skill, string? arguments, SubstitutionContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(skill);
        var info = skill.Definition.File;
        var full = (context ?? new SubstitutionContext()) with
        {
            SkillDirectory = info?.Directory,
            PluginRoot = info?.PluginRoot,
            PluginData = info?.PluginData,
        };
        var s = new StringBuilder();
        s.Append("Skill: ").Append(skill.Name).Append('\n');
        if (info is not null)
        {
            s.Append("Base directory for this skill: ").Append(info.Directory).Append('\n');
        }
        s.Append('\n').Append(SkillArguments.Substitute(skill.Definition.Prompt, arguments, full).Trim()).Append('\n');
        if (info is { SupportingFiles.Length: > 0 })
        {
            s.Append("\nSupporting files in the skill directory (read them only when needed):\n");
            foreach (var file in info.SupportingFiles)
            {
                s.Append("- ").Append(file).Append('\n');
            }
        }
        return s.ToString();
    }
}
