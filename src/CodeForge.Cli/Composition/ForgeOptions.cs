using CodeForge.Core.Agent;
using CodeForge.Core.Hooks;

namespace CodeForge.Cli.Composition;

/// <summary>What a <c>forge</c> run was asked for (flags), shared by headless and interactive runs.</summary>
/// <remarks>Immutable once parsed; safe to share between threads.</remarks>
internal sealed record ForgeOptions
{
    public required string WorkingDirectory { get; init; }
    public int? MaxTurns { get; init; }
    public string? PermissionMode { get; init; }
    public IReadOnlyList<string> AllowedTools { get; init; } = [];
    public IReadOnlyList<string> DisallowedTools { get; init; } = [];
    public string? AppendSystemPrompt { get; init; }
    public string? Model { get; init; }
    public string? Provider { get; init; }
    public bool Continue { get; init; }
    public string? Resume { get; init; }
    public string? SessionId { get; init; }
    public bool ForkSession { get; init; }
    public bool NoSessionPersistence { get; init; }

    /// <summary><c>--agents</c>: subagent types for this run (a definition file of the same name wins).</summary>
    public IReadOnlyList<AgentDefinition> Agents { get; init; } = [];

    /// <summary><c>--effort</c>: reasoning effort over the <c>effort</c> setting.</summary>
    public string? Effort { get; init; }

    /// <summary><c>--max-thinking-tokens</c>: the thinking budget, over the setting and <c>MAX_THINKING_TOKENS</c>.</summary>
    public int? MaxThinkingTokens { get; init; }

    /// <summary><c>--thinking</c> (the Agent SDK's <c>thinking</c> option): adaptive or disabled, over the settings.</summary>
    public string? Thinking { get; init; }

    /// <summary><c>--thinking-display</c>: summarized or omitted (Anthropic's <c>thinking.display</c>).</summary>
    public string? ThinkingDisplay { get; init; }

    /// <summary>The reasoning flags (<c>--thinking</c>, <c>--thinking-display</c>, <c>--max-thinking-tokens</c>) over
    /// <paramref name="fromSettings"/>: the flags win over the settings and <c>MAX_THINKING_TOKENS</c>.</summary>
    public CodeForge.Providers.ReasoningConfig ApplyReasoningFlags(CodeForge.Providers.ReasoningConfig fromSettings)
    {
        ArgumentNullException.ThrowIfNull(fromSettings);
        var reasoning = fromSettings.WithThinkingMode(Thinking, ThinkingDisplay);
        return MaxThinkingTokens is { } budget ? reasoning with { MaxThinkingTokens = budget } : reasoning;
    }

    /// <summary>Say which sandbox is active even when it is the expected one (<c>--verbose</c>).</summary>
    public bool Verbose { get; init; }

    /// <summary>Print each TodoWrite change to stderr (headless text with <c>--verbose</c>).</summary>
    public bool PrintTodos { get; init; }

    /// <summary>Runs hook commands (null: bash); the Agent SDK session routes its own hooks' callbacks through it.</summary>
    public IHookProcessRunner? HookProcesses { get; init; }

    /// <summary><c>--add-dir</c>: more directories the tools may use (absolute).</summary>
    public IReadOnlyList<string> AddDirectories { get; init; } = [];

    /// <summary><c>--settings</c>: a settings file or JSON string for the command-line layer.</summary>
    public string? SettingsFlag { get; init; }

    /// <summary><c>--fallback-model</c>: models tried in order when the main one is overloaded, failing or missing.</summary>
    public IReadOnlyList<string> FallbackModels { get; init; } = [];

    /// <summary><c>--agent</c>: the agent type the main thread runs as (its prompt, tools and model).</summary>
    public string? MainAgent { get; init; }

    /// <summary><c>--plugin-dir</c> / <c>--plugin-dir-no-mcp</c>: plugin directories loaded for this run only.</summary>
    public IReadOnlyList<PluginDirectory> PluginDirectories { get; init; } = [];

    /// <summary><c>--strict-mcp-config</c>: no configured MCP server starts (settings, .mcp.json, plugins); only the
    /// <c>--mcp-config</c> ones do.</summary>
    public bool StrictMcpConfig { get; init; }

    /// <summary><c>--trust-workspace</c>: use the folder's own commands and approvals for this run without remembering it.</summary>
    public bool TrustWorkspace { get; init; }

    /// <summary>The trust decision already taken by the front end (the interactive trust screen); null: decide from the
    /// flag, the user's settings and the remembered trust (headless).</summary>
    public CodeForge.Core.Trust.WorkspaceTrust? Trust { get; init; }

    /// <summary>Register MCP servers' tools as each connects instead of waiting for all (interactive: the prompt is usable at once).</summary>
    public bool McpInBackground { get; init; }

    /// <summary><c>--output-format json|stream-json</c>: start-up problems that a text run folds into one stderr line
    /// (MCP servers that failed to start) are only reported in the start-up event, not on stderr.</summary>
    public bool StructuredOutput { get; init; }
}
