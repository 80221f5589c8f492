using System.Text.Json;

namespace CodeForge.Core.Tools;

/// <summary>A capability the model can call: a name, a description, a category, a parameter schema and the work itself.</summary>
/// <remarks>
/// <para>Concurrency: one tool instance is registered once and shared, so <see cref="ExecuteAsync"/> may run concurrently
/// on many threads for different calls; implementations keep per-call state local. <see cref="Name"/>,
/// <see cref="Description"/>, <see cref="Category"/> and <see cref="Schema"/> must not change after construction (the
/// registry keys the tool by the name it had when registered).</para>
/// <para>Through <see cref="ToolExecutor"/> the arguments have already been validated against <see cref="Schema"/>, and
/// the cancellation token fires on the caller's cancellation or on the context's timeout: honour it. A tool
/// may throw (the executor turns the exception into a failed result) but should report expected failures with
/// <see cref="ToolResult.Fail"/>. Do not block synchronously before the first await: the timeout cannot interrupt a
/// blocked thread.</para>
/// </remarks>
public interface ITool
{
    /// <summary>The unique name the model calls the tool by (1–64 of <c>A-Z a-z 0-9 _ -</c>).</summary>
    string Name { get; }

    /// <summary>What the tool does and when to use it, written for the model.</summary>
    string Description { get; }

    /// <summary>The kind of work the tool does.</summary>
    ToolCategory Category { get; }

    /// <summary>The tool's parameters, their JSON Schema and their validation.</summary>
    ToolSchema Schema { get; }

    /// <summary>Runs the tool with <paramref name="arguments"/> (a JSON object as the model sent it).</summary>
    Task<ToolResult> ExecuteAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken);
}
