using CodeForge.Cli.Composition;
using CodeForge.Cli.Runtime;

namespace CodeForge.Cli.StreamJson;

/// <summary>
/// What <c>forge -p --input-format stream-json --output-format stream-json</c> was asked for: the run's options and the
/// flags that only the stream-json session reads (the Agent SDK passes them).
/// </summary>
internal sealed record StreamJsonArgs
{
    public required ForgeOptions Options { get; init; }

    /// <summary><c>--include-partial-messages</c>: <c>stream_event</c> lines as the answer streams.</summary>
    public bool IncludePartialMessages { get; init; }

    /// <summary><c>--replay-user-messages</c>: each user message read is echoed back with <c>isReplay: true</c>.</summary>
    public bool ReplayUserMessages { get; init; }

    /// <summary><c>--debug</c>: protocol diagnostics on stderr.</summary>
    public bool Debug { get; init; }

    /// <summary><c>--permission-prompt-tool stdio</c>: ask the SDK (<c>can_use_tool</c>) when the rules say "ask".</summary>
    public bool PermissionPromptStdio { get; init; }

    /// <summary><c>--system-prompt</c>: replaces forge's system prompt.</summary>
    public string? SystemPrompt { get; init; }

    /// <summary><c>--json-schema</c>: the schema of the structured output.</summary>
    public string? JsonSchema { get; init; }

    /// <summary><c>--max-budget-usd</c>: a turn stops once the session's cost reaches it.</summary>
    public decimal? MaxBudgetUsd { get; init; }

    /// <summary><c>--tools</c>: the built-in tools the model may use (null: all; empty: none).</summary>
    public IReadOnlyList<string>? Tools { get; init; }

    /// <summary><c>--mcp-config</c>: MCP server configurations (files or JSON strings).</summary>
    public IReadOnlyList<string> McpConfigs { get; init; } = [];

    /// <summary><c>--strict-mcp-config</c>: only the servers of <see cref="McpConfigs"/>.</summary>
    public bool StrictMcpConfig { get; init; }

    /// <summary>A one-shot prompt (stream-json output with text input): run it as the only turn, then exit.</summary>
    public string? Prompt { get; init; }
}
