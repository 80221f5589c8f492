using System.Globalization;
using System.Text.Json;
using CodeForge.Core.Tools;

namespace CodeForge.Cli.StreamJson;

/// <summary>
/// <c>--json-schema</c> (or <c>jsonSchema</c> in <c>initialize</c>): as in Claude Code, the model gives its final answer by
/// calling the <c>StructuredOutput</c> tool, whose parameters are the schema. The call's input is validated against the
/// schema (types, required, properties, additionalProperties, items, enum, const; nested); a failing input is returned to
/// the model with every problem so it can correct it; a valid one becomes the result's <c>structured_output</c>.
/// </summary>
/// <remarks>Thread-safe: the last valid value is published with an atomic exchange; <see cref="Take"/> reads and clears it.</remarks>
internal sealed class StructuredOutputTool : ITool
{
    public const string ToolName = "StructuredOutput";

    /// <summary>The system prompt's instruction that goes with the tool.</summary>
    public const string Instruction =
        "When you have the final answer, you MUST call the StructuredOutput tool exactly once with the answer as its input, matching its schema.";

    private readonly JsonElement _schema;
    private readonly object _gate = new();
    private JsonElement? _value;

    public StructuredOutputTool(JsonElement schema)
    {
        _schema = schema.Clone();
        Schema = ToolSchema.FromJsonSchema(_schema);
    }

    public string Name => ToolName;

    public string Description => "Return the final answer as structured output. Call it once, at the end, with the answer as the input; the input must match the schema.";

    public ToolCategory Category => ToolCategory.Other;

    public ToolSchema Schema { get; }

    /// <summary>Parses the value of <c>--json-schema</c>; throws <see cref="ArgumentException"/> naming the problem.</summary>
    public static StructuredOutputTool FromText(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return new StructuredOutputTool(document.RootElement);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"--json-schema is not JSON: {ex.Message}", nameof(text), ex);
        }
    }

    /// <summary>The valid structured output given since the last call, or null; clears it.</summary>
    public JsonElement? Take()
    {
        lock (_gate)
        {
            var value = _value;
            _value = null;
            return value;
        }
    }

    public Task<ToolResult> ExecuteAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        Validate(_schema, arguments, "$", problems);
        if (problems.Count > 0)
        {
            return Task.FromResult(ToolResult.Fail("The output does not match the schema: " + string.Join("; ", problems.Take(20))));
        }
        lock (_gate)
        {
            _value = arguments.Clone();
        }
        return Task.FromResult(ToolResult.Ok("Structured output provided successfully"));
    }

    /// <summary>Checks <paramref name="value"/> against the common JSON Schema keywords; adds one line per problem.</summary>
    internal static void Validate(JsonElement schema, JsonElement value, string path, List<string> problems)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return;
        }
        if (schema.TryGetProperty("type", out var type))
        {
            var allowed = type.ValueKind == JsonValueKind.Array ? [.. type.EnumerateArray().Select(t => t.GetString() ?? "")] : new[] { type.GetString() ?? "" };
            if (!allowed.Any(t => IsOfType(value, t)))
            {
                problems.Add($"{path}: expected {string.Join(" or ", allowed)}, got {Describe(value)}");
                return;
            }
        }
        if (schema.TryGetProperty("enum", out var options) && options.ValueKind == JsonValueKind.Array && !options.EnumerateArray().Any(o => JsonElement.DeepEquals(o, value)))
        {
            problems.Add($"{path}: {value.GetRawText()} is not one of {options.GetRawText()}");
        }
        if (schema.TryGetProperty("const", out var constant) && !JsonElement.DeepEquals(constant, value))
        {
            problems.Add($"{path}: must be {constant.GetRawText()}");
        }
        if (value.ValueKind == JsonValueKind.Object)
        {
            if (schema.TryGetProperty("required", out var required) && required.ValueKind == JsonValueKind.Array)
            {
                foreach (var name in required.EnumerateArray().Select(r => r.GetString()).OfType<string>())
                {
                    if (!value.TryGetProperty(name, out _))
                    {
                        problems.Add($"{path}: missing required property '{name}'");
                    }
                }
            }
            var properties = schema.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
            var closed = schema.TryGetProperty("additionalProperties", out var extra) && extra.ValueKind == JsonValueKind.False;
            foreach (var property in value.EnumerateObject())
            {
                if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(property.Name, out var propertySchema))
                {
                    Validate(propertySchema, property.Value, $"{path}.{property.Name}", problems);
                }
                else if (closed)
                {
                    problems.Add($"{path}: property '{property.Name}' is not allowed");
                }
            }
        }
        if (value.ValueKind == JsonValueKind.Array && schema.TryGetProperty("items", out var items))
        {
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                Validate(items, item, string.Create(CultureInfo.InvariantCulture, $"{path}[{i++}]"), problems);
            }
        }
    }

    private static bool IsOfType(JsonElement value, string type) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "number" => value.ValueKind == JsonValueKind.Number,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => value.ValueKind == JsonValueKind.Null,
        _ => true,
    };

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => value.ValueKind.ToString().ToLowerInvariant(),
    };
}
