using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CodeForge.Core.Tools;

/// <summary>
/// The parameters of one tool: renders them to a JSON Schema object (<see cref="JsonSchema"/>) and validates a model's
/// arguments against them (<see cref="Validate"/>): required, types, string enums, string lengths and numeric ranges,
/// recursively into array items and object properties. Unknown extra arguments are ignored, as in the original; JSON
/// <c>null</c> counts as absent; <c>true</c>/<c>false</c> is never a number.
/// </summary>
/// <remarks>
/// <para>Concurrency: immutable after construction; every member may be called concurrently from any thread.
/// <see cref="JsonSchema"/> is an immutable <see cref="JsonElement"/>, and <see cref="ToJsonObject"/> returns a fresh
/// object each call, so a caller can never change what another caller sees.</para>
/// <para>The constructor checks the definitions once (names, duplicates, rules that fit the type, defaults that satisfy
/// the rules) and throws an <see cref="ArgumentException"/> naming the parameter, so a broken tool fails at startup,
/// not in front of a model.</para>
/// </remarks>
public sealed class ToolSchema
{
    /// <summary>At most this many problems are listed by <see cref="Validate"/>; the rest are counted.</summary>
    public const int MaxReportedErrors = 20;

    /// <summary>A schema with no parameters: <c>{"type":"object","properties":{},"required":[]}</c>.</summary>
    public static ToolSchema Empty { get; } = new([]);

    /// <summary>Checks <paramref name="parameters"/> and builds the schema.</summary>
    /// <exception cref="ArgumentException">A parameter definition is inconsistent; the message names it and says why.</exception>
    public ToolSchema(IEnumerable<ToolParameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var list = CheckProperties(parameters.ToImmutableArray(), prefix: "");
        Parameters = list;
        JsonSchema = JsonElement.Parse(RenderObject(list).ToJsonString());
    }

    /// <summary>Builds a schema from the given parameters (see the constructor).</summary>
    public static ToolSchema Create(params ToolParameter[] parameters) => new(parameters);

    private ToolSchema(JsonElement rawSchema, ImmutableArray<string> rawRequired)
    {
        Parameters = [];
        JsonSchema = rawSchema;
        _rawRequired = rawRequired;
    }

    /// <summary>
    /// A schema taken as given from elsewhere (an MCP server's <c>inputSchema</c>): rendered unchanged (with
    /// <c>"type":"object"</c> and <c>"properties"</c> added when missing), and validated only for what the tool's owner
    /// cannot check better: the arguments are an object and every top-level <c>required</c> property is present. The owner
    /// of the schema validates the rest. <see cref="Parameters"/> is empty.
    /// </summary>
    /// <exception cref="ArgumentException">The schema is not a JSON object, or its <c>type</c> is not <c>"object"</c>.</exception>
    public static ToolSchema FromJsonSchema(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException($"A tool's JSON schema must be an object, got {Describe(schema)}.", nameof(schema));
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

    private readonly ImmutableArray<string>? _rawRequired;

    /// <summary>
    /// The parameters, in declaration order: private copies, so changing a list or node given to the constructor later
    /// changes neither the schema nor its validation.
    /// </summary>
    public ImmutableArray<ToolParameter> Parameters { get; }

    /// <summary>The JSON Schema of the arguments object (immutable, shared).</summary>
    public JsonElement JsonSchema { get; }

    /// <summary>A fresh, mutable copy of <see cref="JsonSchema"/>, ready to embed in a tool definition.</summary>
    public JsonObject ToJsonObject() => JsonObject.Create(JsonSchema)!;

    /// <summary>
    /// Validates a tool call's arguments. Returns the problems, each naming the argument and what is wrong in words a
    /// model can act on; empty when the arguments are valid. An undefined or <c>null</c> element counts as <c>{}</c>.
    /// </summary>
    public ImmutableArray<string> Validate(JsonElement arguments)
    {
        var errors = new Errors();
        if (_rawRequired is { } rawRequired)
        {
            if (arguments.ValueKind is not (JsonValueKind.Object or JsonValueKind.Undefined or JsonValueKind.Null))
            {
                errors.Add($"the arguments must be a JSON object, got {Describe(arguments)}");
            }
            foreach (var name in rawRequired)
            {
                if (arguments.ValueKind != JsonValueKind.Object || !arguments.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
                {
                    errors.Add($"'{name}' is required");
                }
            }
            return errors.ToImmutable();
        }
        switch (arguments.ValueKind)
        {
            case JsonValueKind.Undefined:
            case JsonValueKind.Null:
                ValidateObject(Parameters, null, "", errors);
                break;
            case JsonValueKind.Object:
                ValidateObject(Parameters, arguments, "", errors);
                break;
            default:
                errors.Add($"the arguments must be a JSON object, got {Describe(arguments)}");
                break;
        }
        return errors.ToImmutable();
    }

    // ---- definitions -------------------------------------------------------------------------------------------

    private static ImmutableArray<ToolParameter> CheckProperties(ImmutableArray<ToolParameter> parameters, string prefix)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var checkedParameters = ImmutableArray.CreateBuilder<ToolParameter>(parameters.Length);
        foreach (var p in parameters)
        {
            if (p is null)
            {
                throw new ArgumentException($"A parameter{(prefix.Length == 0 ? "" : $" of '{prefix.TrimEnd('.')}'")} is null.", nameof(parameters));
            }
            CheckName(p.Name, prefix);
            var path = prefix + p.Name;
            if (!seen.Add(p.Name))
            {
                throw new ArgumentException($"Parameter '{path}' is declared more than once.", nameof(parameters));
            }
            checkedParameters.Add(CheckParameter(p, path));
        }
        return checkedParameters.MoveToImmutable();
    }

    private static void CheckName(string? name, string prefix)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
        {
            throw new ArgumentException(
                $"Parameter name '{prefix}{name}' is invalid: use 1 to 64 characters from A-Z, a-z, 0-9, '_', '.' and '-'.");
        }
    }

    /// <summary>Checks one definition and returns a private, immutable copy of it.</summary>
    private static ToolParameter CheckParameter(ToolParameter p, string path)
    {
        void Fail(string why) => throw new ArgumentException($"Parameter '{path}': {why}.");

        if (!Enum.IsDefined(p.Type))
        {
            Fail($"type {(int)p.Type} is not a ToolParameterType");
        }
        if (p.Description is null)
        {
            Fail("the description is null");
        }
        var isString = p.Type == ToolParameterType.String;
        var isNumeric = p.Type is ToolParameterType.Integer or ToolParameterType.Number;
        if (p.EnumValues is not null)
        {
            if (!isString)
            {
                Fail("enum values are only allowed on string parameters");
            }
            if (p.EnumValues.Count == 0)
            {
                Fail("the enum is empty, so no value could ever be valid");
            }
            if (p.EnumValues.Any(v => v is null))
            {
                Fail("an enum value is null");
            }
            if (p.EnumValues.Distinct(StringComparer.Ordinal).Count() != p.EnumValues.Count)
            {
                Fail("the enum lists a value twice");
            }
        }
        if (p.MinLength is not null || p.MaxLength is not null)
        {
            if (!isString)
            {
                Fail("minLength/maxLength are only allowed on string parameters");
            }
            if (p.MinLength < 0 || p.MaxLength < 0)
            {
                Fail("minLength/maxLength must not be negative");
            }
            if (p.MinLength > p.MaxLength)
            {
                Fail($"minLength {p.MinLength} is greater than maxLength {p.MaxLength}");
            }
        }
        if (p.Minimum is not null || p.Maximum is not null)
        {
            if (!isNumeric)
            {
                Fail("minimum/maximum are only allowed on integer and number parameters");
            }
            if (p.Minimum is { } min && !double.IsFinite(min) || p.Maximum is { } max && !double.IsFinite(max))
            {
                Fail("minimum/maximum must be finite numbers");
            }
            if (p.Minimum > p.Maximum)
            {
                Fail($"minimum {Format(p.Minimum!.Value)} is greater than maximum {Format(p.Maximum!.Value)}");
            }
        }
        ToolParameter? items = null;
        if (p.Items is not null)
        {
            if (p.Type != ToolParameterType.Array)
            {
                Fail("items are only allowed on array parameters");
            }
            items = CheckParameter(p.Items, path + "[]");
        }
        ImmutableArray<ToolParameter>? properties = null;
        if (p.Properties is not null)
        {
            if (p.Type != ToolParameterType.Object)
            {
                Fail("properties are only allowed on object parameters");
            }
            properties = CheckProperties(p.Properties.ToImmutableArray(), path + ".");
        }
        var copy = p with
        {
            EnumValues = p.EnumValues is null ? null : ImmutableArray.CreateRange(p.EnumValues),
            Items = items,
            Properties = properties,
        };
        if (p.DefaultValue is not null)
        {
            var node = ToNode(p.DefaultValue);
            if (node is null)
            {
                Fail($"the default value has unsupported type {p.DefaultValue.GetType().Name} (use a string, bool, number, JsonElement or JsonNode)");
            }
            var element = JsonElement.Parse(node!.ToJsonString());
            var errors = new Errors();
            ValidateValue(copy, element, path, errors);
            if (errors.Count > 0)
            {
                Fail($"the default value is invalid: {string.Join("; ", errors.ToImmutable())}");
            }
            // A mutable JsonNode default is frozen into an immutable JsonElement.
            copy = copy with { DefaultValue = p.DefaultValue is JsonNode ? element : p.DefaultValue };
        }
        return copy;
    }

    // ---- rendering ---------------------------------------------------------------------------------------------

    private static JsonObject RenderObject(IEnumerable<ToolParameter> parameters)
    {
        var properties = new JsonObject();
        var required = new JsonArray();
        foreach (var p in parameters)
        {
            properties[p.Name] = RenderParameter(p);
            if (p.Required)
            {
                required.Add((JsonNode)JsonValue.Create(p.Name));
            }
        }
        return new JsonObject { ["type"] = "object", ["properties"] = properties, ["required"] = required };
    }

    private static JsonObject RenderParameter(ToolParameter p)
    {
        var o = new JsonObject { ["type"] = TypeKeyword(p.Type) };
        if (!string.IsNullOrEmpty(p.Description))
        {
            o["description"] = p.Description;
        }
        if (p.EnumValues is not null)
        {
            var values = new JsonArray();
            foreach (var v in p.EnumValues)
            {
                values.Add((JsonNode)JsonValue.Create(v));
            }
            o["enum"] = values;
        }
        if (p.DefaultValue is not null)
        {
            o["default"] = ToNode(p.DefaultValue);
        }
        if (p.MinLength is { } minLength)
        {
            o["minLength"] = minLength;
        }
        if (p.MaxLength is { } maxLength)
        {
            o["maxLength"] = maxLength;
        }
        if (p.Minimum is { } minimum)
        {
            o["minimum"] = minimum;
        }
        if (p.Maximum is { } maximum)
        {
            o["maximum"] = maximum;
        }
        if (p.Items is not null)
        {
            o["items"] = RenderParameter(p.Items);
        }
        if (p.Properties is not null)
        {
            var inner = RenderObject(p.Properties);
            o["properties"] = inner["properties"]!.DeepClone();
            o["required"] = inner["required"]!.DeepClone();
        }
        return o;
    }

    private static string TypeKeyword(ToolParameterType type) => type switch
    {
        ToolParameterType.String => "string",
        ToolParameterType.Integer => "integer",
        ToolParameterType.Number => "number",
        ToolParameterType.Boolean => "boolean",
        ToolParameterType.Array => "array",
        _ => "object",
    };

    /// <summary>An AOT-safe conversion of a supported default value to a fresh JSON node; null when unsupported.</summary>
    private static JsonNode? ToNode(object value) => value switch
    {
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        double d when double.IsFinite(d) => JsonValue.Create(d),
        float f when float.IsFinite(f) => JsonValue.Create(f),
        decimal m => JsonValue.Create(m),
        JsonElement e when e.ValueKind != JsonValueKind.Undefined => JsonNode.Parse(e.GetRawText()),
        JsonNode n => n.DeepClone(),
        _ => null,
    };

    // ---- validation --------------------------------------------------------------------------------------------

    private static void ValidateObject(IEnumerable<ToolParameter> parameters, JsonElement? obj, string prefix, Errors errors)
    {
        foreach (var p in parameters)
        {
            var path = prefix + p.Name;
            if (obj is not { } o || !o.TryGetProperty(p.Name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                if (p.Required)
                {
                    errors.Add($"'{path}' is required");
                }
                continue;
            }
            ValidateValue(p, value, path, errors);
        }
    }

    private static void ValidateValue(ToolParameter p, JsonElement v, string path, Errors errors)
    {
        switch (p.Type)
        {
            case ToolParameterType.String when v.ValueKind == JsonValueKind.String:
                ValidateString(p, v.GetString()!, path, errors);
                return;
            case ToolParameterType.Integer when v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var l):
                ValidateRange(p, l, v, path, errors);
                return;
            case ToolParameterType.Number when v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && double.IsFinite(d):
                ValidateRange(p, d, v, path, errors);
                return;
            case ToolParameterType.Boolean when v.ValueKind is JsonValueKind.True or JsonValueKind.False:
                return;
            case ToolParameterType.Array when v.ValueKind == JsonValueKind.Array:
                if (p.Items is not null)
                {
                    var index = 0;
                    foreach (var item in v.EnumerateArray())
                    {
                        ValidateValue(p.Items, item, $"{path}[{index++}]", errors);
                    }
                }
                return;
            case ToolParameterType.Object when v.ValueKind == JsonValueKind.Object:
                if (p.Properties is not null)
                {
                    ValidateObject(p.Properties, v, path + ".", errors);
                }
                return;
            default:
                errors.Add($"'{path}' must be {TypeName(p.Type)}, got {Describe(v)}");
                return;
        }
    }

    private static void ValidateString(ToolParameter p, string s, string path, Errors errors)
    {
        if (p.EnumValues is { } allowed && !allowed.Contains(s, StringComparer.Ordinal))
        {
            errors.Add($"'{path}' must be one of {string.Join(", ", allowed.Select(Quote))}; got {Quote(s)}");
            return;
        }
        if (p.MinLength is null && p.MaxLength is null)
        {
            return;
        }
        var length = 0;
        foreach (var _ in s.EnumerateRunes())
        {
            length++;
        }
        if (length < p.MinLength)
        {
            errors.Add($"'{path}' must be at least {Characters(p.MinLength.Value)} long, got {length}");
        }
        else if (length > p.MaxLength)
        {
            errors.Add($"'{path}' must be at most {Characters(p.MaxLength.Value)} long, got {length}");
        }
    }

    private static void ValidateRange(ToolParameter p, double value, JsonElement raw, string path, Errors errors)
    {
        if (value < p.Minimum || value > p.Maximum)
        {
            var rule = (p.Minimum, p.Maximum) switch
            {
                ({ } min, { } max) => $"between {Format(min)} and {Format(max)}",
                ({ } min, null) => $">= {Format(min)}",
                (_, { } max) => $"<= {Format(max)}",
                _ => "in range",
            };
            errors.Add($"'{path}' must be {rule}, got {raw.GetRawText()}");
        }
    }

    private static string TypeName(ToolParameterType type) => type switch
    {
        ToolParameterType.String => "a string",
        ToolParameterType.Integer => "an integer (a whole number such as 5, not 5.5 or \"5\")",
        ToolParameterType.Number => "a number",
        ToolParameterType.Boolean => "a boolean (true or false)",
        ToolParameterType.Array => "an array",
        _ => "an object",
    };

    private static string Describe(JsonElement v) => v.ValueKind switch
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

        public int Count => _items.Count + _dropped;

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
