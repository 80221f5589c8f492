using System.Collections.Immutable;

namespace CodeForge.Core.Config;

/// <summary>One whole, immutable view of the settings: the merge, what was wrong, and a version that only grows.</summary>
/// <param name="Settings">The merged settings.</param>
/// <param name="Diagnostics">Every problem found in any file of this load.</param>
/// <param name="Version">1 for the first load, +1 per reload.</param>
public sealed record SettingsSnapshot(Settings Settings, ImmutableArray<SettingsDiagnostic> Diagnostics, long Version)
{
    public bool HasErrors => Diagnostics.Any(d => d.IsError);

    /// <summary>The settings files this snapshot was merged from, lowest precedence first: the text read and what it says.
    /// A file that is broken now appears with its last good text (see <see cref="SettingsStore"/>).</summary>
    public ImmutableArray<SettingsFileContent> Files { get; init; } = [];
}

/// <summary>One settings file as it took part in a load.</summary>
/// <param name="Source">The file and its scope.</param>
/// <param name="Text">The JSON text read (the last good text when the file is broken now).</param>
/// <param name="Fragment">What the text says.</param>
public sealed record SettingsFileContent(SettingsSource Source, string Text, SettingsFragment Fragment);
