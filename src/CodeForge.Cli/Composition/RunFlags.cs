using System.Collections.Immutable;
using CodeForge.Core.Agent;
using CodeForge.Core.Config;
using CodeForge.Core.Plugins;
using CodeForge.Providers;
using Microsoft.Extensions.AI;

namespace CodeForge.Cli.Composition;

/// <summary>A <c>--plugin-dir</c> (or <c>--plugin-dir-no-mcp</c>, the Agent SDK's <c>skipMcpDiscovery</c>): a plugin loaded
/// for this run only.</summary>
/// <param name="Path">The plugin's root directory (absolute).</param>
/// <param name="LoadMcpServers">False for <c>--plugin-dir-no-mcp</c>: the plugin's MCP servers do not start.</param>
/// <remarks>Immutable.</remarks>
internal sealed record PluginDirectory(string Path, bool LoadMcpServers = true);

/// <summary>
/// How the runtime honours the run flags the Agent SDK passes beyond the settings: <c>--fallback-model</c> (resolved at
/// start, a bad one refused with why), <c>--agent</c> (the main thread's agent type), <c>--plugin-dir</c> and
/// <c>--strict-mcp-config</c>. Kept here so that the runtime stages and the runtime only call in.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
internal static class RunFlags
{
    /// <summary>The fallback models resolved against the main model's provider; null (reported) when one cannot be used.</summary>
    public static ImmutableArray<ProviderConfig>? ResolveFallbacks(ForgeOptions o, ProviderConfig main, Settings settings, Func<string, string?> environment, DiagnosticLog log)
    {
        ArgumentNullException.ThrowIfNull(o);
        ArgumentNullException.ThrowIfNull(main);
        var list = ImmutableArray.CreateBuilder<ProviderConfig>();
        foreach (var model in o.FallbackModels)
        {
            ProviderConfig next;
            try
            {
                var alias = ModelCatalog.FindAlias(model);
                var sameProvider = alias is null || alias.Provider == main.Kind;
                next = new ProviderResolver(environment).Resolve(new ProviderOptions(sameProvider ? o.Provider : null, model),
                    new ProviderSettings(sameProvider ? settings.Provider : null, null));
            }
            catch (ProviderConfigurationException ex)
            {
                log.Error($"--fallback-model {model}: {ex.Message}");
                return null;
            }
            if (next.Model == main.Model && next.Kind == main.Kind)
            {
                log.Error($"--fallback-model {model}: the fallback model cannot be the main model ({main.Model}); name another one");
                return null;
            }
            list.Add(next);
        }
        return list.ToImmutable();
    }

    /// <summary>The client of <paramref name="provider"/>, under the fallback layer when there are fallback models.</summary>
    public static IChatClient WithFallbacks(IChatClient client, ProviderConfig provider, ImmutableArray<ProviderConfig> fallbacks,
        Func<ProviderConfig, IChatClient> create, RetryRelay relay)
    {
        ArgumentNullException.ThrowIfNull(relay);
        var usable = fallbacks.IsDefault ? [] : fallbacks.Where(f => !(f.Model == provider.Model && f.Kind == provider.Kind)).ToList();
        return usable.Count == 0 ? client : new ModelFallbackChatClient(client, provider.Model, usable.Select(f => (f.Model, create(f))), relay.OnFallback);
    }

    /// <summary>The plugins of this run whose MCP servers start: none with <c>--strict-mcp-config</c>, and not those of a
    /// <c>--plugin-dir-no-mcp</c>.</summary>
    public static IEnumerable<LoadedPlugin> McpPlugins(ForgeOptions o, IEnumerable<LoadedPlugin> plugins) =>
        o.StrictMcpConfig ? [] : plugins.Where(p => !o.PluginDirectories.Any(d => !d.LoadMcpServers && SamePath(d.Path, p.Root)));

    /// <summary>The <c>--agent</c> type in <paramref name="catalog"/>; null, with an error naming the known ones, when absent.</summary>
    public static AgentDefinition? FindMainAgent(string name, AgentCatalog catalog, DiagnosticLog log)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        if (catalog.Find(name) is { } agent)
        {
            try
            {
                // A plugin agent's prompt is read on first use: read it now, so a file that went away is an error here.
                _ = agent.SystemPrompt;
                return agent;
            }
            catch (Core.Skills.MarkdownBodyException ex)
            {
                log.Error($"--agent {name}: {ex.Message}");
                return null;
            }
        }
        log.Error($"--agent {name}: no agent of that name (from --agents, .forge/agents, .claude/agents or a plugin); known: {string.Join(", ", catalog.Agents.Select(a => a.Name))}");
        return null;
    }

    /// <summary>The main thread's system prompt as <paramref name="agent"/>: its own prompt, then the environment block.</summary>
    public static string AgentSystemPrompt(AgentDefinition agent, SystemPromptContext context) =>
        agent.SystemPrompt.TrimEnd() + "\n\n" + SystemPrompt.Environment(context).Trim()
        + (string.IsNullOrWhiteSpace(context.Append) ? "" : "\n\n" + context.Append.Trim());

    private static bool SamePath(string a, string b) =>
        string.Equals(System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(a)), System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(b)), StringComparison.Ordinal);
}
