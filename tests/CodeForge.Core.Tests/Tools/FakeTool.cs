using System.Text.Json;
using CodeForge.Core.Tools;

namespace CodeForge.Core.Tests.Tools;

/// <summary>A test tool whose behaviour is a callback (the dotnet/extensions fake style). Counts its calls.</summary>
public sealed class FakeTool(
    string name,
    ToolCategory category = ToolCategory.Other,
    ToolSchema? schema = null,
    Func<JsonElement, ToolContext, CancellationToken, Task<ToolResult>>? execute = null) : ITool
{
    private int _calls;

    public string Name { get; } = name;

    public string Description { get; init; } = $"Fake tool {name}";

    public ToolCategory Category { get; } = category;

    public ToolSchema Schema { get; } = schema ?? ToolSchema.Empty;

    public int Calls => Volatile.Read(ref _calls);

    public JsonElement LastArguments { get; private set; }

    public Task<ToolResult> ExecuteAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        LastArguments = arguments.Clone();
        return execute is null ? Task.FromResult(ToolResult.Ok($"ran {Name}")) : execute(arguments, context, cancellationToken);
    }
}
