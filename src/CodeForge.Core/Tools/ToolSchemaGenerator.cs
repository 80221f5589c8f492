using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.AI;

namespace CodeForge.Core.Tools;

/// <summary>
/// Generates a tool's argument schema from its arguments record with <see cref="AIJsonUtilities.CreateJsonSchema"/> over
/// the record's source-generated contract (no reflection-based serialization), then brings it to the shape tools have
/// always sent: one <c>"type"</c> per value (an optional <c>long?</c> is <c>"integer"</c>, not
/// <c>["integer","null"]</c>: absent and <c>null</c> mean the same to every tool), no <c>"default": null</c> from the
/// record's optional parameters, a <see cref="DefaultValueAttribute"/> as <c>"default"</c>, no <c>"maximum"</c> or
/// <c>"maxLength"</c> of <see cref="int.MaxValue"/> (<c>[Range(0, int.MaxValue)]</c> only says "at least 0";
/// <c>[StringLength(int.MaxValue, MinimumLength = 1)]</c> is used for "not empty" because <c>[MinLength]</c> is not
/// trim-safe), an
/// <see cref="ItemsDescriptionAttribute"/> as the array items' <c>"description"</c>, and a <c>"required"</c> list on every
/// object, empty when nothing is required.
/// </summary>
/// <remarks>Stateless and thread-safe: each call builds a fresh schema.</remarks>
internal static class ToolSchemaGenerator
{
    private static readonly AIJsonSchemaCreateOptions Options = new() { TransformSchemaNode = Transform };

    /// <summary>The schema of <typeparamref name="T"/> as a fresh object.</summary>
    public static JsonObject Generate<T>(JsonTypeInfo<T> typeInfo)
    {
        var schema = AIJsonUtilities.CreateJsonSchema(typeof(T), serializerOptions: typeInfo.Options, inferenceOptions: Options);
        return JsonNode.Parse(schema.GetRawText())!.AsObject();
    }

    private static JsonNode Transform(AIJsonSchemaCreateContext context, JsonNode node)
    {
        if (node is not JsonObject schema)
        {
            return node;
        }
        if (schema["type"] is JsonArray types && types.Where(t => t?.GetValueKind() == JsonValueKind.String && t.GetValue<string>() != "null").ToList() is [var single])
        {
            schema["type"] = single!.GetValue<string>();
        }
        if (schema.TryGetPropertyValue("default", out var defaultValue) && defaultValue is null)
        {
            schema.Remove("default");
        }
        if (context.GetCustomAttribute<DefaultValueAttribute>() is { Value: { } value })
        {
            schema["default"] = value switch
            {
                bool b => JsonValue.Create(b),
                string s => JsonValue.Create(s),
                int i => JsonValue.Create(i),
                long l => JsonValue.Create(l),
                _ => throw new InvalidOperationException($"[DefaultValue] of type {value.GetType().Name} is not supported in tool arguments ({context.PropertyInfo?.Name})."),
            };
        }
        RemoveNoLimit(schema, "maximum");
        RemoveNoLimit(schema, "maxLength");
        if (context.GetCustomAttribute<ItemsDescriptionAttribute>() is { } items && schema["items"] is JsonObject itemSchema)
        {
            itemSchema["description"] = items.Description;
        }
        if (schema["properties"] is JsonObject && schema["required"] is null)
        {
            schema["required"] = new JsonArray();
        }
        return schema;
    }

    /// <summary>A limit of <see cref="int.MaxValue"/> (from <c>[Range(0, int.MaxValue)]</c> or <c>[StringLength(int.MaxValue, MinimumLength = 1)]</c>) means "no limit": not rendered.</summary>
    private static void RemoveNoLimit(JsonObject schema, string keyword)
    {
        if (schema[keyword] is JsonValue limit
            && double.TryParse(limit.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value == int.MaxValue)
        {
            schema.Remove(keyword);
        }
    }
}

/// <summary>The description of each element of an array argument, rendered as its <c>items</c> schema's <c>description</c>.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
internal sealed class ItemsDescriptionAttribute(string description) : Attribute
{
    /// <summary>What one element is, written for the model.</summary>
    public string Description { get; } = description;
}
