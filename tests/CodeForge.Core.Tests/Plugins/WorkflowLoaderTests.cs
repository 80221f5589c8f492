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

    [Fact]
    public void LoadPlugin_TwoWorkflowsOfOneName_KeepsTheFirstAndReportsTheSecond()
    {
        _tree.Write("p/workflows/a.js", Wf("same", "first"));
        var second = _tree.Write("p/workflows/b.js", Wf("same", "second"));
        var diagnostics = new List<LoadDiagnostic>();

        var workflows = WorkflowLoader.LoadPlugin(_tree["p"], "p", null, diagnostics);

        Assert.Equal("first", Assert.Single(workflows).Meta.Description);
        var d = Assert.Single(diagnostics);
        Assert.Equal(second, d.File);
        Assert.Null(d.Line);
        Assert.Equal("another workflow of this plugin is already named 'p:same'; workflow skipped", d.Message);
        Assert.True(d.IsError);
    }

    [Fact]
    public void LoadFile_OfAPlugin_NamesItPluginColonNameAndKeepsWhereItLives()
    {
        var file = _tree.Write("p/workflows/a.js", Wf("a"));

        var workflow = WorkflowLoader.LoadFile(file, CommandScope.Plugin, new List<LoadDiagnostic>(), "p", _tree["p"])!;

        Assert.Equal("p:a", workflow.Name);
        Assert.Equal(file, workflow.Path);
        Assert.Equal("p", workflow.PluginName);
        Assert.Equal(_tree["p"], workflow.PluginRoot);
        Assert.Equal(CommandScope.Plugin, workflow.Scope);
    }

    [Fact]
    public void LoadFile_ANameWithASpace_IsSkippedSayingSo()
    {
        var file = _tree.Write("w/a.js", Wf("two words"));
        var diagnostics = new List<LoadDiagnostic>();

        Assert.Null(WorkflowLoader.LoadFile(file, CommandScope.Project, diagnostics));
        Assert.Equal("the workflow name 'two words' contains spaces; workflow skipped", Assert.Single(diagnostics).Message);
    }

    [Fact]
    public void LoadFile_BadMeta_IsSkippedNamingTheFileAndWhy()
    {
        var file = _tree.Write("w/a.js", "export const meta = { name: 'a' }\n");
        var diagnostics = new List<LoadDiagnostic>();

        Assert.Null(WorkflowLoader.LoadFile(file, CommandScope.Project, diagnostics));
        var d = Assert.Single(diagnostics);
        Assert.Equal(file, d.File);
        Assert.Equal("invalid workflow meta: meta.description must be a non-empty string; workflow skipped", d.Message);
        Assert.True(d.IsError);
    }

    [Fact]
    public void LoadFile_AMissingFile_IsSkippedSayingSo()
    {
        var diagnostics = new List<LoadDiagnostic>();

        Assert.Null(WorkflowLoader.LoadFile(_tree["w/none.js"], CommandScope.Project, diagnostics));
        Assert.Equal("the workflow file does not exist; workflow skipped", Assert.Single(diagnostics).Message);
    }

    [Fact]
    public void LoadFile_OfExactlyTheSizeLimit_Loads_AndOneByteMoreIsSkipped()
    {
        var text = Wf("a");
        var atLimit = _tree.Write("w/at.js", text + new string(' ', WorkflowScript.MaxBytes - text.Length));
        var over = _tree.Write("w/over.js", text + new string(' ', WorkflowScript.MaxBytes - text.Length + 1));
        var diagnostics = new List<LoadDiagnostic>();

        Assert.NotNull(WorkflowLoader.LoadFile(atLimit, CommandScope.Project, diagnostics));
        Assert.Empty(diagnostics);
        Assert.Null(WorkflowLoader.LoadFile(over, CommandScope.Project, diagnostics));
        Assert.Equal("the workflow file exceeds 524288 bytes; workflow skipped", Assert.Single(diagnostics).Message);
    }

    [Fact]
    public void LoadDirectory_ReadsOnlyLowercaseJsFilesInNameOrder_AndAMissingFolderIsNone()
    {
        _tree.Write("w/b.js", Wf("b"));
        _tree.Write("w/a.js", Wf("a"));
        _tree.Write("w/c.JS", Wf("c"));
        _tree.Write("w/d.mjs", Wf("d"));
        var diagnostics = new List<LoadDiagnostic>();

        Assert.Equal(["a", "b"], WorkflowLoader.LoadDirectory(_tree["w"], CommandScope.User, diagnostics).Select(w => w.Name));
        Assert.Empty(WorkflowLoader.LoadDirectory(_tree["none"], CommandScope.User, diagnostics));
        Assert.Empty(diagnostics);
    }

    [Fact]
    public void SearchDirectories_AreTheWorkflowsFoldersNextToTheSkillsFoldersOfConfigFolders()
    {
        var dirs = WorkflowLoader.SearchDirectories(_tree["home"], _tree["repo"]);

        Assert.Contains((_tree["home/.claude/workflows"], CommandScope.User), dirs);
        Assert.Contains((_tree["repo/.claude/workflows"], CommandScope.Project), dirs);
        Assert.All(dirs, d => Assert.EndsWith("/workflows", d.Directory, StringComparison.Ordinal));
    }

    [Fact]
    public void LoadPlugin_APathEndingInJsThatIsAFolderOrMissing_IsReadAsAFolder()
    {
        _tree.Write("p/flows.js/a.js", Wf("a"));
        var diagnostics = new List<LoadDiagnostic>();

        var workflows = WorkflowLoader.LoadPlugin(_tree["p"], "p", [_tree["p/flows.js"], _tree["p/none.js"]], diagnostics);

        Assert.Equal(["p:a"], workflows.Select(w => w.Name));
        Assert.Empty(diagnostics);
    }
}
