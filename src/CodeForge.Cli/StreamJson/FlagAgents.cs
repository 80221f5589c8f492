using System.Collections.Immutable;
using System.Text.Json;
using CodeForge.Core.Agent;

namespace CodeForge.Cli.StreamJson;

/// <summary>
/// <c>--agents '{"reviewer": {"description": "...", "prompt": "...", "tools": ["Read"], "model": "sonnet"}}'</c>: subagent
/// types for this run only, in Claude Code's shape. A definition file of the same name wins.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
internal static class FlagAgents
{
    /// <summary>Parses the flag's JSON; on a problem, the error says which agent and why, and nothing is returned.</summary>
    public static (ImmutableArray<AgentDefinition> Agents, string? Error) Parse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return Parse(document.RootElement, "--agents");
        }
        catch (JsonException ex)
        {
            return ([], $"--agents: not valid JSON: {ex.Message}");
        }
    }

    /// <summary>Parses agent definitions in Claude Code's shape (the flag's, or the SDK's <c>initialize</c> <c>agents</c>);
    /// <paramref name="source"/> names where they came from in errors and as their source.</summary>
    public static (ImmutableArray<AgentDefinition> Agents, string? Error) Parse(JsonElement root, string source)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return ([], $"{source}: expected a JSON object of agent name → {{description, prompt, tools?, model?}}");
        }
        var agents = ImmutableArray.CreateBuilder<AgentDefinition>();
        foreach (var agent in root.EnumerateObject())
        {
            var value = agent.Value;
            string? Text(string name) => value.ValueKind == JsonValueKind.Object && value.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            if (Text("description") is not { Length: > 0 } description || Text("prompt") is not { Length: > 0 } prompt)
            {
                return ([], $"{source}: agent '{agent.Name}' needs a non-empty \"description\" and \"prompt\"");
            }
            ImmutableArray<string>? tools = null;
            if (value.TryGetProperty("tools", out var list) && list.ValueKind != JsonValueKind.Null)
            {
                if (list.ValueKind != JsonValueKind.Array || list.EnumerateArray().Any(t => t.ValueKind != JsonValueKind.String))
                {
                    return ([], $"{source}: agent '{agent.Name}': \"tools\" must be an array of tool names");
                }
                tools = [.. list.EnumerateArray().Select(t => t.GetString()!)];
            }
            agents.Add(new AgentDefinition(agent.Name, description, tools, Text("model"), prompt, source));
        }
        return (agents.ToImmutable(), null);
    }
}
