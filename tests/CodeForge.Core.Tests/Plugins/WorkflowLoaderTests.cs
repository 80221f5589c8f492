using CodeForge.Core.Commands;
using CodeForge.Core.Plugins;
using CodeForge.Core.Skills;
using CodeForge.Core.Tests.Skills;
using CodeForge.Testing;

namespace CodeForge.Core.Tests.Plugins;

/// <summary>Where workflows are found and what they are named (plugin <c>plugin:meta.name</c>, project and user by
/// <c>meta.name</c>), and how bad files are reported.</summary>
public sealed class WorkflowLoaderTests : IDisposable
{
    private readonly TempTree _tree = new("forge-workflows-");

    public void Dispose() => _tree.Dispose();

    private static string Wf(string name, string description = "d") => $"export const meta = {{ name: '{name}', description: '{description}' }}\nreturn 1\n";

    [Fact]
    public void LoadPlugin_TheOfficialCodeModernization_NamesEveryWorkflowPluginColonMetaName()
    {
        var diagnostics = new List<LoadDiagnostic>();
        var root = Path.Combine(PluginFixtures.Root, "official", "plugins", "code-modernization");

        var workflows = WorkflowLoader.LoadPlugin(root, "code-modernization", null, diagnostics);

        Assert.Empty(diagnostics);
        // The names Claude Code 2.1.337 lists in its init skills and slash_commands for this plugin.
        Assert.Equal(["code-modernization:modernize-extract-rules", "code-modernization:modernize-harden-scan",
            "code-modernization:modernize-portfolio-assess", "code-modernization:modernize-reimagine-scaffold",
            "code-modernization:modernize-uplift-deltas", "code-modernization:modernize-uplift-migrate"], workflows.Select(w => w.Name).Order(StringComparer.Ordinal));
        Assert.All(workflows, w => Assert.Equal(CommandScope.Plugin, w.Scope));
    }

    [Fact]
    public void LoadPlugin_ManifestPaths_ReplaceTheWorkflowsFolder_AndTakeFilesOrFolders()
    {
        _tree.Write("p/workflows/a.js", Wf("a"));
        _tree.Write("p/extra/b.js", Wf("b"));
        _tree.Write("p/more/c.js", Wf("c"));

        var workflows = WorkflowLoader.LoadPlugin(_tree["p"], "p", [_tree["p/extra/b.js"], _tree["p/more"]], new List<LoadDiagnostic>());

        Assert.Equal(["p:b", "p:c"], workflows.Select(w => w.Name));
    }

    [Fact]
    public void Discover_ProjectOverridesUser_OnlyJsFilesCount_AndBadFilesAreNamedAndSkipped()
    {
        _tree.Write("home/.claude/workflows/same.js", Wf("same", "from home"));
        _tree.Write("home/.claude/workflows/mine.js", Wf("mine"));
        _tree.Write("repo/.claude/workflows/same.js", Wf("same", "from the project"));
        _tree.Write("repo/.claude/workflows/typed.ts", Wf("typed"));
        _tree.Write("repo/.claude/workflows/nested/deep.js", Wf("deep"));
        _tree.Write("repo/.claude/workflows/broken.js", "const a = 1\n");
        _tree.Write("repo/.claude/workflows/huge.js", Wf("huge") + new string(' ', WorkflowScript.MaxBytes));

        var result = WorkflowLoader.Discover(_tree["home"], _tree["repo"]);

        Assert.Equal(["mine", "same"], result.Workflows.Select(w => w.Name));
        Assert.Equal("from the project", result.Workflows.Single(w => w.Name == "same").Meta.Description);
        Assert.Equal(CommandScope.User, result.Workflows.Single(w => w.Name == "mine").Scope);
        var broken = Assert.Single(result.Diagnostics, d => d.File.EndsWith("broken.js", StringComparison.Ordinal));
        Assert.Contains("must be the FIRST statement", broken.Message, StringComparison.Ordinal);
        Assert.Contains(result.Diagnostics, d => d.File.EndsWith("huge.js", StringComparison.Ordinal) && d.Message.Contains("exceeds 524288 bytes", StringComparison.Ordinal));
    }
}
