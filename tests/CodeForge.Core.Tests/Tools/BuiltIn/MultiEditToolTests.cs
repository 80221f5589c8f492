using static CodeForge.Core.Tests.Tools.BuiltIn.FileToolHarness;

namespace CodeForge.Core.Tests.Tools.BuiltIn;

public sealed class MultiEditToolTests : IDisposable
{
    private readonly FileToolHarness _h = new();

    public void Dispose() => _h.Dispose();

    private static Dictionary<string, object?> Edit(string oldString, string newString, bool replaceAll = false) =>
        Args(("old_string", oldString), ("new_string", newString), ("replace_all", replaceAll));

    [Fact]
    public async Task MultiEdit_AppliesEditsInOrderEachOnThePreviousResult()
    {
        var path = _h.WriteFile("a.txt", "alpha beta gamma\n");
        await _h.RunAsync("Read", Args(("file_path", path)));

        var result = await _h.RunAsync("MultiEdit", Args(("file_path", path), ("edits", new[]
        {
            Edit("alpha", "ALPHA"),
            Edit("ALPHA beta", "A B"),
            Edit("a", "4", replaceAll: true),
        })));

        Assert.True(result.Success, result.Error);
        Assert.Equal("A B g4mm4\n", TextOf(path));
        Assert.Contains("applied 3 edits", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MultiEdit_WhenOneEditFails_AppliesNoneAndNamesTheEdit()
    {
        var path = _h.WriteFile("a.txt", "one two three\n");
        await _h.RunAsync("Read", Args(("file_path", path)));

        var result = await _h.RunAsync("MultiEdit", Args(("file_path", path), ("edits", new[]
        {
            Edit("one", "1"),
            Edit("missing", "x"),
        })));

        Assert.False(result.Success);
        Assert.StartsWith("Edit 2 of 2: old_string was not found", result.Error, StringComparison.Ordinal);
        Assert.Contains("No edit was applied", result.Error, StringComparison.Ordinal);
        Assert.Equal("one two three\n", TextOf(path));
    }

    [Fact]
    public async Task MultiEdit_WhenTheFileChangedElsewhere_AppliesEveryEditToTheCurrentContent()
    {
        var path = _h.WriteFile("a.txt", "one\ntwo\nthree\n");
        await _h.RunAsync("Read", Args(("file_path", path)));
        Overwrite(path, "zero\none\ntwo\nthree\n");

        var result = await _h.RunAsync("MultiEdit", Args(("file_path", path), ("edits", new[] { Edit("one", "1"), Edit("three", "3") })));

        Assert.True(result.Success, result.Error);
        Assert.Equal("zero\n1\ntwo\n3\n", TextOf(path));
        Assert.Contains("had changed on disk since you last read it", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MultiEdit_WhenTheFileChangedAndOneOldStringIsGone_AppliesNoneAndNamesTheEditAsStale()
    {
        var path = _h.WriteFile("a.txt", "one\ntwo\nthree\n");
        await _h.RunAsync("Read", Args(("file_path", path)));
        Overwrite(path, "one\ntwo\nTHREE\n");

        var result = await _h.RunAsync("MultiEdit", Args(("file_path", path), ("edits", new[] { Edit("one", "1"), Edit("three", "3") })));

        Assert.False(result.Success);
        Assert.Contains("has changed on disk since you last read it", result.Error, StringComparison.Ordinal);
        Assert.Contains("edit 2 of 2", result.Error, StringComparison.Ordinal);
        Assert.Equal("one\ntwo\nTHREE\n", TextOf(path));
    }

    [Fact]
    public async Task MultiEdit_WithoutARead_IsRefused()
    {
        var path = _h.WriteFile("a.txt", "x");

        var result = await _h.RunAsync("MultiEdit", Args(("file_path", path), ("edits", new[] { Edit("x", "y") })));

        Assert.False(result.Success);
        Assert.Contains("has not been read", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MultiEdit_WithNoEdits_Fails()
    {
        var path = _h.WriteFile("a.txt", "x");

        var result = await _h.RunAsync("MultiEdit", Args(("file_path", path), ("edits", Array.Empty<Dictionary<string, object?>>())));

        Assert.False(result.Success);
        Assert.Contains("'edits' is empty", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MultiEdit_WithAnEditMissingNewString_FailsInValidation()
    {
        var result = await _h.RunAsync("MultiEdit", "{\"file_path\": \"/x\", \"edits\": [{\"old_string\": \"a\"}]}");

        Assert.False(result.Success);
        Assert.Contains("'edits[0].new_string' is required", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MultiEdit_CanCreateAFileThenEditIt()
    {
        var path = _h.PathOf("n.txt");

        var result = await _h.RunAsync("MultiEdit", Args(("file_path", path), ("edits", new[] { Edit("", "a b\n"), Edit("b", "c") })));

        Assert.True(result.Success, result.Error);
        Assert.Equal("a c\n", TextOf(path));
    }

    [Fact]
    public void FactsAndAccess_NameTheFileItWrites()
    {
        var path = _h.WriteFile("a.txt", "x\n");
        var arguments = Json(Args(("file_path", path), ("edits", new[] { Edit("x", "y") })));
        var tool = _h.Registry.GetRequired("MultiEdit");

        var facts = CodeForge.Core.Tools.BuiltIn.MultiEditTool.Facts(arguments);
        var access = ((CodeForge.Core.Tools.IToolAccessDescriber)tool).DescribeAccess(arguments, _h.Context);

        Assert.Equal(path, facts.Path);
        Assert.False(facts.ReadOnly);
        Assert.Equal([path], access.Writes);
        Assert.Empty(access.Reads);
        Assert.Same(CodeForge.Core.Tools.ToolAccess.None,
            ((CodeForge.Core.Tools.IToolAccessDescriber)tool).DescribeAccess(Json(Args(("file_path", "relative.txt"))), _h.Context));
    }

    [Fact]
    public async Task MultiEdit_ReportsEditsAndOccurrencesInTheSummary()
    {
        var path = _h.WriteFile("a.txt", "a a b\n");
        await _h.RunAsync("Read", Args(("file_path", path)));

        var result = await _h.RunAsync("MultiEdit", Args(("file_path", path), ("edits", new[] { Edit("a", "c", replaceAll: true), Edit("b", "d") })));

        Assert.StartsWith($"Edited {path}: applied 2 edits (3 occurrences).\n", result.Output, StringComparison.Ordinal);
        Assert.Equal(3, result.Metadata["replacements"]);
        Assert.Equal(2, result.Metadata["edits"]);
        Assert.Equal(false, result.Metadata["created"]);
        Assert.Equal(false, result.Metadata["changed_on_disk"]);
    }

    [Fact]
    public async Task MultiEdit_AFailingEdit_NamesItsNumberAndAppliesNothing()
    {
        var path = _h.WriteFile("a.txt", "one two\n");
        await _h.RunAsync("Read", Args(("file_path", path)));

        var result = await _h.RunAsync("MultiEdit", Args(("file_path", path), ("edits", new[] { Edit("one", "1"), Edit("two", "two") })));

        Assert.Equal("Edit 2 of 2: old_string and new_string are identical, so nothing would change. Give the new text in new_string. "
            + "No edit was applied (MultiEdit is all or nothing).", result.Error);
        Assert.Equal("one two\n", TextOf(path));
    }
}
