using System.Collections.Immutable;
using System.Text.Json;

namespace CodeForge.Core.Config;

/// <summary>
/// The effective settings: every layer merged. Lists (permission rules, additional directories, hooks per event) are
/// combined across layers, scalars are taken from the highest layer that sets them, maps merge per key. Immutable.
/// </summary>
public sealed record Settings
{
    public string? Model { get; init; }

    public string? Provider { get; init; }

    /// <summary>The permission mode to start in: <c>default</c> unless a layer says otherwise.</summary>
    public string DefaultMode { get; init; } = "default";

    public ImmutableArray<RuleEntry> Allow { get; init; } = [];

    public ImmutableArray<RuleEntry> Ask { get; init; } = [];

    public ImmutableArray<RuleEntry> Deny { get; init; } = [];

    public ImmutableArray<string> AdditionalDirectories { get; init; } = [];

    public ImmutableDictionary<string, string> Env { get; init; } = ImmutableDictionary<string, string>.Empty;

    public ImmutableDictionary<string, bool> EnabledPlugins { get; init; } = ImmutableDictionary<string, bool>.Empty;

    public ImmutableDictionary<string, ImmutableArray<JsonElement>> Hooks { get; init; } =
        ImmutableDictionary<string, ImmutableArray<JsonElement>>.Empty;

    public JsonElement? StatusLine { get; init; }

    public bool DisableBypassPermissionsMode { get; init; }

    /// <summary>Sessions older than this many days may be cleaned up (Claude Code's default is 30).</summary>
    public int CleanupPeriodDays { get; init; } = 30;

    /// <summary>The <c>webFetch</c> key: which non-public hosts the web tools may reach.</summary>
    public WebFetchSettings WebFetch { get; init; } = WebFetchSettings.Empty;

    /// <summary>How Bash commands are sandboxed (<c>sandbox.enabled</c>, <c>sandbox.network.allowAll</c>).</summary>
    public SandboxSettings Sandbox { get; init; } = SandboxSettings.Default;

    /// <summary>How hard the model thinks (<c>effort</c>: low, medium, high, max, none), or null for the model's default.</summary>
    public string? Effort { get; init; }

    /// <summary>The thinking budget in tokens (<c>maxThinkingTokens</c>; 0 turns thinking off), or null.</summary>
    public int? MaxThinkingTokens { get; init; }

    /// <summary><c>alwaysThinkingEnabled</c>: true thinks on every request, false only when asked; null: the model decides.</summary>
    public bool? AlwaysThinkingEnabled { get; init; }

    /// <summary>The output style (<c>outputStyle</c>: default, concise, explanatory, or a style file's name), or null.</summary>
    public string? OutputStyle { get; init; }

    /// <summary>Which OpenAI API to use (<c>openaiApi</c>: responses, chat, auto), or null for auto.</summary>
    public string? OpenAIApi { get; init; }

    public static Settings Defaults { get; } = new();

    /// <summary>Merges fragments given lowest precedence first.</summary>
    public static Settings Merge(IEnumerable<SettingsFragment> lowestFirst)
    {
        ArgumentNullException.ThrowIfNull(lowestFirst);
        var s = Defaults;
        foreach (var f in lowestFirst)
        {
            s = s with
            {
                Model = f.Model ?? s.Model,
                Provider = f.Provider ?? s.Provider,
                DefaultMode = f.DefaultMode ?? s.DefaultMode,
                Allow = Concat(s.Allow, f.Allow),
                Ask = Concat(s.Ask, f.Ask),
                Deny = Concat(s.Deny, f.Deny),
                AdditionalDirectories = s.AdditionalDirectories.AddRange(f.AdditionalDirectories.Except(s.AdditionalDirectories)),
                Env = s.Env.SetItems(f.Env),
                EnabledPlugins = s.EnabledPlugins.SetItems(f.EnabledPlugins),
                Hooks = MergeHooks(s.Hooks, f.Hooks),
                StatusLine = f.StatusLine ?? s.StatusLine,
                DisableBypassPermissionsMode = s.DisableBypassPermissionsMode || f.DisableBypassPermissionsMode == true,
                CleanupPeriodDays = f.CleanupPeriodDays ?? s.CleanupPeriodDays,
                WebFetch = s.WebFetch.MergeWith(f.WebFetch),
                Sandbox = s.Sandbox.Merge(f.Sandbox),
                Effort = f.Effort ?? s.Effort,
                MaxThinkingTokens = f.MaxThinkingTokens ?? s.MaxThinkingTokens,
                AlwaysThinkingEnabled = f.AlwaysThinkingEnabled ?? s.AlwaysThinkingEnabled,
                OutputStyle = f.OutputStyle ?? s.OutputStyle,
                OpenAIApi = f.OpenAIApi ?? s.OpenAIApi,
            };
        }
        return s;
    }

    /// <summary>Keeps the first occurrence of each rule text (the lowest layer's source is kept for messages).</summary>
    private static ImmutableArray<RuleEntry> Concat(ImmutableArray<RuleEntry> lower, ImmutableArray<RuleEntry> higher)
    {
        if (higher.IsEmpty)
        {
            return lower;
        }
        var seen = lower.Select(r => r.Text).ToHashSet(StringComparer.Ordinal);
        return lower.AddRange(higher.Where(r => seen.Add(r.Text)));
    }

    private static ImmutableDictionary<string, ImmutableArray<JsonElement>> MergeHooks(
        ImmutableDictionary<string, ImmutableArray<JsonElement>> lower,
        ImmutableDictionary<string, ImmutableArray<JsonElement>> higher)
    {
        var merged = lower;
        foreach (var (name, groups) in higher)
        {
            merged = merged.SetItem(name, merged.TryGetValue(name, out var existing) ? existing.AddRange(groups) : groups);
        }
        return merged;
    }
}
