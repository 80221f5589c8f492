using CodeForge.Core.Agent;

namespace CodeForge.Core.Tests.Agent;

public sealed class OutputStylesTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("forge-styles-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Load_ReadsClaudeCodeStyleFiles_WithTheirNameDescriptionAndInstructions()
    {
        Write("teacher.md", "---\nname: Teacher\ndescription: Explains slowly\nkeep-coding-instructions: false\n---\n\nExplain every step.\n");
        Write("nameless.md", "Be terse.\n");
        var problems = new List<string>();

        var styles = OutputStyles.Load([_dir.FullName, Path.Combine(_dir.FullName, "missing")], problems);

        Assert.Empty(problems);
        Assert.Equal(["nameless", "Teacher"], styles.Select(s => s.Name));
        var teacher = styles[1];
        Assert.Equal(("Explains slowly", "Explain every step.", false), (teacher.Description, teacher.Instructions, teacher.KeepCodingInstructions));
        Assert.True(styles[0].KeepCodingInstructions);
    }

    [Fact]
    public void Load_AnEntryThatIsAFile_ReadsItAsOneStyle()
    {
        var single = Write("single.md", "---\nname: single\n---\nOne line answers.\n");
        Write("other.md", "---\nname: other\n---\nNot listed.\n");
        var problems = new List<string>();

        var styles = OutputStyles.Load([single], problems);

        Assert.Empty(problems);
        Assert.Equal("single", Assert.Single(styles).Name);
    }

    [Fact]
    public void Load_ReportsAStyleWithoutInstructions_NamingTheFile_AndKeepsTheOthers()
    {
        var empty = Write("empty.md", "---\nname: empty\n---\n");
        Write("fine.md", "---\nname: fine\n---\nShort answers.\n");
        var problems = new List<string>();

        var styles = OutputStyles.Load([_dir.FullName], problems);

        Assert.Equal("fine", Assert.Single(styles).Name);
        Assert.Contains(empty, Assert.Single(problems), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "default")]
    [InlineData("", "default")]
    [InlineData("Concise", "concise")]
    [InlineData("explanatory", "explanatory")]
    public void Select_FindsBuiltInsCaseInsensitively(string? name, string expected)
    {
        var problems = new List<string>();

        Assert.Equal(expected, OutputStyles.Select(name, OutputStyles.BuiltIn, problems).Name);
        Assert.Empty(problems);
    }

    [Fact]
    public void Select_UnknownName_GivesTheDefault_AndAProblemListingTheNames()
    {
        var problems = new List<string>();

        var style = OutputStyles.Select("haiku", OutputStyles.BuiltIn, problems);

        Assert.Same(OutputStyles.Default, style);
        Assert.Contains("default, concise, explanatory", Assert.Single(problems), StringComparison.Ordinal);
    }

    [Fact]
    public void Select_AStyleFile_ReplacesABuiltInOfTheSameName()
    {
        var file = new OutputStyle("concise", "mine", "My own concise rules.", "/x/concise.md");

        Assert.Same(file, OutputStyles.Select("concise", [.. OutputStyles.BuiltIn, file], new List<string>()));
    }
}
