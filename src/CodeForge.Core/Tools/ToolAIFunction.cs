using System.Text.Json;
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
            json = ToolArguments.ToJson(arguments, JsonSerializerOptions);
        }
        catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or JsonException or ArgumentException)
        {
            return $"Error: the arguments for tool '{Name}' could not be read as JSON: {ex.Message}";
        }
        var result = await _executor.ExecuteAsync(Name, json, context, cancellationToken).ConfigureAwait(false);
        return result.ToDisplay();
    }
}
