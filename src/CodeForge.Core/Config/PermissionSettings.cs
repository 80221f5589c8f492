using System.Collections.Immutable;
using CodeForge.Core.Permissions;

namespace CodeForge.Core.Config;

/// <summary>
/// Puts the permission part of a settings version into a <see cref="PermissionChecker"/>: the rules of every scope, the
/// directories, <c>disableBypassPermissionsMode</c> and (when asked) the mode — all in one policy update, so a check
/// racing the change sees the old settings or the new ones, never a mix. Session rules (answers given while working) are
/// kept.
/// </summary>
/// <remarks>Stateless and thread-safe; the checker serialises its own updates.</remarks>
public static class PermissionSettings
{
    private static readonly (SettingsScope Scope, PermissionLayer Layer)[] Layers =
    [
        (SettingsScope.User, PermissionLayer.User), (SettingsScope.Project, PermissionLayer.Project),
        (SettingsScope.Local, PermissionLayer.ProjectLocal), (SettingsScope.CommandLine, PermissionLayer.CommandLine),
        (SettingsScope.Managed, PermissionLayer.Managed),
    ];

    /// <summary>
    /// Applies <paramref name="settings"/> to <paramref name="checker"/>; returns the rules that were rejected, each naming
    /// its file and key. <paramref name="applyMode"/> sets the mode from <c>defaultMode</c> (at start-up, or when the
    /// setting itself changed: a mode the user picked since is otherwise kept).
    /// </summary>
    public static ImmutableArray<SettingsDiagnostic> Apply(PermissionChecker checker, Settings settings, string workingDirectory, bool applyMode)
    {
        ArgumentNullException.ThrowIfNull(checker);
        ArgumentNullException.ThrowIfNull(settings);
        var problems = ImmutableArray.CreateBuilder<SettingsDiagnostic>();
        var layers = new List<(PermissionLayer, PermissionRuleSet)>();
        foreach (var (scope, layer) in Layers)
        {
            var allow = settings.Allow.Where(r => r.Source.Scope == scope).ToList();
            var ask = settings.Ask.Where(r => r.Source.Scope == scope).ToList();
            var deny = settings.Deny.Where(r => r.Source.Scope == scope).ToList();
            var loaded = PermissionRuleSet.Load(layer, allow.Select(r => r.Text), ask.Select(r => r.Text), deny.Select(r => r.Text));
            foreach (var error in loaded.Errors)
            {
                var entry = allow.Concat(ask).Concat(deny).FirstOrDefault(r => error.Message.Contains(r.Text, StringComparison.Ordinal));
                problems.Add(new SettingsDiagnostic(entry?.Source ?? new SettingsSource(scope, scope.ToString()), 0, entry?.Location ?? "", error.Message));
            }
            layers.Add((layer, loaded.Rules));
        }
        var hasMode = PermissionModes.TryParse(settings.DefaultMode, out var mode);
        var additional = settings.AdditionalDirectories.Where(Path.IsPathFullyQualified).ToList();
        checker.Update(policy =>
        {
            foreach (var (layer, rules) in layers)
            {
                policy = policy.WithLayer(layer, rules);
            }
            if (applyMode && hasMode)
            {
                policy = policy.WithMode(mode);
            }
            return policy.WithDirectories(workingDirectory, additionalDirectories: additional)
                .WithBypassPermissionsDisabled(settings.DisableBypassPermissionsMode);
        });
        return problems.ToImmutable();
    }

    /// <summary>True when the permission part of <paramref name="before"/> and <paramref name="after"/> differs.</summary>
    public static bool Differ(Settings before, Settings after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        static IEnumerable<string> Key(Settings s) =>
            s.Allow.Select(r => $"allow {r.Source.Scope} {r.Text}")
                .Concat(s.Ask.Select(r => $"ask {r.Source.Scope} {r.Text}"))
                .Concat(s.Deny.Select(r => $"deny {r.Source.Scope} {r.Text}"))
                .Concat(s.AdditionalDirectories.Select(d => "dir " + d))
                .Append("mode " + s.DefaultMode)
                .Append("bypass " + s.DisableBypassPermissionsMode);
        return !Key(before).SequenceEqual(Key(after), StringComparer.Ordinal);
    }
}
