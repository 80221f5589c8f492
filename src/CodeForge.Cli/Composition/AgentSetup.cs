using System.Globalization;
using CodeForge.Core.Agent;
using CodeForge.Core.Config;
using CodeForge.Core.Tokens;
using CodeForge.Core.Tools;
using CodeForge.Providers;
using Microsoft.Extensions.AI;

namespace CodeForge.Cli.Composition;

/// <summary>
/// The headless wiring of the context budget, the git context and the Task tool (kept out of HeadlessRunner so that file
/// only calls in). Environment variables, also settable in a settings file's <c>env</c> map:
/// <c>FORGE_CONTEXT_WINDOW</c> (tokens; overrides the model catalog), <c>FORGE_AUTOCOMPACT_PCT</c> (1–100, default 85),
/// <c>FORGE_DISABLE_AUTO_COMPACT</c> (<c>1</c>/<c>true</c>), <c>FORGE_MAX_SUBAGENTS</c> (default 4).
/// </summary>
internal static class AgentSetup
{
    /// <summary>The window used when the catalog does not know the model.</summary>
    public static int DefaultContextWindow(ProviderKind kind) => kind switch
    {
        ProviderKind.Anthropic => 200_000,
        ProviderKind.OpenAI => 128_000,
        ProviderKind.Ollama => 8_192,
        _ => 32_768,
    };

    /// <summary>The context budget of the session; bad values are reported to <paramref name="diagnostics"/> and ignored.</summary>
    public static ContextOptions Context(ProviderConfig provider, Settings settings, Func<string, string?> environment, string? toolOutputDirectory, DiagnosticLog diagnostics)
    {
        string? Get(string name) => environment(name) ?? settings.Env.GetValueOrDefault(name);
        var window = provider.ModelInfo?.ContextWindow ?? DefaultContextWindow(provider.Kind);
        if (Get("FORGE_CONTEXT_WINDOW") is { Length: > 0 } w)
        {
            if (int.TryParse(w, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) && parsed >= 256)
            {
                window = parsed;
            }
            else
            {
                diagnostics.Warning($"FORGE_CONTEXT_WINDOW='{w}' is not a token count of at least 256; using {window}.");
            }
        }
        var threshold = ContextOptions.DefaultAutoCompactThreshold;
        if (Get("FORGE_AUTOCOMPACT_PCT") is { Length: > 0 } p)
        {
            if (double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var pct) && pct is > 0 and <= 100)
            {
                threshold = pct / 100;
            }
            else
            {
                diagnostics.Warning($"FORGE_AUTOCOMPACT_PCT='{p}' is not a percentage in (0, 100]; using {threshold * 100}.");
            }
        }
        var disable = Get("FORGE_DISABLE_AUTO_COMPACT") is { } d && (d == "1" || d.Equals("true", StringComparison.OrdinalIgnoreCase));
        return new ContextOptions(window, TokenCounters.ForModel(provider.Model))
        {
            AutoCompactThreshold = threshold,
            AutoCompact = !disable,
            ToolOutputDirectory = toolOutputDirectory,
        };
    }

    /// <summary>Where the full text of truncated tool results goes: next to the transcript, or in the temp directory.</summary>
    public static string ToolOutputDirectory(string? transcriptPath, string sessionId) =>
        transcriptPath is not null
            ? Path.Combine(Path.GetDirectoryName(transcriptPath)!, sessionId, "tool-results")
            : Path.Combine(Path.GetTempPath(), "forge-tool-results", sessionId);

    /// <summary>The git block of the system prompt (null outside a repository or without git).</summary>
    public static async Task<string?> GitStatusAsync(string cwd, CancellationToken ct) =>
        (await GitContext.ReadAsync(cwd, cancellationToken: ct).ConfigureAwait(false))?.ToPromptText();

    /// <summary>Loads the agent types (warnings to the diagnostics) and registers the Task tool.</summary>
    public static TaskTool RegisterTaskTool(
        ToolRegistry registry, IChatClient client, ToolExecutor executor, ToolContext toolContext, IToolCallAuthorizer authorizer,
        string projectRoot, string home, string environmentPrompt, ChatOptions chatOptions, ContextOptions context,
        Settings settings, Func<string, string?> environment, DiagnosticLog diagnostics, IEnumerable<AgentDefinition>? pluginAgents = null)
    {
        var catalog = AgentDefinitionLoader.Load(projectRoot, home, pluginAgents);
        foreach (var warning in catalog.Warnings)
        {
            diagnostics.Warning($"agent skipped: {warning}");
        }
        var max = SubagentOptions.DefaultMaxConcurrency;
        var raw = environment("FORGE_MAX_SUBAGENTS") ?? settings.Env.GetValueOrDefault("FORGE_MAX_SUBAGENTS");
        if (raw is { Length: > 0 } && !(int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out max) && max > 0))
        {
            diagnostics.Warning($"FORGE_MAX_SUBAGENTS='{raw}' is not a positive number; using {SubagentOptions.DefaultMaxConcurrency}.");
            max = SubagentOptions.DefaultMaxConcurrency;
        }
        var tool = new TaskTool(client, executor, toolContext, authorizer, catalog, new SubagentOptions
        {
            MaxConcurrency = max,
            ChatOptions = chatOptions,
            EnvironmentPrompt = environmentPrompt,
            Context = context,
            ResolveModel = name => ModelCatalog.FindAlias(name)?.ModelId,
        });
        registry.Register(tool);
        return tool;
    }
}
