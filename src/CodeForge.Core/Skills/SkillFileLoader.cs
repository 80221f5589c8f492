using System.Collections.Immutable;

namespace CodeForge.Core.Skills;

/// <summary>
/// Reads one <c>SKILL.md</c> (agentskills format, Claude Code's extra fields) into a <see cref="SkillDefinition"/>.
/// Lenient, as the agentskills client guide asks: a bad or mismatched name is a warning; a missing or empty description
/// is a warning and the skill loads with an empty one (a slash command only, as in Claude Code: the model is not offered
/// it unless it has a <c>when_to_use</c>); malformed YAML skips it (naming file and line).
/// </summary>
/// <remarks>Stateless; safe to call from any thread. It only reads the file system.</remarks>
public static class SkillFileLoader
{
    /// <summary>The skill file name.</summary>
    public const string FileName = "SKILL.md";

    /// <summary>The agentskills limit on the name length.</summary>
    public const int MaxNameLength = 64;

    /// <summary>The agentskills limit on the description length.</summary>
    public const int MaxDescriptionLength = 1024;

    /// <summary>At most this many supporting files are listed.</summary>
    public const int MaxSupportingFiles = 50;

    /// <summary>
    /// Loads <paramref name="skillFile"/>. Returns null when the skill is skipped; every problem is added to
    /// <paramref name="diagnostics"/>. A plugin skill is named <c>plugin:name</c>.
    /// </summary>
    public static SkillDefinition? Load(string skillFile, SkillScope scope, ICollection<LoadDiagnostic> diagnostics,
        string? pluginName = null, string? pluginRoot = null)
    {
        ArgumentNullException.ThrowIfNull(skillFile);
        ArgumentNullException.ThrowIfNull(diagnostics);
        string text;
        try
        {
            // Only the frontmatter is read now (the body is read on activation).
            text = TextFiles.ReadFrontmatterHead(skillFile).Text;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            diagnostics.Add(LoadDiagnostic.Fail(skillFile, null, $"cannot read the skill: {ex.Message}"));
            return null;
        }
        // Only the frontmatter is kept: the body is read again when the skill is activated, and the supporting files
        // are listed then (Claude Code too reads only a skill's frontmatter at start).
        return Parse(text, skillFile, scope, diagnostics, pluginName, pluginRoot, listFiles: true, lazyBody: true);
    }

    /// <summary>
    /// Parses SKILL.md text (see <see cref="Load"/>); the directory of <paramref name="skillFile"/> is the skill's. With
    /// <paramref name="listFiles"/> the supporting files are listed when first asked for.
    /// </summary>
    public static SkillDefinition? Parse(string text, string skillFile, SkillScope scope, ICollection<LoadDiagnostic> diagnostics,
        string? pluginName = null, string? pluginRoot = null, bool listFiles = false) =>
        Parse(text, skillFile, scope, diagnostics, pluginName, pluginRoot, listFiles, lazyBody: false);

    private static SkillDefinition? Parse(string text, string skillFile, SkillScope scope, ICollection<LoadDiagnostic> diagnostics,
        string? pluginName, string? pluginRoot, bool listFiles, bool lazyBody)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(skillFile);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var directory = Path.GetDirectoryName(Path.GetFullPath(skillFile)) ?? ".";
        var directoryName = Path.GetFileName(directory);
        var doc = MarkdownFrontmatter.Parse(text, skillFile);
        foreach (var d in doc.Diagnostics)
        {
            diagnostics.Add(d with { Message = d.Message + "; skill skipped" });
        }
        if (!doc.IsValid)
        {
            return null;
        }
        if (!doc.HasFrontmatter)
        {
            diagnostics.Add(LoadDiagnostic.Fail(skillFile, 1, "no YAML frontmatter (a '---' block with name and description); skill skipped"));
            return null;
        }
        var warnings = new List<LoadDiagnostic>();
        var description = doc.GetString("description", warnings)?.Trim() ?? "";
        if (description.Length == 0 && string.IsNullOrWhiteSpace(doc.GetString("when_to_use", [])))
        {
            // Claude Code 2.1.337 loads such a skill as a slash command only: its Skill tool's list wants a description
            // or when_to_use.
            warnings.Add(LoadDiagnostic.Warn(skillFile, doc.Has("description") ? doc.LineOf("description") : 1,
                "no 'description': loaded as a slash command only; the model is not offered it"));
        }
        if (description.Length > MaxDescriptionLength)
        {
            warnings.Add(LoadDiagnostic.Warn(skillFile, doc.LineOf("description"),
                $"'description' is {description.Length} characters; the limit is {MaxDescriptionLength}"));
        }
        var name = ResolveName(doc, directoryName, skillFile, warnings);
        if (name is null)
        {
            foreach (var w in warnings)
            {
                diagnostics.Add(w);
            }
            diagnostics.Add(LoadDiagnostic.Fail(skillFile, doc.LineOf("name"), "no usable skill name; skill skipped"));
            return null;
        }
        if (pluginName is not null && name != directoryName && Usable(directoryName) && (pluginRoot is null || !IsPluginRootOrItsSkills(directory, pluginRoot)))
        {
            // Claude Code calls a plugin's skill by its folder ("database-design:postgresql" for name: postgresql-table-design),
            // but a SKILL.md in the plugin's root or straight in its skills/ by its name ("math:math-tools" for skills/SKILL.md).
            name = directoryName;
        }
        var fullName = pluginName is null ? name : $"{pluginName}:{name}";
        var tools = doc.GetList("allowed-tools", warnings);
        var info = new SkillFileInfo
        {
            ListSupportingFiles = listFiles ? () => ListSupportingFiles(directory) : null,
            Directory = directory,
            ArgumentHint = doc.GetString("argument-hint", warnings),
            WhenToUse = doc.GetString("when_to_use", warnings),
            DisableModelInvocation = doc.GetBool("disable-model-invocation", warnings) ?? false,
            UserInvocable = doc.GetBool("user-invocable", warnings) ?? true,
            Model = doc.GetString("model", warnings),
            Metadata = doc.GetMap("metadata", warnings),
            PluginName = pluginName,
            PluginRoot = pluginRoot,
            Scope = scope,
        };
        var metadata = new SkillMetadata(fullName, description)
        {
            License = doc.GetString("license", warnings),
            Compatibility = doc.GetString("compatibility", warnings),
        };
        foreach (var w in warnings)
        {
            diagnostics.Add(w);
        }
        var source = Path.GetFullPath(skillFile);
        return lazyBody
            ? SkillDefinition.FromFile(metadata, new MarkdownBody(source, TrimBody), tools, source) with { File = info }
            : new SkillDefinition(metadata, TrimBody(doc.Body), tools, sourcePath: source) { File = info };
    }

    /// <summary>
    /// The agentskills name rule: 1–64 characters of a-z, 0-9 and '-', not starting or ending with '-', no '--'.
    /// Returns null when valid, else why not.
    /// </summary>
    public static string? CheckName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0)
        {
            return "it is empty";
        }
        if (name.Length > MaxNameLength)
        {
            return $"it is longer than {MaxNameLength} characters";
        }
        if (!name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
        {
            return "only lowercase letters, digits and hyphens are allowed";
        }
        if (name.StartsWith('-') || name.EndsWith('-'))
        {
            return "it must not start or end with a hyphen";
        }
        if (name.Contains("--", StringComparison.Ordinal))
        {
            return "it must not contain consecutive hyphens";
        }
        return null;
    }

    private static string? ResolveName(MarkdownFrontmatter doc, string directoryName, string file, List<LoadDiagnostic> warnings)
    {
        var declared = doc.GetString("name", warnings)?.Trim();
        if (string.IsNullOrEmpty(declared))
        {
            warnings.Add(LoadDiagnostic.Warn(file, 1, $"missing 'name'; using the directory name '{directoryName}'"));
            return Usable(directoryName) ? directoryName : null;
        }
        if (!Usable(declared))
        {
            // "name: Writing Hookify Rules" (the official hookify plugin): a title, not a name. Claude Code calls such a
            // skill by its directory; one note says so.
            warnings.Add(LoadDiagnostic.Warn(file, doc.LineOf("name"), $"name '{declared}' cannot be used (spaces, ':' or control characters); using the directory name '{directoryName}'"));
            return Usable(directoryName) ? directoryName : null;
        }
        if (CheckName(declared) is { } why)
        {
            warnings.Add(LoadDiagnostic.Warn(file, doc.LineOf("name"), $"name '{declared}' does not follow the skill name rules: {why}"));
        }
        if (declared != directoryName)
        {
            warnings.Add(LoadDiagnostic.Warn(file, doc.LineOf("name"), $"name '{declared}' does not match its directory '{directoryName}'"));
        }
        if (Usable(declared))
        {
            return declared;
        }
        warnings.Add(LoadDiagnostic.Warn(file, doc.LineOf("name"), $"name '{declared}' cannot be used (spaces, ':' or control characters); using the directory name '{directoryName}'"));
        return Usable(directoryName) ? directoryName : null;
    }

    private static string TrimBody(string body) => body.Trim('\n', '\r');

    private static bool IsPluginRootOrItsSkills(string directory, string pluginRoot)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(pluginRoot));
        return string.Equals(directory, root, StringComparison.Ordinal) || string.Equals(directory, Path.Combine(root, "skills"), StringComparison.Ordinal);
    }

    private static bool Usable(string name) =>
        name.Length > 0 && !name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is ':' or '/' or '\\');

    private static ImmutableArray<string> ListSupportingFiles(string directory)
    {
        try
        {
            var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint, MaxRecursionDepth = 4 };
            return [.. Directory.EnumerateFiles(directory, "*", options)
                .Select(f => Path.GetRelativePath(directory, f).Replace('\\', '/'))
                .Where(f => f != FileName && !f.Split('/').Any(part => part.StartsWith('.')))
                .Order(StringComparer.Ordinal)
                .Take(MaxSupportingFiles)];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
