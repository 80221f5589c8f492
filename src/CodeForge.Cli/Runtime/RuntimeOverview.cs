using System.Collections.Immutable;
using System.Globalization;
using CodeForge.Core.Agent;
using CodeForge.Core.Config;
using CodeForge.Core.Hooks;
using CodeForge.Core.Permissions;
using CodeForge.Core.Todos;
using CodeForge.Mcp.Client;

namespace CodeForge.Cli.Runtime;

/// <summary>A loaded plugin as a front end lists it.</summary>
/// <remarks>Immutable; safe to share between threads.</remarks>
internal sealed record PluginSummary(string Name, string Root, ImmutableArray<string> SkillNames);

/// <summary>A skill as a front end lists it.</summary>
/// <remarks>Immutable; safe to share between threads.</remarks>
internal sealed record SkillSummary(string Name, string Description);

/// <summary>
/// What a running forge has loaded, as values a front end describes (<c>/config</c>, <c>/todos</c>, <c>/skills</c>,
/// <c>/plugins</c>, <c>/hooks</c>, <c>/mcp</c>, <c>/memory</c>): taken from <see cref="ForgeRuntime.Overview"/> so the
/// front end never reaches into the runtime's parts.
/// </summary>
/// <remarks>
/// Immutable: a copy of each part's state when it was taken; <see cref="MemoryFiles"/> reads the files on first use
/// (thread-safe <see cref="Lazy{T}"/>).
/// </remarks>
internal sealed record RuntimeOverview
{
    public required string Model { get; init; }

    public required string ProviderName { get; init; }

    public required PermissionMode Mode { get; init; }

    /// <summary>The settings as last read and the problems of that read.</summary>
    public required SettingsSnapshot Settings { get; init; }

    public required string SessionId { get; init; }

    public string? TranscriptPath { get; init; }

    public required TodoListSnapshot Todos { get; init; }

    public ImmutableArray<SkillSummary> Skills { get; init; } = [];

    public ImmutableArray<PluginSummary> Plugins { get; init; } = [];

    /// <summary>Hook source (<c>settings</c>, <c>plugin:x</c>, <c>sdk</c>) → its hooks.</summary>
    public ImmutableArray<KeyValuePair<string, ImmutableArray<HookDefinition>>> Hooks { get; init; } = [];

    public ImmutableArray<McpServerStatus> McpServers { get; init; } = [];

    /// <summary>The instruction files the next turn would load.</summary>
    public Lazy<IReadOnlyList<MemoryFile>> MemoryFiles { get; init; } = new(() => []);

    /// <summary>The lines that describe <paramref name="topic"/>, or one line saying this build has none.</summary>
    public IReadOnlyList<string> Describe(string topic)
    {
        switch (topic)
        {
            case "config":
                var s = Settings.Settings;
                return [
                    $"model: {Model} ({ProviderName})",
                    $"permission mode: {Mode.ToSettingsName()}",
                    string.Create(CultureInfo.InvariantCulture, $"rules: {s.Allow.Length} allow, {s.Ask.Length} ask, {s.Deny.Length} deny"),
                    $"additional directories: {(s.AdditionalDirectories.Length == 0 ? "none" : string.Join(", ", s.AdditionalDirectories))}",
                    string.Create(CultureInfo.InvariantCulture, $"session: {SessionId} ({TranscriptPath ?? "not saved"})"),
                    .. Settings.Diagnostics.Select(d => "⚠ " + d),
                ];
            case "todos":
                return Todos.Items.Length == 0 ? ["No tasks yet."] : [.. Todos.Render().Split('\n', StringSplitOptions.RemoveEmptyEntries)];
            case "skills":
                return [.. Skills.Select(sk => $"{sk.Name} — {sk.Description}")];
            case "plugins":
                return [.. Plugins.Select(pl => $"{pl.Name} ({pl.Root}) skills: {string.Join(", ", pl.SkillNames)}")];
            case "hooks":
                return [.. Hooks.SelectMany(src => src.Value.Select(h => $"{h.Event} [{src.Key}] {h.Command}"))];
            case "mcp":
                return [.. McpServers.Select(st => $"{st.Name}: {st.State}{(st.Error is null ? "" : " — " + st.Error)} ({st.Tools.Length} tools)")];
            case "memory":
                return [.. MemoryFiles.Value.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Path} ({m.Content.Length} chars)"))];
            default:
                return [$"No {topic} in this build."];
        }
    }
}
