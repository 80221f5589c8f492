using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace CodeForge.Core.Agent;

/// <summary>The arguments of the Task tool (the allowed agent types are added to the schema by the tool: they depend on its catalog).</summary>
internal sealed record TaskArgs(
    [property: JsonPropertyName("description"), Description("A short (3-5 word) description of the task."), StringLength(int.MaxValue, MinimumLength = 1)]
    string Description,
    [property: JsonPropertyName("prompt"), Description("The task for the agent to perform, with everything it needs to know."), StringLength(int.MaxValue, MinimumLength = 1)]
    string Prompt,
    [property: JsonPropertyName("subagent_type"), Description("The type of specialized agent to use for this task.")]
    string SubagentType);
