using CodeForge.Core.Paths;

namespace CodeForge.Core.Permissions;

/// <summary>
/// Where a rule was written: its layer, the settings file and the place in it (e.g. <c>permissions.deny[2]</c>), and the
/// directory that a rule path starting with a single <c>/</c> is relative to.
/// </summary>
/// <remarks>Immutable; safe to share between threads.</remarks>
/// <param name="Layer">The layer the rule belongs to.</param>
/// <param name="FilePath">The settings file, or null for rules that do not come from a file (session, defaults).</param>
/// <param name="Location">The place in the file or origin, e.g. <c>permissions.deny[2]</c>.</param>
/// <param name="BaseDirectory">
/// The directory that <c>Edit(/src/**)</c> is relative to; null means the working directory at check time.
/// </param>
public sealed record RuleSource(PermissionLayer Layer, string? FilePath = null, string? Location = null, string? BaseDirectory = null)
{
    /// <summary>Rules added during the session; <c>/x</c> paths are relative to the working directory.</summary>
    public static RuleSource Session { get; } = new(PermissionLayer.Session);

    /// <summary>
    /// A source for a rule in a settings file. Its base directory is the project (or home) directory holding the
    /// <c>.forge</c> or <c>.claude</c> folder the file is in, otherwise the file's own directory.
    /// </summary>
    public static RuleSource ForSettingsFile(PermissionLayer layer, string filePath, string location)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(filePath);
        var full = Path.GetFullPath(filePath);
        var dir = Path.GetDirectoryName(full) ?? full;
        var name = Path.GetFileName(dir);
        if (ForgeFiles.IsConfigDirectory(name))
        {
            dir = Path.GetDirectoryName(dir) ?? dir;
        }
        return new RuleSource(layer, full, location, dir);
    }

    /// <summary>The same source at another location in the same file.</summary>
    public RuleSource At(string location) => this with { Location = location };

    /// <summary>E.g. <c>/repo/.forge/settings.json permissions.deny[2]</c>, or <c>session</c>.</summary>
    public override string ToString()
    {
        var layer = Layer switch
        {
            PermissionLayer.ProjectLocal => "project-local",
            PermissionLayer.CommandLine => "command-line",
            _ => Layer.ToString().ToLowerInvariant(),
        };
        return (FilePath, Location) switch
        {
            (not null, not null) => $"{FilePath} {Location}",
            (not null, null) => FilePath,
            (null, not null) => $"{layer} {Location}",
            _ => layer,
        };
    }
}
