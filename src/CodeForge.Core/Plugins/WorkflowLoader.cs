using System.Collections.Immutable;
using System.Text;
using CodeForge.Core.Commands;
using CodeForge.Core.Paths;
using CodeForge.Core.Skills;

namespace CodeForge.Core.Plugins;

/// <summary>
/// Finds dynamic workflows where Claude Code 2.1.337 finds them: the <c>*.js</c> files (not in subfolders; <c>.mjs</c>,
/// <c>.cjs</c> and <c>.ts</c> are not workflows) of <c>~/.claude/workflows</c>, of each project level's
/// <c>.claude/workflows</c> (forge also reads <c>.forge/workflows</c>; a nearer level overrides a farther one and the
/// user's), and of a plugin's <c>workflows/</c> (or the manifest's <c>workflows</c> paths, folders or <c>.js</c> files,
/// which replace it). A workflow is named by its <c>meta.name</c>, prefixed <c>plugin:</c> in a plugin. A file over
/// 512 KiB, unreadable, or whose <c>meta</c> does not parse is skipped with a diagnostic naming it.
/// </summary>
/// <remarks>Stateless; safe to call from any thread. It only reads the file system; the scripts are not run.</remarks>
public static class WorkflowLoader
{
    /// <summary>The workflows directories of the user and the project, lowest precedence first.</summary>
    public static ImmutableArray<(string Directory, CommandScope Scope)> SearchDirectories(string homeDirectory, string projectDirectory, string? workingDirectory = null) =>
        [.. SkillDiscovery.SearchDirectories(homeDirectory, projectDirectory, workingDirectory)
            .Where(d => ForgeFiles.IsConfigDirectory(Path.GetFileName(Path.GetDirectoryName(d.Directory))))
            .Select(d => (Path.Combine(Path.GetDirectoryName(d.Directory)!, "workflows"), d.Scope == SkillScope.User ? CommandScope.User : CommandScope.Project))];

    /// <summary>The user's and the project's workflows (a nearer definition of a name replaces a farther one).</summary>
    public static WorkflowLoadResult Discover(string homeDirectory, string projectDirectory, string? workingDirectory = null)
    {
        var diagnostics = new List<LoadDiagnostic>();
        var byName = new Dictionary<string, WorkflowDefinition>(StringComparer.Ordinal);
        foreach (var (dir, scope) in SearchDirectories(homeDirectory, projectDirectory, workingDirectory))
        {
            foreach (var workflow in LoadDirectory(dir, scope, diagnostics))
            {
                byName[workflow.Name] = workflow;
            }
        }
        return new WorkflowLoadResult([.. byName.Values.OrderBy(w => w.Name, StringComparer.Ordinal)], [.. diagnostics]);
    }

    /// <summary>A plugin's workflows: <paramref name="paths"/> (the manifest's) when given, else <c>workflows/</c>.</summary>
    public static IReadOnlyList<WorkflowDefinition> LoadPlugin(string pluginRoot, string pluginName, IReadOnlyList<string>? paths, ICollection<LoadDiagnostic> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(pluginRoot);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var result = new List<WorkflowDefinition>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in paths ?? [Path.Combine(pluginRoot, "workflows")])
        {
            var found = path.EndsWith(".js", StringComparison.Ordinal) && File.Exists(path)
                ? LoadFile(path, CommandScope.Plugin, diagnostics, pluginName, pluginRoot) is { } one ? [one] : []
                : LoadDirectory(path, CommandScope.Plugin, diagnostics, pluginName, pluginRoot);
            foreach (var workflow in found)
            {
                if (names.Add(workflow.Name))
                {
                    result.Add(workflow);
                }
                else
                {
                    diagnostics.Add(LoadDiagnostic.Fail(workflow.Path, null, $"another workflow of this plugin is already named '{workflow.Name}'; workflow skipped"));
                }
            }
        }
        return result;
    }

    /// <summary>Every <c>*.js</c> directly in <paramref name="directory"/> (none when it does not exist).</summary>
    public static IReadOnlyList<WorkflowDefinition> LoadDirectory(string directory, CommandScope scope, ICollection<LoadDiagnostic> diagnostics,
        string? pluginName = null, string? pluginRoot = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(diagnostics);
        if (!Directory.Exists(directory))
        {
            return [];
        }
        string[] files;
        try
        {
            files = [.. Directory.EnumerateFiles(directory, "*.js").Where(f => f.EndsWith(".js", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            diagnostics.Add(LoadDiagnostic.Fail(directory, null, $"cannot list the workflows directory: {ex.Message}"));
            return [];
        }
        return [.. files.Select(f => LoadFile(f, scope, diagnostics, pluginName, pluginRoot)).OfType<WorkflowDefinition>()];
    }

    /// <summary>Reads one workflow file's <c>meta</c>; null (with a diagnostic naming the file) when it is skipped.</summary>
    public static WorkflowDefinition? LoadFile(string file, CommandScope scope, ICollection<LoadDiagnostic> diagnostics, string? pluginName = null, string? pluginRoot = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var text = Read(file, out var problem);
        if (text is null)
        {
            diagnostics.Add(LoadDiagnostic.Fail(file, null, problem + "; workflow skipped"));
            return null;
        }
        if (WorkflowScript.Parse(text, out var error) is not { } script)
        {
            diagnostics.Add(LoadDiagnostic.Fail(file, null, $"invalid workflow meta: {error}; workflow skipped"));
            return null;
        }
        var name = pluginName is null ? script.Meta.Name : $"{pluginName}:{script.Meta.Name}";
        if (name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            diagnostics.Add(LoadDiagnostic.Fail(file, null, $"the workflow name '{script.Meta.Name}' contains spaces; workflow skipped"));
            return null;
        }
        return new WorkflowDefinition
        {
            Name = name,
            Meta = script.Meta,
            Path = Path.GetFullPath(file),
            Scope = scope,
            PluginName = pluginName,
            PluginRoot = pluginRoot,
        };
    }

    /// <summary>A workflow file's text (UTF-8), or null with the reason (too large, unreadable).</summary>
    public static string? Read(string file, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(file);
        try
        {
            var info = new FileInfo(file);
            if (!info.Exists)
            {
                problem = "the workflow file does not exist";
                return null;
            }
            if (info.Length > WorkflowScript.MaxBytes)
            {
                problem = $"the workflow file exceeds {WorkflowScript.MaxBytes} bytes";
                return null;
            }
            problem = null;
            return File.ReadAllText(file, Encoding.UTF8);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problem = $"cannot read the workflow file: {ex.Message}";
            return null;
        }
    }
}
