using CodeForge.Core.Permissions;

namespace CodeForge.Core.Hooks;

/// <summary>One command hook, as configured: the event, the group's matcher, the handler. Immutable.</summary>
/// <param name="Event">When it runs.</param>
/// <param name="Matcher">What the event's target (tool name, source, ...) must match.</param>
/// <param name="Command">The command line, run with <c>bash -c</c> (<c>${CLAUDE_PLUGIN_ROOT}</c> already substituted).</param>
/// <param name="Origin">Where it was configured: file and key, e.g. <c>/repo/.forge/settings.json hooks.PreToolUse[0].hooks[1]</c>.</param>
public sealed record HookDefinition(HookEvent Event, HookMatcher Matcher, string Command, string Origin)
{
    /// <summary>Seconds before the hook is killed, or null for the runner's default.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>The <c>if</c> permission rule (tool events only): the hook runs only for calls it matches.</summary>
    public PermissionRule? If { get; init; }

    /// <summary>The plugin's directory for plugin hooks (exported as <c>CLAUDE_PLUGIN_ROOT</c>), else null.</summary>
    public string? PluginRoot { get; init; }

    /// <summary>The plugin's data folder for plugin hooks (exported as <c>CLAUDE_PLUGIN_DATA</c>, created first), else null.</summary>
    public string? PluginData { get; init; }

    /// <summary>The <c>statusMessage</c> to show while it runs, if any.</summary>
    public string? StatusMessage { get; init; }

    /// <summary>
    /// Identical handlers run once per event: two definitions with the same key (the command, and the plugin root it
    /// runs with) are one handler, wherever they were configured.
    /// </summary>
    public string DedupKey => PluginRoot is null ? Command : Command + "\0" + PluginRoot;
}

/// <summary>A problem in a hook configuration: where (file, line, key) and why. Warnings leave the hook loaded.</summary>
/// <param name="Source">The file (or plugin) it came from.</param>
/// <param name="Line">1-based line, or 0 when unknown.</param>
/// <param name="Key">JSON path, e.g. <c>hooks.PreToolUse[0].matcher</c>.</param>
/// <param name="Message">Why.</param>
/// <param name="IsError">False for warnings.</param>
public sealed record HookConfigDiagnostic(string Source, int Line, string Key, string Message, bool IsError = true)
{
    public override string ToString() =>
        $"{Source}{(Line > 0 ? $":{Line}" : "")}: {(IsError ? "error" : "warning")}: {(Key.Length > 0 ? Key + ": " : "")}{Message}";
}
