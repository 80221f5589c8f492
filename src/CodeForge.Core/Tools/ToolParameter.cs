namespace CodeForge.Core.Tools;

/// <summary>
/// One parameter of a tool: its name, JSON type, description and the rules its value must satisfy. A list of these,
/// wrapped in a <see cref="ToolSchema"/>, renders to the JSON Schema a model sees and validates the arguments it sends.
/// </summary>
/// <param name="Name">The argument's property name (1–64 of <c>A-Z a-z 0-9 _ . -</c>).</param>
/// <param name="Type">The JSON type the value must have.</param>
/// <param name="Description">What the parameter means, written for the model.</param>
/// <remarks>
/// Immutable once built (set the init-only properties in the object initializer) and safe to share between threads. The
/// rules are checked for consistency when a <see cref="ToolSchema"/> is built from them, not here: an inconsistent
/// parameter (an enum on an integer, a minimum above the maximum, a default that breaks the rules) makes the
/// <see cref="ToolSchema"/> constructor throw an <see cref="ArgumentException"/> naming the parameter.
/// </remarks>
public sealed record ToolParameter(string Name, ToolParameterType Type, string Description)
{
    /// <summary>Whether the argument must be present (and not <c>null</c>). Defaults to <see langword="true"/>, as in the original.</summary>
    public bool Required { get; init; } = true;

    /// <summary>
    /// The value a tool assumes when the argument is absent, rendered as the schema's <c>default</c>. A string, bool,
    /// <see cref="int"/>, <see cref="long"/>, <see cref="double"/>, <see cref="float"/>, <see cref="decimal"/>,
    /// <see cref="System.Text.Json.JsonElement"/> or <see cref="System.Text.Json.Nodes.JsonNode"/>; <see langword="null"/> means none.
    /// The executor does not inject it: the tool applies its own default.
    /// </summary>
    public object? DefaultValue { get; init; }

    /// <summary>For <see cref="ToolParameterType.String"/> only: the allowed values (compared ordinally).</summary>
    public IReadOnlyList<string>? EnumValues { get; init; }

    /// <summary>For <see cref="ToolParameterType.String"/> only: the minimum length in Unicode code points.</summary>
    public int? MinLength { get; init; }

    /// <summary>For <see cref="ToolParameterType.String"/> only: the maximum length in Unicode code points.</summary>
    public int? MaxLength { get; init; }

    /// <summary>For <see cref="ToolParameterType.Integer"/> and <see cref="ToolParameterType.Number"/>: the inclusive minimum.</summary>
    public double? Minimum { get; init; }

    /// <summary>For <see cref="ToolParameterType.Integer"/> and <see cref="ToolParameterType.Number"/>: the inclusive maximum.</summary>
    public double? Maximum { get; init; }

    /// <summary>
    /// For <see cref="ToolParameterType.Array"/> only: the schema of every element (its <see cref="Name"/> is ignored, its
    /// <see cref="Required"/> is ignored). Without it, elements are not checked. OpenAI rejects arrays without <c>items</c>,
    /// so give one.
    /// </summary>
    public ToolParameter? Items { get; init; }

    /// <summary>For <see cref="ToolParameterType.Object"/> only: the object's own properties, validated recursively.</summary>
    public IReadOnlyList<ToolParameter>? Properties { get; init; }
}
