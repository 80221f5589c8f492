namespace CodeForge.Core.Tools;

/// <summary>The wire shape of a tool definition sent to a model provider.</summary>
public enum ToolSchemaFormat
{
    /// <summary><c>{"type":"function","function":{"name","description","parameters"}}</c>.</summary>
    OpenAI,

    /// <summary><c>{"name","description","input_schema"}</c>.</summary>
    Anthropic,
}
