using System.Text.Json;
using CodeForge.Core.Tools;

namespace CodeForge.Concurrency.Tests.Infrastructure;

/// <summary>
/// The seed's <c>MockTool</c>: description <c>"Mock tool: {name}"</c>, category <see cref="ToolCategory.Other"/>, no
/// parameters; <see cref="ExecuteAsync"/> yields once (the original slept 1 ms) then returns <c>Ok("Executed {name}")</c>.
/// Stateless, so one instance may run concurrently.
/// </summary>
public sealed class MockTool(string name = "MockTool") : ITool
{
    public string Name { get; } = name;

    public string Description => $"Mock tool: {Name}";

    public ToolCategory Category => ToolCategory.Other;

    public ToolSchema Schema => ToolSchema.Empty;

    public async Task<ToolResult> ExecuteAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
    {
        await Task.Yield();
        cancellationToken.ThrowIfCancellationRequested();
        return ToolResult.Ok($"Executed {Name}");
    }

    public override string ToString() => Name;
}
