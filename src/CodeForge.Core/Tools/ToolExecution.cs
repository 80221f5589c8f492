using System.Text.Json;

namespace CodeForge.Core.Tools;

/// <summary>One entry of <see cref="ToolExecutor"/>'s history: which tool ran with which arguments, and what came of it.</summary>
/// <param name="ToolName">The name the call asked for (it may not have been registered).</param>
/// <param name="Arguments">A private copy of the arguments (safe to keep after the caller's document is disposed).</param>
/// <param name="Context">The context the call ran in.</param>
/// <param name="Result">The result, with its duration.</param>
/// <param name="StartedAt">When the executor took the call, from its <see cref="TimeProvider"/>.</param>
/// <param name="CompletedAt">When the result was ready.</param>
/// <remarks>Immutable; safe to share.</remarks>
public sealed record ToolExecution(
    string ToolName,
    JsonElement Arguments,
    ToolContext Context,
    ToolResult Result,
    DateTimeOffset StartedAt,
    DateTimeOffset CompletedAt);
