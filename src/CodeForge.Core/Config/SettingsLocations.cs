using System.Collections.Immutable;
using CodeForge.Core.Paths;

namespace CodeForge.Core.Config;

/// <summary>
/// The settings files of one project, lowest precedence first. At each scope the Claude Code file is read before the
/// CodeForge one, so an existing <c>.claude/</c> project works unchanged and <c>.forge/</c> wins where both set a value.
/// </summary>
/// <param name="HomeDirectory">The user's home (holds <c>.forge/</c> and <c>.claude/</c>).</param>
/// <param name="ProjectDirectory">The project root.</param>
/// <param name="ManagedSettingsPath">Administrator settings, applied last and unoverridable.</param>
public sealed record SettingsLocations(string HomeDirectory, string ProjectDirectory, string ManagedSettingsPath = "/etc/forge/managed-settings.json")
{
    /// <summary>The settings files read before the command line, lowest precedence first.</summary>
    public ImmutableArray<SettingsSource> FilesBeforeCommandLine =>
    [
        new(SettingsScope.User, Path.Combine(HomeDirectory, ForgeFiles.ClaudeDirectory, ForgeFiles.SettingsFile)),
        new(SettingsScope.User, Path.Combine(HomeDirectory, ForgeFiles.ForgeDirectory, ForgeFiles.SettingsFile)),
        new(SettingsScope.Project, Path.Combine(ProjectDirectory, ForgeFiles.ClaudeDirectory, ForgeFiles.SettingsFile)),
        new(SettingsScope.Project, Path.Combine(ProjectDirectory, ForgeFiles.ForgeDirectory, ForgeFiles.SettingsFile)),
        new(SettingsScope.Local, Path.Combine(ProjectDirectory, ForgeFiles.ClaudeDirectory, ForgeFiles.LocalSettingsFile)),
        new(SettingsScope.Local, Path.Combine(ProjectDirectory, ForgeFiles.ForgeDirectory, ForgeFiles.LocalSettingsFile)),
    ];

    /// <summary>
    /// Files that are not settings but whose change reloads them (a new version that changes no setting), so what is read
    /// from them for a version (the MCP server files <c>.mcp.json</c> and <c>~/.forge/mcp.json</c>) follows them while
    /// forge runs. Watched like the settings files.
    /// </summary>
    public ImmutableArray<string> AlsoWatched { get; init; } = [];

    /// <summary>The managed settings file.</summary>
    public SettingsSource Managed => new(SettingsScope.Managed, ManagedSettingsPath);

    /// <summary>Where "always allow in this project" answers are written.</summary>
    public string LocalSettingsPath => Path.Combine(ProjectDirectory, ForgeFiles.ForgeDirectory, ForgeFiles.LocalSettingsFile);

    /// <summary>The usual locations: <c>$HOME</c> and the given project directory.</summary>
    public static SettingsLocations ForProject(string projectDirectory) =>
        new(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), Path.GetFullPath(projectDirectory));
}
