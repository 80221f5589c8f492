using System.Globalization;
using System.Text;

namespace CodeForge.Testing;

/// <summary>
/// Writes a large set of installed, enabled plugins into a home directory for the start-up benchmark and the quiet-run
/// test: <c>~/.forge/plugins/&lt;marketplace&gt;/p000…</c>, each with its manifest, skills (SKILL.md of realistic size),
/// agents (frontmatter with a long one-line description holding <c>&lt;example&gt;</c> blocks, as the official
/// plugins write them) and one command, plus <c>enabledPlugins</c> in <c>~/.forge/settings.json</c>. Nothing is
/// committed: every run generates its own.
/// </summary>
/// <remarks>Stateless; thread-safe for different home directories.</remarks>
public static class ManyPlugins
{
    /// <summary>Writes <paramref name="plugins"/> plugins sharing <paramref name="skills"/> skills and <paramref name="agents"/> agents; returns the plugin keys.</summary>
    public static IReadOnlyList<string> Write(string home, int plugins = 100, int skills = 200, int agents = 200, string marketplace = "bench")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(home);
        ArgumentOutOfRangeException.ThrowIfLessThan(plugins, 1);
        var keys = new List<string>();
        var body = string.Concat(Enumerable.Range(1, 40).Select(i => $"{i}. Check item {i} of the procedure and note what you find in the report.\n"));
        for (var p = 0; p < plugins; p++)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"p{p:000}");
            var root = Path.Combine(home, ".forge", "plugins", marketplace, name);
            WriteFile(Path.Combine(root, ".claude-plugin", "plugin.json"),
                $$"""{"name": "{{name}}", "version": "1.0.{{p}}", "description": "Benchmark plugin {{p}}", "author": {"name": "Bench"} }""");
            foreach (var s in Share(skills, plugins, p))
            {
                WriteFile(Path.Combine(root, "skills", $"skill-{s}", "SKILL.md"),
                    $"---\nname: skill-{s}\ndescription: Use when the user asks for procedure {s} of {name}; it lists the steps and the checks.\n---\n# Procedure {s}\n\n{body}");
            }
            foreach (var a in Share(agents, plugins, p))
            {
                WriteFile(Path.Combine(root, "agents", $"agent-{a}.md"),
                    $"---\nname: agent-{a}\ndescription: Use this agent to review change {a}. Examples: <example>Context: the user changed code. user: \"review it\" assistant: \"I will use agent-{a}\"</example>\ntools: Read, Grep, Glob\nmodel: inherit\ncolor: blue\n---\nYou are reviewer {a}.\n\n{body}");
            }
            WriteFile(Path.Combine(root, "commands", "run.md"), $"---\ndescription: Run {name}\nargument-hint: [target]\n---\nRun {name} on $ARGUMENTS.\n");
            keys.Add($"{name}@{marketplace}");
        }
        var settings = new StringBuilder("{\n  \"enabledPlugins\": {\n");
        settings.AppendJoin(",\n", keys.Select(k => $"    \"{k}\": true"));
        settings.Append("\n  }\n}\n");
        WriteFile(Path.Combine(home, ".forge", "settings.json"), settings.ToString());
        return keys;
    }

    /// <summary>The indices (global numbering) of plugin <paramref name="p"/>'s share of <paramref name="total"/> items.</summary>
    private static IEnumerable<int> Share(int total, int plugins, int p)
    {
        for (var i = p; i < total; i += plugins)
        {
            yield return i;
        }
    }

    private static void WriteFile(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
