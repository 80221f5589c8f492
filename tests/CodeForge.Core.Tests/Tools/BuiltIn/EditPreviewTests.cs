using System.Text.Json;
using CodeForge.Core.Tools.BuiltIn;

namespace CodeForge.Core.Tests.Tools.BuiltIn;

public sealed class EditPreviewTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("forge-preview-");

    public void Dispose() => _root.Delete(recursive: true);

    private string File(string name, string content)
    {
        var path = Path.Combine(_root.FullName, name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    private static JsonElement Args(object value) => JsonSerializer.SerializeToElement(value);

    [Fact]
    public void Diff_OfAnEdit_ShowsTheChangeWithoutWritingIt()
    {
        var path = File("a.txt", "hello world\nsecond\n");

        var diff = EditPreview.Diff("Edit", Args(new Dictionary<string, string> { ["file_path"] = path, ["old_string"] = "hello", ["new_string"] = "goodbye" }), _root.FullName);

        Assert.NotNull(diff);
        Assert.Contains("-hello world", diff, StringComparison.Ordinal);
        Assert.Contains("+goodbye world", diff, StringComparison.Ordinal);
        Assert.Equal("hello world\nsecond\n", System.IO.File.ReadAllText(path));
    }

    [Fact]
    public void Diff_OfAMultiEdit_AppliesTheEditsInOrder()
    {
        var path = File("b.txt", "one\ntwo\n");
        var args = JsonSerializer.SerializeToElement(new
        {
            file_path = path,
            edits = new[] { new { old_string = "one", new_string = "uno" }, new { old_string = "uno\ntwo", new_string = "uno\ndos" } },
        });

        var diff = EditPreview.Diff("MultiEdit", args, _root.FullName);

        Assert.Contains("+uno", diff, StringComparison.Ordinal);
        Assert.Contains("+dos", diff, StringComparison.Ordinal);
    }

    [Fact]
    public void Diff_OfAWriteToANewFile_ShowsEveryLineAdded()
    {
        var diff = EditPreview.Diff("Write", Args(new Dictionary<string, string> { ["file_path"] = "new.txt", ["content"] = "fresh\n" }), _root.FullName);

        Assert.Contains("+fresh", diff, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Edit", "missing text")]
    [InlineData("Read", "hello")]
    public void Diff_WhenTheCallIsNotAnApplicableEdit_IsNull(string tool, string oldString)
    {
        var path = File("c.txt", "hello\n");

        Assert.Null(EditPreview.Diff(tool, Args(new Dictionary<string, string> { ["file_path"] = path, ["old_string"] = oldString, ["new_string"] = "x" }), _root.FullName));
    }
}
