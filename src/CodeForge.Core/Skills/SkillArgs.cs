using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace CodeForge.Core.Skills;

/// <summary>The arguments of the Skill tool.</summary>
internal sealed record SkillArgs(
    [property: JsonPropertyName("skill"), Description("The skill name, e.g. \"pdf\" or \"my-plugin:review\"."), StringLength(int.MaxValue, MinimumLength = 1)]
    string Skill,
    [property: JsonPropertyName("args"), Description("Optional arguments for the skill.")]
    string? Args = null);
