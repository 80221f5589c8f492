using CodeForge.Core.Tests.Skills;

namespace CodeForge.Core.Tests.Plugins;

/// <summary>Writes plugin directories in Claude Code's layout for the plugin tests.</summary>
internal static class PluginTrees
{
    /// <summary>A complete plugin under <paramref name="dir"/> named <paramref name="name"/>.</summary>
    public static string WriteGood(TempTree tree, string dir, string name, int skills = 2)
    {
        tree.Write($"{dir}/.claude-plugin/plugin.json", $$"""
            {
              // comments are allowed
              "name": "{{name}}",
              "version": "1.2.3",
              "description": "A test plugin",
              "author": { "name": "Ada" },
              "keywords": ["test"],
            }
            """);
        for (var i = 0; i < skills; i++)
        {
            tree.Write($"{dir}/skills/s{i}/SKILL.md", TempTree.Skill($"s{i}", $"skill {i} of {name}", "Run ${CLAUDE_PLUGIN_ROOT}/bin/tool"));
        }
        tree.Write($"{dir}/commands/deploy.md", "---\ndescription: Deploy\n---\nDeploy $ARGUMENTS");
        tree.Write($"{dir}/agents/reviewer.md", "---\nname: reviewer\ndescription: Reviews code\n---\nYou review.");
        tree.Write($"{dir}/hooks/hooks.json", """
            { "hooks": { "PreToolUse": [ { "matcher": "Bash", "hooks": [ { "type": "command", "command": "${CLAUDE_PLUGIN_ROOT}/hooks/check.sh" } ] } ] } }
            """);
        tree.Write($"{dir}/.mcp.json", """
            { "mcpServers": { "db": { "command": "${CLAUDE_PLUGIN_ROOT}/servers/db", "args": ["--config", "${CLAUDE_PLUGIN_ROOT}/c.json"] } } }
            """);
        return tree[dir];
    }
}
