using System.Collections.Immutable;
using CodeForge.Core.Skills;
using CodeForge.Core.Paths;

namespace CodeForge.Core.Commands;

/// <summary>The commands found by <see cref="CommandLoader"/> (precedence applied) and every problem met.</summary>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record CommandLoadResult(ImmutableArray<CommandDefinition> Commands, ImmutableArray<LoadDiagnostic> Diagnostics);

/// <summary>
/// Reads custom commands: every <c>*.md</c> under <c>.claude/commands</c> and <c>.forge/commands</c> of the home
/// directory and the project (project overrides user; <c>.forge</c> wins within a level). Subfolders namespace the
/// name with ':' (<c>frontend/test.md</c> is <c>frontend:test</c>). The frontmatter is optional; malformed YAML skips the
/// file (naming file and line); the rest load.
/// </summary>
/// <remarks>Stateless; safe to call from any thread.</remarks>
public static class CommandLoader
{
    /// <summary>The folders searched at each level, lowest precedence first.</summary>
    public static ImmutableArray<string> Folders { get; } = ForgeFiles.ConfigDirectories;

    /// <summary>Discovers the user's and the project's commands.</summary>
    public static CommandLoadResult Discover(string homeDirectory, string projectDirectory)
    {
        ArgumentNullException.ThrowIfNull(homeDirectory);
        ArgumentNullException.ThrowIfNull(projectDirectory);
        var diagnostics = new List<LoadDiagnostic>();
        var byName = new Dictionary<string, CommandDefinition>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (baseDir, scope) in new[] { (homeDirectory, CommandScope.User), (projectDirectory, CommandScope.Project) })
        {
            foreach (var folder in Folders)
            {
                var dir = Path.GetFullPath(Path.Combine(baseDir, folder, "commands"));
                if (!seen.Add(dir))
                {
                    continue;
                }
                foreach (var command in LoadDirectory(dir, scope, diagnostics))
                {
                    byName[command.Name] = command;
                }
            }
        }
        return new CommandLoadResult([.. byName.Values.OrderBy(c => c.Name, StringComparer.Ordinal)], [.. diagnostics]);
    }

    /// <summary>Loads every <c>*.md</c> under <paramref name="directory"/> (recursively); plugin commands are named <c>plugin:name</c>.</summary>
    public static IReadOnlyList<CommandDefinition> LoadDirectory(string directory, CommandScope scope, ICollection<LoadDiagnostic> diagnostics,
        string? pluginName = null, string? pluginRoot = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(diagnostics);
        if (!Directory.Exists(directory))
        {
            return [];
        }
        IEnumerable<string> files;
        try
        {
            files = Directory.EnumerateFiles(directory, "*.md", new EnumerationOptions
            {
                RecurseSubdirectories = true, IgnoreInaccessible = true, MaxRecursionDepth = 8,
            }).Order(StringComparer.Ordinal).ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            diagnostics.Add(LoadDiagnostic.Fail(directory, null, $"cannot list the commands directory: {ex.Message}"));
            return [];
        }
        var result = new List<CommandDefinition>();
        foreach (var file in files)
        {
            var relative = Path.GetRelativePath(directory, file).Replace('\\', '/');
            if (relative.Split('/').Any(p => p.StartsWith('.')))
            {
                continue;
            }
            var name = relative[..^3].Replace('/', ':');
            if (pluginName is not null)
            {
                name = $"{pluginName}:{name}";
            }
            var command = LoadFile(file, name, scope, diagnostics, pluginName, pluginRoot);
            if (command is not null)
            {
                result.Add(command);
            }
        }
        return result;
    }

    /// <summary>Loads one command file under the given name; null (with a diagnostic) when it is skipped.</summary>
    public static CommandDefinition? LoadFile(string file, string name, CommandScope scope, ICollection<LoadDiagnostic> diagnostics,
        string? pluginName = null, string? pluginRoot = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(diagnostics);
        string text;
        try
        {
            text = TextFiles.ReadAllText(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            diagnostics.Add(LoadDiagnostic.Fail(file, null, $"cannot read the command: {ex.Message}"));
            return null;
        }
        return Parse(text, file, name, scope, diagnostics, pluginName, pluginRoot);
    }

    /// <summary>Parses command text (see <see cref="LoadFile"/>).</summary>
    public static CommandDefinition? Parse(string text, string file, string name, CommandScope scope, ICollection<LoadDiagnostic> diagnostics,
        string? pluginName = null, string? pluginRoot = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(diagnostics);
        if (name.Length == 0 || name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            diagnostics.Add(LoadDiagnostic.Fail(file, null, $"the command name '{name}' (from the file name) contains spaces; command skipped"));
            return null;
        }
        var doc = MarkdownFrontmatter.Parse(text, file);
        foreach (var d in doc.Diagnostics)
        {
            diagnostics.Add(d with { Message = d.Message + "; command skipped" });
        }
        if (!doc.IsValid)
        {
            return null;
        }
        var warnings = new List<LoadDiagnostic>();
        var body = doc.Body.Trim('\n', '\r');
        var description = doc.GetString("description", warnings)?.Trim();
        var declared = !string.IsNullOrEmpty(description);
        if (!declared)
        {
            description = body.Split('\n').Select(l => l.Trim().TrimStart('#').Trim()).FirstOrDefault(l => l.Length > 0) ?? "";
            if (description.Length > 100)
            {
                description = description[..99] + "…";
            }
        }
        var command = new CommandDefinition
        {
            Name = name,
            Description = description ?? "",
            Body = body,
            SourcePath = Path.GetFullPath(file),
            Scope = scope,
            ArgumentHint = doc.GetString("argument-hint", warnings),
            AllowedTools = doc.GetList("allowed-tools", warnings),
            Model = doc.GetString("model", warnings),
            DisableModelInvocation = doc.GetBool("disable-model-invocation", warnings) ?? false,
            UserInvocable = doc.GetBool("user-invocable", warnings) ?? true,
            WhenToUse = doc.GetString("when_to_use", warnings),
            HasDeclaredDescription = declared,
            PluginName = pluginName,
            PluginRoot = pluginRoot,
        };
        foreach (var w in warnings)
        {
            diagnostics.Add(w);
        }
        return command;
    }
}
