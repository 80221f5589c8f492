using CodeForge.Core.Agent;
using CodeForge.Core.Paths;

namespace CodeForge.Cli.Runtime;

/// <summary>
/// Finds the output style the <c>outputStyle</c> setting names: the built-ins (default, concise, explanatory), then
/// style files (<c>*.md</c>, Claude Code's format) in <c>~/.claude/output-styles</c>, <c>~/.forge/output-styles</c>,
/// the project's <c>.claude/output-styles</c> and <c>.forge/output-styles</c>, and every enabled plugin's style paths
/// (its manifest's <c>outputStyles</c>, or its <c>output-styles</c> folder; later ones win on a name clash).
/// </summary>
/// <remarks>Each problem (an unreadable file, an unknown name) is reported once per run, not on every turn. Safe to call
/// from several flows: the set of reported problems is locked.</remarks>
internal sealed class OutputStyleResolver(Action<string> report)
{
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);

    /// <summary>The directories (and, from plugins, files) style files are read from, lowest precedence first.</summary>
    public static IEnumerable<string> Directories(string home, string projectDirectory, IEnumerable<string> pluginStylePaths)
    {
        yield return Path.Combine(home, ForgeFiles.ClaudeDirectory, "output-styles");
        yield return Path.Combine(home, ForgeFiles.ForgeDirectory, "output-styles");
        yield return Path.Combine(projectDirectory, ForgeFiles.ClaudeDirectory, "output-styles");
        yield return Path.Combine(projectDirectory, ForgeFiles.ForgeDirectory, "output-styles");
        foreach (var path in pluginStylePaths)
        {
            yield return path;
        }
    }

    /// <summary>The style <paramref name="name"/> names (null or empty: the default, without reading any file).</summary>
    public OutputStyle Resolve(string? name, string home, string projectDirectory, IEnumerable<string> pluginStylePaths)
    {
        if (string.IsNullOrWhiteSpace(name) || string.Equals(name.Trim(), OutputStyles.Default.Name, StringComparison.OrdinalIgnoreCase))
        {
            return OutputStyles.Default;
        }
        var problems = new List<string>();
        var files = OutputStyles.Load(Directories(home, projectDirectory, pluginStylePaths), problems);
        var style = OutputStyles.Select(name, [.. OutputStyles.BuiltIn, .. files], problems);
        foreach (var problem in problems)
        {
            bool first;
            lock (_reported)
            {
                first = _reported.Add(problem);
            }
            if (first)
            {
                report(problem);
            }
        }
        return style;
    }
}
