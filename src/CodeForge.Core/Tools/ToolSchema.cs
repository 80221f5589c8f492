using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace CodeForge.Core.Tools;

/// <summary>
/// The JSON Schema of a tool's arguments object (<see cref="JsonSchema"/>) and the check of a model's arguments against
/// it (<see cref="Validate"/>). A built-in tool's schema is generated from its arguments record (<see cref="For{T}"/>),
/// and the tool reads the record with <see cref="TryRead{T}"/>; an MCP or plugin tool's schema is taken as its server
/// gives it (<see cref="FromJsonSchema"/>).
/// </summary>
/// <remarks>
/// <para>Concurrency: immutable after construction; every member may be called concurrently from any thread.
/// <see cref="JsonSchema"/> is an immutable <see cref="JsonElement"/>, and <see cref="ToJsonObject"/> returns a fresh
/// object each call, so a caller can never change what another caller sees.</para>
/// <para>Validation (see <see cref="ToolArgumentValidator"/>) names the argument and what is wrong in words a model can
/// act on: required, types, string enums, string lengths and numeric ranges, recursively into array items and object
/// properties. Unknown extra arguments are ignored, as in the original; JSON <c>null</c> counts as absent;
/// <c>true</c>/<c>false</c> is never a number and <c>"5"</c> is never an integer.</para>
/// </remarks>
public sealed class ToolSchema
{
    /// <summary>At most this many problems are listed by <see cref="Validate"/>; the rest are counted.</summary>
    public const int MaxReportedErrors = ToolArgumentValidator.MaxReportedErrors;

    /// <summary>A schema with no parameters: <c>{"type":"object","properties":{},"required":[]}</c>.</summary>
    public static ToolSchema Empty { get; } = new(JsonElement.Parse("""{"type":"object","properties":{},"required":[]}"""), []);

    private readonly ImmutableArray<string>? _ownerValidatesBeyond;

    private ToolSchema(JsonElement schema, ImmutableArray<string>? ownerValidatesBeyond)
    {
        JsonSchema = schema;
        _ownerValidatesBeyond = ownerValidatesBeyond;
    }

    /// <summary>
    /// The schema of the arguments record <typeparamref name="T"/>, generated from its source-generated contract
    /// (property names, <see cref="System.ComponentModel.DescriptionAttribute"/>, data annotations; see
    /// <see cref="ToolSchemaGenerator"/>), then changed by <paramref name="amend"/> (for what only the running tool knows,
    /// such as the agent types of Task) and validated in full. A built-in record's schema is taken from
    /// <see cref="PrecomputedToolSchemas"/>, the generator's own output kept as text, so no start-up pays the reflection.
    /// </summary>
    public static ToolSchema For<T>(JsonTypeInfo<T> typeInfo, Action<JsonObject>? amend = null)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        // The built-in records' schemas are kept as text (the generator's reflection is slow under Native AOT).
        var precomputed = PrecomputedToolSchemas.Find(typeInfo);
        if (precomputed is not null && amend is null)
        {
            return new ToolSchema(JsonElement.Parse(precomputed), null);
        }
        var schema = precomputed is not null ? JsonNode.Parse(precomputed)!.AsObject() : ToolSchemaGenerator.Generate(typeInfo);
        amend?.Invoke(schema);
        return new ToolSchema(JsonElement.Parse(schema.ToJsonString()), null);
    }

    /// <summary>
    /// A schema taken as given from elsewhere (an MCP server's <c>inputSchema</c>): rendered unchanged (with
    /// <c>"type":"object"</c> and <c>"properties"</c> added when missing), and validated only for what the tool's owner
    /// cannot check better: the arguments are an object and every top-level <c>required</c> property is present. The owner
    /// of the schema validates the rest.
    /// </summary>
    /// <exception cref="ArgumentException">The schema is not a JSON object, or its <c>type</c> is not <c>"object"</c>.</exception>
    public static ToolSchema FromJsonSchema(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException($"A tool's JSON schema must be an object, got {ToolArgumentValidator.Describe(schema)}.", nameof(schema));
        }
        var node = JsonObject.Create(schema)!.DeepClone().AsObject();
        if (node["type"] is { } type && (type.GetValueKind() != JsonValueKind.String || type.GetValue<string>() != "object"))
        {
            throw new ArgumentException($"A tool's JSON schema must have \"type\": \"object\", got {type.ToJsonString()}.", nameof(schema));
        }
        node["type"] = "object";
        node["properties"] ??= new JsonObject();
        var required = ImmutableArray.CreateBuilder<string>();
        if (node["required"] is JsonArray list)
        {
            foreach (var item in list)
            {
                if (item?.GetValueKind() == JsonValueKind.String)
                {
                    required.Add(item.GetValue<string>());
                }
            }
        }
        return new ToolSchema(JsonElement.Parse(node.ToJsonString()), required.ToImmutable());
    }

    /// <summary>The JSON Schema of the arguments object (immutable, shared).</summary>
    public JsonElement JsonSchema { get; }

    /// <summary>A fresh, mutable copy of <see cref="JsonSchema"/>, ready to embed in a tool definition.</summary>
    public JsonObject ToJsonObject() => JsonObject.Create(JsonSchema)!;

    /// <summary>
    /// Validates a tool call's arguments. Returns the problems, each naming the argument and what is wrong in words a
    /// model can act on; empty when the arguments are valid. An undefined or <c>null</c> element counts as <c>{}</c>.
    /// </summary>
    public ImmutableArray<string> Validate(JsonElement arguments) =>
        _ownerValidatesBeyond is { } required
            ? ToolArgumentValidator.ValidateRequired(required, arguments)
            : ToolArgumentValidator.Validate(JsonSchema, arguments);

    /// <summary>
    /// Validates <paramref name="arguments"/> (see <see cref="Validate"/>) and reads them as <typeparamref name="T"/>
    /// through its source-generated contract. False with the problems joined in <paramref name="error"/> when they are
    /// invalid, so a tool called without the executor's validation still answers with a clear message, never a raw
    /// <see cref="JsonException"/>.
    /// </summary>
    public bool TryRead<T>(JsonElement arguments, JsonTypeInfo<T> typeInfo, [NotNullWhen(true)] out T? value, out string error)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        value = default;
        var errors = Validate(arguments);
        if (!errors.IsEmpty)
        {
            error = string.Join("; ", errors) + ".";
            return false;
        }
        try
        {
            value = arguments.ValueKind == JsonValueKind.Object
                ? arguments.Deserialize(typeInfo)
                : JsonSerializer.Deserialize("{}", typeInfo);
        }
        catch (JsonException ex)
        {
            error = $"the arguments could not be read: {ex.Message}";
            return false;
        }
        if (value is null)
        {
            error = "the arguments must be a JSON object";
            return false;
        }
        error = "";
        return true;
    }
}
