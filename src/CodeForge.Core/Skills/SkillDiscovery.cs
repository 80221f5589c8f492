using System.Collections.Immutable;
using CodeForge.Core.Paths;

namespace CodeForge.Core.Skills;

/// <summary>The skills found by <see cref="SkillDiscovery"/> (precedence already applied) and every problem met.</summary>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record SkillLoadResult(ImmutableArray<SkillDefinition> Skills, ImmutableArray<LoadDiagnostic> Diagnostics);

/// <summary>
/// Finds <c>SKILL.md</c> files in <c>&lt;dir&gt;/.agents/skills/&lt;name&gt;/</c>, <c>.claude/skills</c> and
/// <c>.forge/skills</c> under the home directory and the project, and loads them. Precedence, lowest first: home
/// (<c>.agents</c>, <c>.claude</c>, <c>.forge</c>), then each project directory from the repository root down to the
/// working directory (same order), so a project skill overrides a user skill of the same name and <c>.forge</c> wins
/// within a level.
/// </summary>
/// <remarks>Stateless; safe to call from any thread. It only reads the file system.</remarks>
public static class SkillDiscovery
{
    /// <summary>The folders searched at each level, lowest precedence first.</summary>
    public static ImmutableArray<string> Folders { get; } = [".agents", ForgeFiles.ClaudeDirectory, ForgeFiles.ForgeDirectory];

    /// <summary>The skills directories to search, lowest precedence first, each with its scope.</summary>
    public static ImmutableArray<(string Directory, SkillScope Scope)> SearchDirectories(string homeDirectory, string projectDirectory, string? workingDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(homeDirectory);
        ArgumentNullException.ThrowIfNull(projectDirectory);
        var result = ImmutableArray.CreateBuilder<(string, SkillScope)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void AddLevel(string baseDir, SkillScope scope)
        {
            foreach (var folder in Folders)
            {
                var dir = Path.GetFullPath(Path.Combine(baseDir, folder, "skills"));
                if (seen.Add(dir))
                {
                    result.Add((dir, scope));
                }
            }
        }
        AddLevel(homeDirectory, SkillScope.User);
        foreach (var dir in ProjectLevels(Path.GetFullPath(projectDirectory), workingDirectory is null ? null : Path.GetFullPath(workingDirectory)))
        {
            AddLevel(dir, SkillScope.Project);
        }
        return result.ToImmutable();
    }

    /// <summary>Discovers and loads the user's and the project's skills (see the class summary).</summary>
    public static SkillLoadResult Discover(string homeDirectory, string projectDirectory, string? workingDirectory = null) =>
        LoadDirectories(SearchDirectories(homeDirectory, projectDirectory, workingDirectory));

    /// <summary>Loads every <c>&lt;dir&gt;/&lt;name&gt;/SKILL.md</c>; a skill in a later directory replaces one of the same name.</summary>
    public static SkillLoadResult LoadDirectories(IEnumerable<(string Directory, SkillScope Scope)> directories, string? pluginName = null, string? pluginRoot = null)
    {
        ArgumentNullException.ThrowIfNull(directories);
        var diagnostics = new List<LoadDiagnostic>();
        var byName = new Dictionary<string, SkillDefinition>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var (directory, scope) in directories)
        {
            foreach (var skill in LoadDirectory(directory, scope, diagnostics, pluginName, pluginRoot))
            {
                if (!byName.ContainsKey(skill.Metadata.Name))
                {
                    order.Add(skill.Metadata.Name);
                }
                byName[skill.Metadata.Name] = skill;
            }
        }
        return new SkillLoadResult([.. order.Order(StringComparer.Ordinal).Select(n => byName[n])], [.. diagnostics]);
    }

    /// <summary>Loads the skills directly under one skills directory (each <c>&lt;name&gt;/SKILL.md</c>), sorted by directory name.</summary>
    public static IReadOnlyList<SkillDefinition> LoadDirectory(string directory, SkillScope scope, ICollection<LoadDiagnostic> diagnostics,
        string? pluginName = null, string? pluginRoot = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(diagnostics);
        if (!Directory.Exists(directory))
        {
            return [];
        }
        var skills = new List<SkillDefinition>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        string[] subdirectories;
        try
        {
            subdirectories = Directory.GetDirectories(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            diagnostics.Add(LoadDiagnostic.Fail(directory, null, $"cannot list the skills directory: {ex.Message}"));
            return [];
        }
        foreach (var sub in subdirectories.Order(StringComparer.Ordinal))
        {
            if (Path.GetFileName(sub).StartsWith('.'))
            {
                continue;
            }
            var file = Path.Combine(sub, SkillFileLoader.FileName);
            if (!File.Exists(file))
            {
                continue;
            }
            var skill = SkillFileLoader.Load(file, scope, diagnostics, pluginName, pluginRoot);
            if (skill is null)
            {
                continue;
            }
            if (!names.Add(skill.Metadata.Name))
            {
                diagnostics.Add(LoadDiagnostic.Fail(file, null, $"another skill in {directory} is already named '{skill.Metadata.Name}'; skill skipped"));
                continue;
            }
            skills.Add(skill);
        }
        return skills;
    }

    /// <summary>
    /// Registers <paramref name="skills"/> in <paramref name="registry"/> in one atomic step; a skill whose name is
    /// already registered is reported and left out.
    /// </summary>
    public static ImmutableArray<LoadDiagnostic> Register(SkillRegistry registry, IEnumerable<SkillDefinition> skills)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(skills);
        var diagnostics = ImmutableArray.CreateBuilder<LoadDiagnostic>();
        while (true)
        {
            var snapshot = registry.Snapshot;
            var fresh = new List<Skill>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            diagnostics.Clear();
            foreach (var definition in skills)
            {
                if (snapshot.Exists(definition.Metadata.Name) || !names.Add(definition.Metadata.Name))
                {
                    diagnostics.Add(LoadDiagnostic.Fail(definition.SourcePath ?? definition.Metadata.Name, null,
                        $"a skill named '{definition.Metadata.Name}' is already registered; skill skipped"));
                    continue;
                }
                fresh.Add(new Skill(definition));
            }
            try
            {
                registry.RegisterMany(fresh);
                return diagnostics.ToImmutable();
            }
            catch (ArgumentException)
            {
                // Someone registered one of the names meanwhile: decide again on the new state.
            }
        }
    }

    private static IEnumerable<string> ProjectLevels(string project, string? cwd)
    {
        yield return project;
        if (cwd is null || cwd == project || !cwd.StartsWith(project + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            yield break;
        }
        var parts = Path.GetRelativePath(project, cwd).Split(Path.DirectorySeparatorChar);
        var current = project;
        foreach (var part in parts)
        {
            current = Path.Combine(current, part);
            yield return current;
        }
    }
}
