using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;

namespace CodeForge.Core.Tools;

/// <summary>
/// Checks a model's tool-call arguments against the subset of JSON Schema the built-in tools' schemas use (<c>type</c>,
/// <c>properties</c>, <c>required</c>, <c>items</c>, string <c>enum</c>, <c>minLength</c>/<c>maxLength</c> in Unicode code
/// points, <c>minimum</c>/<c>maximum</c>), naming the argument (<c>'todos[1].status'</c>) and what is wrong.
/// </summary>
/// <remarks>Stateless and thread-safe; the schema and arguments are immutable <see cref="JsonElement"/>s.</remarks>
internal static class ToolArgumentValidator
{
    /// <summary>At most this many problems are listed; the rest are counted.</summary>
    public const int MaxReportedErrors = 20;

    /// <summary>Validates <paramref name="arguments"/> (undefined or <c>null</c> counts as <c>{}</c>) against <paramref name="schema"/>.</summary>
    public static ImmutableArray<string> Validate(JsonElement schema, JsonElement arguments)
    {
        var errors = new Errors();
        switch (arguments.ValueKind)
        {
            case JsonValueKind.Undefined:
            case JsonValueKind.Null:
                ValidateObject(schema, null, "", errors);
                break;
            case JsonValueKind.Object:
                ValidateObject(schema, arguments, "", errors);
                break;
            default:
                errors.Add($"the arguments must be a JSON object, got {Describe(arguments)}");
                break;
        }
        return errors.ToImmutable();
    }

    /// <summary>Only that the arguments are an object with every <paramref name="required"/> property (an MCP tool's own server checks the rest).</summary>
    public static ImmutableArray<string> ValidateRequired(ImmutableArray<string> required, JsonElement arguments)
    {
        var errors = new Errors();
        if (arguments.ValueKind is not (JsonValueKind.Object or JsonValueKind.Undefined or JsonValueKind.Null))
        {
            errors.Add($"the arguments must be a JSON object, got {Describe(arguments)}");
        }
        foreach (var name in required)
        {
            if (arguments.ValueKind != JsonValueKind.Object || !arguments.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                errors.Add($"'{name}' is required");
            }
        }
        return errors.ToImmutable();
    }

    private static void ValidateObject(JsonElement schema, JsonElement? obj, string prefix, Errors errors)
    {
        var required = schema.TryGetProperty("required", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Where(n => n.ValueKind == JsonValueKind.String).Select(n => n.GetString()!).ToList()
            : [];
        var declared = new HashSet<string>(StringComparer.Ordinal);
        if (schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in properties.EnumerateObject())
            {
                declared.Add(property.Name);
                if (TryGetPresent(obj, property.Name, out var value))
                {
                    ValidateValue(property.Value, value, prefix + property.Name, errors);
                }
                else if (required.Contains(property.Name, StringComparer.Ordinal))
                {
                    errors.Add($"'{prefix}{property.Name}' is required");
                }
            }
        }
        foreach (var name in required.Where(n => !declared.Contains(n) && !TryGetPresent(obj, n, out _)))
        {
            errors.Add($"'{prefix}{name}' is required");
        }
    }

    private static bool TryGetPresent(JsonElement? obj, string name, out JsonElement value)
    {
        value = default;
        return obj is { } o && o.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;
    }

    private static void ValidateValue(JsonElement schema, JsonElement v, string path, Errors errors)
    {
        var type = schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String
            ? t.GetString()
            : null;
        switch (type)
        {
            case null:
                return;
            case "string" when v.ValueKind == JsonValueKind.String:
                ValidateString(schema, v.GetString()!, path, errors);
                return;
            case "integer" when v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var l):
                ValidateRange(schema, l, v, path, errors);
                return;
            case "number" when v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && double.IsFinite(d):
                ValidateRange(schema, d, v, path, errors);
                return;
            case "boolean" when v.ValueKind is JsonValueKind.True or JsonValueKind.False:
                return;
            case "array" when v.ValueKind == JsonValueKind.Array:
                if (schema.TryGetProperty("items", out var items))
                {
                    var index = 0;
                    foreach (var item in v.EnumerateArray())
                    {
                        ValidateValue(items, item, $"{path}[{index++}]", errors);
                    }
                }
                return;
            case "object" when v.ValueKind == JsonValueKind.Object:
                ValidateObject(schema, v, path + ".", errors);
                return;
            default:
                errors.Add($"'{path}' must be {TypeName(type)}, got {Describe(v)}");
                return;
        }
    }

    private static void ValidateString(JsonElement schema, string s, string path, Errors errors)
    {
        if (schema.TryGetProperty("enum", out var allowed) && allowed.ValueKind == JsonValueKind.Array
            && !allowed.EnumerateArray().Any(a => a.ValueKind == JsonValueKind.String && string.Equals(a.GetString(), s, StringComparison.Ordinal)))
        {
            errors.Add($"'{path}' must be one of {string.Join(", ", allowed.EnumerateArray().Select(a => a.ValueKind == JsonValueKind.String ? Quote(a.GetString()!) : a.GetRawText()))}; got {Quote(s)}");
            return;
        }
        var minLength = Integer(schema, "minLength");
        var maxLength = Integer(schema, "maxLength");
        if (minLength is null && maxLength is null)
        {
            return;
        }
        var length = 0;
        foreach (var _ in s.EnumerateRunes())
        {
            length++;
        }
        if (length < minLength)
        {
            errors.Add($"'{path}' must be at least {Characters(minLength.Value)} long, got {length}");
        }
        else if (length > maxLength)
        {
            errors.Add($"'{path}' must be at most {Characters(maxLength.Value)} long, got {length}");
        }
    }

    private static void ValidateRange(JsonElement schema, double value, JsonElement raw, string path, Errors errors)
    {
        var minimum = Number(schema, "minimum");
        var maximum = Number(schema, "maximum");
        if (value < minimum || value > maximum)
        {
            var rule = (minimum, maximum) switch
            {
                ({ } min, { } max) => $"between {Format(min)} and {Format(max)}",
                ({ } min, null) => $">= {Format(min)}",
                (_, { } max) => $"<= {Format(max)}",
                _ => "in range",
            };
            errors.Add($"'{path}' must be {rule}, got {raw.GetRawText()}");
        }
    }

    private static int? Integer(JsonElement schema, string keyword) =>
        schema.TryGetProperty(keyword, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;

    private static double? Number(JsonElement schema, string keyword) =>
        schema.TryGetProperty(keyword, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) ? d : null;

    private static string TypeName(string type) => type switch
    {
        "string" => "a string",
        "integer" => "an integer (a whole number such as 5, not 5.5 or \"5\")",
        "number" => "a number",
        "boolean" => "a boolean (true or false)",
        "array" => "an array",
        "object" => "an object",
        _ => $"of type {type}",
    };

    /// <summary>A value as a model would recognise it in an error: <c>the string "x"</c>, <c>5</c>, <c>an array</c>.</summary>
    public static string Describe(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => $"the string {Quote(v.GetString()!)}",
        JsonValueKind.Number => v.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "nothing",
    };

    private static string Quote(string s) => s.Length <= 40 ? $"\"{s}\"" : $"\"{s[..40]}…\"";

    private static string Characters(int n) => n == 1 ? "1 character" : $"{n} characters";

    private static string Format(double d) => d.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Collects up to <see cref="MaxReportedErrors"/> problems and counts the rest.</summary>
    private sealed class Errors
    {
        private readonly List<string> _items = [];
        private int _dropped;

        public void Add(string error)
        {
            if (_items.Count < MaxReportedErrors)
            {
                _items.Add(error);
            }
            else
            {
                _dropped++;
            }
        }

        public ImmutableArray<string> ToImmutable() =>
            _dropped == 0 ? [.. _items] : [.. _items, $"and {_dropped} more problem{(_dropped == 1 ? "" : "s")}"];
    }
}
