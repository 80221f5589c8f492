using System.Collections.Immutable;
using System.Text.Json;

namespace CodeForge.Core.Config;

/// <summary>A permission rule as written in a settings file, with where it came from.</summary>
/// <param name="Text">The rule, e.g. <c>Bash(npm run *)</c>.</param>
/// <param name="Source">The file it was read from.</param>
/// <param name="Location">Its key path in that file, e.g. <c>permissions.allow[2]</c>.</param>
public sealed record RuleEntry(string Text, SettingsSource Source, string Location);

/// <summary>
/// What one settings file says: every property is null (or empty) when the file does not set it. Immutable.
/// </summary>
public sealed record SettingsFragment
{
    public string? Model { get; init; }

    public string? Provider { get; init; }

    public string? DefaultMode { get; init; }

    public ImmutableArray<RuleEntry> Allow { get; init; } = [];

    public ImmutableArray<RuleEntry> Ask { get; init; } = [];

    public ImmutableArray<RuleEntry> Deny { get; init; } = [];

    public ImmutableArray<string> AdditionalDirectories { get; init; } = [];

    public ImmutableDictionary<string, string> Env { get; init; } = ImmutableDictionary<string, string>.Empty;

    public ImmutableDictionary<string, bool> EnabledPlugins { get; init; } = ImmutableDictionary<string, bool>.Empty;

    /// <summary>Hook configuration per event name, kept as (immutable) JSON for the hook runner to interpret.</summary>
    public ImmutableDictionary<string, ImmutableArray<JsonElement>> Hooks { get; init; } =
        ImmutableDictionary<string, ImmutableArray<JsonElement>>.Empty;

    public JsonElement? StatusLine { get; init; }

    public bool? DisableBypassPermissionsMode { get; init; }

    public int? CleanupPeriodDays { get; init; }

    /// <summary>The <c>webFetch</c> key (network reach of the web tools).</summary>
    public WebFetchSettings? WebFetch { get; init; }

    /// <summary>The <c>sandbox</c> object, if the file has one.</summary>
    public SandboxSettingsFragment? Sandbox { get; init; }

    /// <summary>The <c>effort</c> key: <c>low</c>, <c>medium</c>, <c>high</c>, <c>max</c> or <c>none</c>.</summary>
    public string? Effort { get; init; }

    /// <summary>The <c>maxThinkingTokens</c> key: the thinking budget (0 turns thinking off).</summary>
    public int? MaxThinkingTokens { get; init; }

    /// <summary>The <c>alwaysThinkingEnabled</c> key.</summary>
    public bool? AlwaysThinkingEnabled { get; init; }

    /// <summary>The <c>outputStyle</c> key: the name of an output style.</summary>
    public string? OutputStyle { get; init; }

    /// <summary>The <c>openaiApi</c> key: <c>responses</c>, <c>chat</c> or <c>auto</c>.</summary>
    public string? OpenAIApi { get; init; }

    /// <summary>An empty fragment: sets nothing.</summary>
    public static SettingsFragment Empty { get; } = new();
}
