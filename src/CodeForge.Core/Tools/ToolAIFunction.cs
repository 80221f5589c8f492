using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace CodeForge.Core.Tools;

/// <summary>
/// A registered tool seen as a <c>Microsoft.Extensions.AI</c> <see cref="AIFunction"/>: the name, description and JSON
/// Schema come from the tool; invoking it runs the call through the <see cref="ToolExecutor"/> (lookup, validation,
/// timeout, history) and returns what the model should read (<see cref="ToolResult.ToDisplay"/>).
/// </summary>
/// <remarks>
/// Immutable and thread-safe: concurrent invocations are independent. The call's <see cref="ToolContext"/> is the one
/// given to <see cref="ToolExecutor.AsAITools"/>, unless <see cref="AIFunctionArguments.Context"/> holds a
/// <see cref="ToolContext"/> under the key <c>typeof(ToolContext)</c>. Arguments are converted to JSON without reflection
/// for JSON elements and nodes, strings, bools and numbers; other values go through
/// <see cref="AIFunction.JsonSerializerOptions"/>' type info (source-generated contracts under AOT).
/// </remarks>
internal sealed class ToolAIFunction : AIFunction
{
    private readonly ToolExecutor _executor;
    private readonly ToolContext _context;

    public ToolAIFunction(ToolExecutor executor, ITool tool, ToolContext context)
    {
        _executor = executor;
        _context = context;
        Tool = tool;
        Name = tool.Name;
        Description = tool.Description;
        JsonSchema = tool.Schema.JsonSchema;
    }

    public ITool Tool { get; }

    public override string Name { get; }

    public override string Description { get; }

    public override JsonElement JsonSchema { get; }

    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(Tool) ? Tool : base.GetService(serviceType, serviceKey);
    }

    protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        var context = arguments.Context is { } bag && bag.TryGetValue(typeof(ToolContext), out var value) && value is ToolContext given
            ? given
            : _context;
        JsonElement json;
        try
        {
            json = ToJson(arguments);
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or JsonException or ArgumentException)
        {
            return $"Error: the arguments for tool '{Name}' could not be read as JSON: {ex.Message}";
        }
        var result = await _executor.ExecuteAsync(Name, json, context, cancellationToken).ConfigureAwait(false);
        return result.ToDisplay();
    }

    private JsonElement ToJson(AIFunctionArguments arguments)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in arguments)
            {
                writer.WritePropertyName(key);
                WriteValue(writer, value);
            }
            writer.WriteEndObject();
        }
        return JsonElement.Parse(buffer.WrittenSpan);
    }

    private void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonElement { ValueKind: JsonValueKind.Undefined }:
                writer.WriteNullValue();
                break;
            case JsonElement element:
                element.WriteTo(writer);
                break;
            case JsonNode node:
                node.WriteTo(writer);
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case int i:
                writer.WriteNumberValue(i);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case double d:
                writer.WriteNumberValue(d);
                break;
            case float f:
                writer.WriteNumberValue(f);
                break;
            case decimal m:
                writer.WriteNumberValue(m);
                break;
            default:
                JsonSerializer.Serialize(writer, value, JsonSerializerOptions.GetTypeInfo(value.GetType()));
                break;
        }
    }
}
