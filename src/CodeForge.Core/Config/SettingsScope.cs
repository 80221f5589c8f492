namespace CodeForge.Core.Config;

/// <summary>Where a settings layer comes from, lowest precedence first.</summary>
public enum SettingsScope
{
    /// <summary>Built-in defaults.</summary>
    Defaults,

    /// <summary><c>~/.claude/settings.json</c>, then <c>~/.forge/settings.json</c>.</summary>
    User,

    /// <summary><c>.claude/settings.json</c>, then <c>.forge/settings.json</c> (shared with the team).</summary>
    Project,

    /// <summary><c>.claude/settings.local.json</c>, then <c>.forge/settings.local.json</c> (this machine only).</summary>
    Local,

    /// <summary>Command-line flags (<c>--model</c>, <c>--allowedTools</c>, <c>--settings</c>, ...).</summary>
    CommandLine,

    /// <summary><c>/etc/forge/managed-settings.json</c>: last, and nothing can override it.</summary>
    Managed,
}

/// <summary>One settings file (or the command line) and its scope.</summary>
/// <param name="Scope">The precedence layer.</param>
/// <param name="Path">The file, or a description such as <c>command line</c>.</param>
public sealed record SettingsSource(SettingsScope Scope, string Path)
{
    /// <summary>The directory the file lives in: <c>/path</c> permission patterns are relative to it.</summary>
    public string? BaseDirectory =>
        System.IO.Path.IsPathRooted(Path) ? System.IO.Path.GetDirectoryName(System.IO.Path.GetDirectoryName(Path)) : null;

    public override string ToString() => $"{Path} ({Scope})";
}

/// <summary>A problem found while loading settings: where (file, line, key) and why.</summary>
/// <param name="Source">The file.</param>
/// <param name="Line">1-based line, or 0 when unknown.</param>
/// <param name="Key">The JSON path of the key, e.g. <c>permissions.defaultMode</c>; empty for a whole-file problem.</param>
/// <param name="Message">Why it was rejected.</param>
/// <param name="IsError">False for warnings (e.g. an unknown key, which is ignored).</param>
public sealed record SettingsDiagnostic(SettingsSource Source, int Line, string Key, string Message, bool IsError = true)
{
    public override string ToString() =>
        $"{Source.Path}{(Line > 0 ? $":{Line}" : "")}: {(IsError ? "error" : "warning")}: " +
        $"{(Key.Length > 0 ? Key + ": " : "")}{Message}";
}
