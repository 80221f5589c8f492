using System.Text.Json.Nodes;

namespace CodeForge.Core.Tools;

/// <summary>Renders a tool's definition (name, description, parameter schema) in a provider's wire format.</summary>
/// <remarks>Stateless and thread-safe; every call returns a fresh object the caller may change. Built with
/// <see cref="JsonNode"/> only (no reflection serialization), so it is trim- and AOT-safe.</remarks>
public static class ToolDefinitions
{
    /// <summary>The definition of <paramref name="tool"/> in <paramref name="format"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="format"/> is not a defined format.</exception>
    public static JsonObject Render(ITool tool, ToolSchemaFormat format)
    {
        ArgumentNullException.ThrowIfNull(tool);
        return format switch
        {
            ToolSchemaFormat.OpenAI => new JsonObject
            {
                ["type"] = "function",
                ["function"] = new JsonObject
                {
                    ["name"] = tool.Name,
                    ["description"] = tool.Description,
                    ["parameters"] = tool.Schema.ToJsonObject(),
                },
            },
            ToolSchemaFormat.Anthropic => new JsonObject
            {
                ["name"] = tool.Name,
                ["description"] = tool.Description,
                ["input_schema"] = tool.Schema.ToJsonObject(),
            },
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown tool schema format: use OpenAI or Anthropic."),
        };
    }
}
