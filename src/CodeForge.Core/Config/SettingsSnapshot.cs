using System.Collections.Immutable;

namespace CodeForge.Core.Config;

/// <summary>One whole, immutable view of the settings: the merge, what was wrong, and a version that only grows.</summary>
/// <param name="Settings">The merged settings.</param>
/// <param name="Diagnostics">Every problem found in any file of this load.</param>
/// <param name="Version">1 for the first load, +1 per reload.</param>
public sealed record SettingsSnapshot(Settings Settings, ImmutableArray<SettingsDiagnostic> Diagnostics, long Version)
{
    public bool HasErrors => Diagnostics.Any(d => d.IsError);
}
