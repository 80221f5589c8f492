using CodeForge.Core.Skills;

namespace CodeForge.Core.Tests.Skills;

public sealed class SkillFileLoaderTests : IDisposable
{
    private readonly TempTree _tree = new();

    public void Dispose() => _tree.Dispose();

    private (SkillDefinition? Skill, List<LoadDiagnostic> Diagnostics) Load(string dir, string content)
    {
        var file = _tree.Write($"{dir}/SKILL.md", content);
        var diagnostics = new List<LoadDiagnostic>();
        return (SkillFileLoader.Load(file, SkillScope.Project, diagnostics), diagnostics);
    }

    [Fact]
    public void Load_AFullSkill_MapsEveryField()
    {
        var (skill, diagnostics) = Load("pdf", """
            ---
            name: pdf
            description: Fill and read PDF forms.
            license: MIT
            compatibility: needs python3
            allowed-tools: Bash(python3 *) Read
            argument-hint: "[file]"
            disable-model-invocation: false
            user-invocable: true
            model: haiku
            when_to_use: When a PDF is mentioned.
            metadata:
              author: team
            ---
            # PDF
            Use scripts/fill.py.
            """);
        _tree.Write("pdf/scripts/fill.py", "print(1)");

        Assert.Empty(diagnostics);
        Assert.NotNull(skill);
        Assert.Equal("pdf", skill.Metadata.Name);
        Assert.Equal("Fill and read PDF forms.", skill.Metadata.Description);
        Assert.Equal("MIT", skill.Metadata.License);
        Assert.Equal("needs python3", skill.Metadata.Compatibility);
        Assert.Equal(["Bash(python3 *)", "Read"], skill.Tools);
        Assert.StartsWith("# PDF", skill.Prompt, StringComparison.Ordinal);
        var info = skill.File!;
        Assert.Equal("[file]", info.ArgumentHint);
        Assert.Equal("haiku", info.Model);
        Assert.Equal("When a PDF is mentioned.", info.WhenToUse);
        Assert.Equal("team", info.Metadata["author"]);
        Assert.Equal(_tree["pdf"], info.Directory);
        Assert.Equal(SkillScope.Project, info.Scope);
    }

    [Fact]
    public void Load_ListsSupportingFilesWithoutInliningThem()
    {
        _tree.Write("s/scripts/run.sh", "echo SECRET-CONTENT");
        _tree.Write("s/references/api.md", "x");
        _tree.Write("s/.hidden/x", "x");
        var (skill, _) = Load("s", TempTree.Skill("s", "d"));

        Assert.Equal(["references/api.md", "scripts/run.sh"], skill!.File!.SupportingFiles);
        Assert.DoesNotContain("SECRET-CONTENT", skill.Prompt, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingDescription_LoadsTheSkillWithAWarningNamingFileAndLine()
    {
        var (skill, diagnostics) = Load("x", "---\nname: x\n---\nbody");

        Assert.Equal("x", skill!.Metadata.Name);
        Assert.Equal("", skill.Metadata.Description);
        var d = Assert.Single(diagnostics);
        Assert.Equal(LoadSeverity.Warning, d.Severity);
        Assert.Equal(_tree["x/SKILL.md"], d.File);
        Assert.Equal(1, d.Line);
        Assert.Equal("no 'description': loaded as a slash command only; the model is not offered it", d.Message);
    }

    [Fact]
    public void Load_EmptyDescription_LoadsTheSkillWithAWarningOnItsLine()
    {
        var (skill, diagnostics) = Load("x", "---\nname: x\ndescription: \"  \"\n---\nbody");

        Assert.Equal("", skill!.Metadata.Description);
        var d = Assert.Single(diagnostics);
        Assert.Equal(LoadSeverity.Warning, d.Severity);
        Assert.Equal(3, d.Line);
    }

    [Fact]
    public void Load_NoDescriptionButAWhenToUse_LoadsWithoutAWarning()
    {
        var (skill, diagnostics) = Load("x", "---\nname: x\nwhen_to_use: When x is asked for.\n---\nbody");

        Assert.Equal("When x is asked for.", skill!.File!.WhenToUse);
        Assert.Empty(diagnostics);
    }

    [Fact]
    public void Load_BadName_IsAWarningAndTheSkillLoads()
    {
        var (skill, diagnostics) = Load("my_skill", TempTree.Skill("my_skill", "d"));

        Assert.Equal("my_skill", skill!.Metadata.Name);
        var d = Assert.Single(diagnostics);
        Assert.Equal(LoadSeverity.Warning, d.Severity);
        Assert.Equal(2, d.Line);
        Assert.Contains("lowercase", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NameNotMatchingTheDirectory_IsAWarningAndUsesTheDeclaredName()
    {
        var (skill, diagnostics) = Load("folder", TempTree.Skill("other", "d"));

        Assert.Equal("other", skill!.Metadata.Name);
        Assert.Contains(diagnostics, d => d.Severity == LoadSeverity.Warning && d.Message.Contains("does not match its directory", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_NameWithSpaces_FallsBackToTheDirectoryName()
    {
        var (skill, diagnostics) = Load("good-dir", TempTree.Skill("My Skill", "d"));

        Assert.Equal("good-dir", skill!.Metadata.Name);
        Assert.All(diagnostics, d => Assert.Equal(LoadSeverity.Warning, d.Severity));
    }

    [Fact]
    public void Load_MissingName_UsesTheDirectoryNameWithAWarning()
    {
        var (skill, diagnostics) = Load("dir-name", "---\ndescription: d\n---\n");

        Assert.Equal("dir-name", skill!.Metadata.Name);
        Assert.Equal(LoadSeverity.Warning, Assert.Single(diagnostics).Severity);
    }

    [Fact]
    public void Load_MalformedYaml_SkipsWithFileAndLine()
    {
        var (skill, diagnostics) = Load("x", "---\nother: [Read\n---\nbody");

        Assert.Null(skill);
        var d = Assert.Single(diagnostics);
        Assert.NotNull(d.Line);
        Assert.Contains("malformed YAML", d.Message, StringComparison.Ordinal);
        Assert.Contains("skill skipped", d.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NoFrontmatter_SkipsTheSkill()
    {
        var (skill, diagnostics) = Load("x", "# Just markdown\n");

        Assert.Null(skill);
        Assert.Contains("frontmatter", Assert.Single(diagnostics).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_LongDescription_WarnsButLoads()
    {
        var (skill, diagnostics) = Load("x", TempTree.Skill("x", new string('a', 1100)));

        Assert.NotNull(skill);
        Assert.Contains(diagnostics, d => d.Message.Contains("1024", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_ForAPlugin_NamespacesTheName()
    {
        var file = _tree.Write("review/SKILL.md", TempTree.Skill("review", "d"));

        var skill = SkillFileLoader.Load(file, SkillScope.Plugin, new List<LoadDiagnostic>(), "tools", _tree.Root);

        Assert.Equal("tools:review", skill!.Metadata.Name);
        Assert.Equal("tools", skill.File!.PluginName);
        Assert.Equal(_tree.Root, skill.File.PluginRoot);
    }

    [Fact]
    public void Load_ForAPlugin_NamesASkillByItsFolderButOneStraightInSkillsByItsName()
    {
        // ananddtyagi/claude-code-marketplace's "math" plugin has skills/SKILL.md (name: math-tools): Claude Code calls it
        // math:math-tools, and a skill in its own folder by the folder (database-design:postgresql).
        var inSkills = _tree.Write("plugin/skills/SKILL.md", TempTree.Skill("math-tools", "d"));
        var inFolder = _tree.Write("plugin/skills/postgresql/SKILL.md", TempTree.Skill("postgresql-table-design", "d"));

        var straight = SkillFileLoader.Load(inSkills, SkillScope.Plugin, new List<LoadDiagnostic>(), "math", _tree["plugin"]);
        var folder = SkillFileLoader.Load(inFolder, SkillScope.Plugin, new List<LoadDiagnostic>(), "math", _tree["plugin"]);

        Assert.Equal("math:math-tools", straight!.Metadata.Name);
        Assert.Equal("math:postgresql", folder!.Metadata.Name);
    }

    [Theory]
    [InlineData("pdf-tools", null)]
    [InlineData("-a", "hyphen")]
    [InlineData("a--b", "consecutive")]
    [InlineData("Abc", "lowercase")]
    public void CheckName_FollowsTheAgentSkillsRules(string name, string? why)
    {
        var result = SkillFileLoader.CheckName(name);

        if (why is null)
        {
            Assert.Null(result);
        }
        else
        {
            Assert.Contains(why, result, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void CheckName_TooLong_IsRejected() => Assert.NotNull(SkillFileLoader.CheckName(new string('a', 65)));

    [Fact]
    public void Load_KeepsOnlyTheFrontmatter_AndReadsTheBodyWhenItIsFirstUsed()
    {
        var (skill, _) = Load("lazy", TempTree.Skill("lazy", "d", body: "Old body."));
        Assert.False(skill!.PromptSource!.IsLoaded);

        _tree.Write("lazy/SKILL.md", TempTree.Skill("lazy", "d", body: "New body."));

        Assert.Equal("New body.", skill.Prompt);
        Assert.Equal(1, skill.PromptSource.Reads);
    }

    [Fact]
    public void Load_ListsSupportingFilesWhenFirstAskedFor_NotAtLoad()
    {
        var (skill, _) = Load("later", TempTree.Skill("later", "d"));

        _tree.Write("later/scripts/added-after-load.sh", "echo");

        Assert.Equal(["scripts/added-after-load.sh"], skill!.File!.SupportingFiles);
    }

    [Fact]
    public void Parse_OfTextInMemory_KeepsTheBody()
    {
        var skill = SkillFileLoader.Parse(TempTree.Skill("mem", "d", body: "In memory."), _tree["mem/SKILL.md"], SkillScope.User, new List<LoadDiagnostic>());

        Assert.Null(skill!.PromptSource);
        Assert.Equal("In memory.", skill.Prompt);
    }

    [Fact]
    public void Load_AFileThatCannotBeRead_IsAnErrorNamingTheFile()
    {
        var missing = _tree["gone/SKILL.md"];
        var diagnostics = new List<LoadDiagnostic>();

        var skill = SkillFileLoader.Load(missing, SkillScope.User, diagnostics);

        Assert.Null(skill);
        var d = Assert.Single(diagnostics);
        Assert.Equal(LoadSeverity.Error, d.Severity);
        Assert.Equal(missing, d.File);
        Assert.Null(d.Line);
        Assert.StartsWith("cannot read the skill: ", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ANeverClosedFrontmatter_IsSkippedSayingSo()
    {
        var (skill, diagnostics) = Load("x", "---\nname: x\ndescription: d\n");

        Assert.Null(skill);
        var d = Assert.Single(diagnostics);
        Assert.Equal(LoadSeverity.Error, d.Severity);
        Assert.Equal(1, d.Line);
        Assert.Equal("the YAML frontmatter opened here is never closed with a '---' line; skill skipped", d.Message);
    }

    [Fact]
    public void Load_NoFrontmatter_IsAnErrorOnLineOne()
    {
        var (_, diagnostics) = Load("x", "# Just markdown\n");

        var d = Assert.Single(diagnostics);
        Assert.Equal(LoadSeverity.Error, d.Severity);
        Assert.Equal(1, d.Line);
        Assert.Equal("no YAML frontmatter (a '---' block with name and description); skill skipped", d.Message);
    }

    [Fact]
    public void Load_ADescriptionOfExactlyTheLimit_GivesNoWarning_AndOneMoreWarnsOnItsLine()
    {
        var (atLimit, atDiagnostics) = Load("x", TempTree.Skill("x", new string('a', SkillFileLoader.MaxDescriptionLength)));
        var (over, overDiagnostics) = Load("y", TempTree.Skill("y", new string('a', SkillFileLoader.MaxDescriptionLength + 1)));

        Assert.NotNull(atLimit);
        Assert.Empty(atDiagnostics);
        Assert.NotNull(over);
        var d = Assert.Single(overDiagnostics);
        Assert.Equal(LoadSeverity.Warning, d.Severity);
        Assert.Equal(3, d.Line);
        Assert.Equal("'description' is 1025 characters; the limit is 1024", d.Message);
    }

    [Fact]
    public void Load_TheDescriptionIsTrimmed()
    {
        var (skill, _) = Load("x", "---\nname: x\ndescription: \"  Does x.  \"\n---\nbody");

        Assert.Equal("Does x.", skill!.Metadata.Description);
    }

    [Fact]
    public void Load_BadNameWarning_QuotesTheNameAndTheRule()
    {
        var (_, diagnostics) = Load("my_skill", TempTree.Skill("my_skill", "d"));

        Assert.Equal("name 'my_skill' does not follow the skill name rules: only lowercase letters, digits and hyphens are allowed",
            Assert.Single(diagnostics).Message);
    }

    [Fact]
    public void Load_NameNotMatchingTheDirectory_WarnsOnTheNameLineNamingBoth()
    {
        var (_, diagnostics) = Load("folder", "---\ndescription: d\nname: other\n---\nbody");

        var d = Assert.Single(diagnostics);
        Assert.Equal(LoadSeverity.Warning, d.Severity);
        Assert.Equal(3, d.Line);
        Assert.Equal("name 'other' does not match its directory 'folder'", d.Message);
    }

    [Fact]
    public void Load_NameWithSpaces_SaysWhichNameIsUsedInstead()
    {
        var (_, diagnostics) = Load("good-dir", TempTree.Skill("My Skill", "d"));

        var d = Assert.Single(diagnostics);
        Assert.Equal(2, d.Line);
        Assert.Equal("name 'My Skill' cannot be used (spaces, ':' or control characters); using the directory name 'good-dir'", d.Message);
    }

    [Theory]
    [InlineData("a:b")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    public void Load_ANameWithAColonOrASlash_FallsBackToTheDirectoryName(string name)
    {
        var (skill, _) = Load("dir-name", $"---\nname: '{name}'\ndescription: d\n---\nbody");

        Assert.Equal("dir-name", skill!.Metadata.Name);
    }

    [Fact]
    public void Load_MissingName_WarnsOnLineOneNamingTheDirectory()
    {
        var (_, diagnostics) = Load("dir-name", "---\ndescription: d\n---\n");

        var d = Assert.Single(diagnostics);
        Assert.Equal(1, d.Line);
        Assert.Equal("missing 'name'; using the directory name 'dir-name'", d.Message);
    }

    [Fact]
    public void Load_NeitherTheNameNorTheDirectoryUsable_SkipsTheSkillWithItsWarnings()
    {
        var (skill, diagnostics) = Load("two words", "---\ndescription: d\nname: My Skill\n---\nbody");

        Assert.Null(skill);
        Assert.Equal(2, diagnostics.Count);
        Assert.Equal(LoadSeverity.Warning, diagnostics[0].Severity);
        Assert.Equal(LoadSeverity.Error, diagnostics[1].Severity);
        Assert.Equal(3, diagnostics[1].Line);
        Assert.Equal("no usable skill name; skill skipped", diagnostics[1].Message);
    }

    [Fact]
    public void Load_MissingNameInADirectoryThatIsNoName_SkipsTheSkill()
    {
        var (skill, diagnostics) = Load("two words", "---\ndescription: d\n---\nbody");

        Assert.Null(skill);
        Assert.Equal(LoadSeverity.Error, diagnostics[^1].Severity);
        Assert.Equal("no usable skill name; skill skipped", diagnostics[^1].Message);
    }

    [Fact]
    public void Load_TheInvocationFlags_AreReadAndDefaultToModelAndUserInvocable()
    {
        var (flagged, _) = Load("f", TempTree.Skill("f", "d", extra: "disable-model-invocation: true\nuser-invocable: false\n"));
        var (plain, _) = Load("p", TempTree.Skill("p", "d"));

        Assert.True(flagged!.File!.DisableModelInvocation);
        Assert.False(flagged.File.UserInvocable);
        Assert.False(plain!.File!.DisableModelInvocation);
        Assert.True(plain.File.UserInvocable);
        Assert.Null(plain.File.ArgumentHint);
        Assert.Null(plain.File.Model);
        Assert.Null(plain.File.PluginName);
        Assert.Empty(plain.File.Metadata);
        Assert.Empty(plain.Tools);
    }

    [Fact]
    public void Load_AnInvocationFlagThatIsNotABoolean_WarnsAndKeepsTheDefault()
    {
        var (skill, diagnostics) = Load("f", TempTree.Skill("f", "d", extra: "user-invocable: sometimes\n"));

        Assert.True(skill!.File!.UserInvocable);
        var d = Assert.Single(diagnostics);
        Assert.Equal(LoadSeverity.Warning, d.Severity);
        Assert.Equal(4, d.Line);
        Assert.Equal("'user-invocable' should be true or false, not 'sometimes'; ignored", d.Message);
    }

    [Fact]
    public void Load_AllowedToolsAsAYamlList_AreTheSkillsTools()
    {
        var (skill, _) = Load("t", TempTree.Skill("t", "d", extra: "allowed-tools:\n  - Bash(git:*)\n  - Read\n"));

        Assert.Equal(["Bash(git:*)", "Read"], skill!.Tools);
    }

    [Fact]
    public void Load_TheSourcePathIsTheFullPathOfTheFile()
    {
        var (skill, _) = Load("s", TempTree.Skill("s", "d"));

        Assert.Equal(_tree["s/SKILL.md"], skill!.SourcePath);
        Assert.Equal(_tree["s/SKILL.md"], skill.PromptSource!.Path);
    }

    [Fact]
    public void Load_TheBodyLosesItsLeadingAndTrailingBlankLines()
    {
        var (skill, _) = Load("s", "---\nname: s\ndescription: d\n---\n\n\r\n# Title\n\nText.\n\n\n");

        Assert.Equal("# Title\n\nText.", skill!.Prompt);
    }

    [Fact]
    public void Parse_TheBodyLosesItsLeadingAndTrailingBlankLines()
    {
        var skill = SkillFileLoader.Parse("---\nname: s\ndescription: d\n---\n\n# Title\n\n", _tree["s/SKILL.md"], SkillScope.User, new List<LoadDiagnostic>());

        Assert.Equal("# Title", skill!.Prompt);
        Assert.Empty(skill.File!.SupportingFiles);
    }

    [Fact]
    public void Load_SupportingFiles_LeaveOutTheSkillFileAndDotFoldersAtAnyDepth()
    {
        _tree.Write("s/a.md", "x");
        _tree.Write("s/scripts/.cache/x.sh", "x");
        _tree.Write("s/scripts/.env", "x");
        _tree.Write("s/docs/SKILL.md", "x");
        var (skill, _) = Load("s", TempTree.Skill("s", "d"));

        Assert.Equal(["a.md", "docs/SKILL.md"], skill!.File!.SupportingFiles);
    }

    [Fact]
    public void Load_SupportingFiles_AreAtMostFiftyInNameOrder()
    {
        for (var i = 0; i < SkillFileLoader.MaxSupportingFiles + 5; i++)
        {
            _tree.Write($"s/refs/{i:D3}.md", "x");
        }
        var (skill, _) = Load("s", TempTree.Skill("s", "d"));

        var files = skill!.File!.SupportingFiles;
        Assert.Equal(SkillFileLoader.MaxSupportingFiles, files.Length);
        Assert.Equal("refs/000.md", files[0]);
        Assert.Equal("refs/049.md", files[^1]);
    }

    [Fact]
    public void Load_SupportingFiles_AreListedFourFoldersDeepButNotDeeper()
    {
        _tree.Write("s/1/2/3/4/deep.md", "x");
        _tree.Write("s/1/2/3/4/5/deeper.md", "x");
        var (skill, _) = Load("s", TempTree.Skill("s", "d"));

        Assert.Equal(["1/2/3/4/deep.md"], skill!.File!.SupportingFiles);
    }

    [Fact]
    public void Load_ForAPluginWithoutARoot_NamesTheSkillByItsFolder()
    {
        var file = _tree.Write("folder/SKILL.md", TempTree.Skill("declared", "d"));

        var skill = SkillFileLoader.Load(file, SkillScope.Plugin, new List<LoadDiagnostic>(), "p");

        Assert.Equal("p:folder", skill!.Metadata.Name);
    }

    [Fact]
    public void Load_ForAPlugin_ASkillInThePluginRootIsNamedByItsName()
    {
        var file = _tree.Write("plugin/SKILL.md", TempTree.Skill("root-skill", "d"));

        var skill = SkillFileLoader.Load(file, SkillScope.Plugin, new List<LoadDiagnostic>(), "p", _tree["plugin"] + "/");

        Assert.Equal("p:root-skill", skill!.Metadata.Name);
    }

    [Fact]
    public void Load_ForAPlugin_AFolderThatIsNoNameKeepsTheDeclaredName()
    {
        var file = _tree.Write("plugin/skills/two words/SKILL.md", TempTree.Skill("declared", "d"));

        var skill = SkillFileLoader.Load(file, SkillScope.Plugin, new List<LoadDiagnostic>(), "p", _tree["plugin"]);

        Assert.Equal("p:declared", skill!.Metadata.Name);
    }

    [Theory]
    [InlineData("", "it is empty")]
    [InlineData("a-", "it must not start or end with a hyphen")]
    [InlineData("a_b", "only lowercase letters, digits and hyphens are allowed")]
    [InlineData("a--b", "it must not contain consecutive hyphens")]
    [InlineData("a0-9z", null)]
    public void CheckName_SaysWhy(string name, string? why) => Assert.Equal(why, SkillFileLoader.CheckName(name));

    [Fact]
    public void CheckName_SixtyFourCharactersAreAllowed_SixtyFiveAreNot()
    {
        Assert.Null(SkillFileLoader.CheckName(new string('a', 64)));
        Assert.Equal("it is longer than 64 characters", SkillFileLoader.CheckName(new string('a', 65)));
    }

    [Fact]
    public void Parse_WithoutListFiles_ListsNoSupportingFiles_AndWithItListsThem()
    {
        _tree.Write("mem/scripts/run.sh", "echo");
        var text = TempTree.Skill("mem", "d");

        var quiet = SkillFileLoader.Parse(text, _tree["mem/SKILL.md"], SkillScope.User, new List<LoadDiagnostic>());
        var listing = SkillFileLoader.Parse(text, _tree["mem/SKILL.md"], SkillScope.User, new List<LoadDiagnostic>(), listFiles: true);

        Assert.Empty(quiet!.File!.SupportingFiles);
        Assert.Equal(["scripts/run.sh"], listing!.File!.SupportingFiles);
    }
}
