using CodeForge.Cli.Interactive;

namespace CodeForge.Cli.Tests.Interactive;

public sealed class FileAttachmentsTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("forge-attach-");
    private readonly string _work;
    private readonly string _outside;
    private readonly List<string> _additional = [];

    public FileAttachmentsTests()
    {
        _work = Directory.CreateDirectory(Path.Combine(_root.FullName, "work")).FullName;
        _outside = Directory.CreateDirectory(Path.Combine(_root.FullName, "outside")).FullName;
    }

    public void Dispose() => _root.Delete(recursive: true);

    private FileAttachments Attachments => new(_work, () => _additional);

    [Fact]
    public void Attach_OfAFileInTheWorkingDirectory_AppendsItAndLeavesOtherWordsAlone()
    {
        File.WriteAllText(Path.Combine(_work, "notes.md"), "the notes");

        var result = Attachments.Attach("summarise @notes.md, cc @bob");

        Assert.StartsWith("summarise @notes.md, cc @bob\n\n<attached-file path=", result.Prompt, StringComparison.Ordinal);
        Assert.Contains("the notes", result.Prompt, StringComparison.Ordinal);
        Assert.Equal(["notes.md"], result.Attached);
        Assert.Empty(result.Refused);
    }

    [Fact]
    public void Attach_OfALinkThatLeadsOutOfTheAllowedDirectories_RefusesItAsTheFileToolsWould()
    {
        File.WriteAllText(Path.Combine(_outside, "secret.txt"), "top secret");
        File.CreateSymbolicLink(Path.Combine(_work, "link.txt"), Path.Combine(_outside, "secret.txt"));

        var result = Attachments.Attach("read @link.txt and @../outside/secret.txt");

        Assert.DoesNotContain("top secret", result.Prompt, StringComparison.Ordinal);
        Assert.Empty(result.Attached);
        Assert.Equal(["link.txt", "../outside/secret.txt"], result.Refused.Select(r => r.Word));
        Assert.All(result.Refused, r => Assert.Contains("outside the allowed directories", r.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Attach_OfAFileInAnAdditionalDirectory_AttachesIt()
    {
        _additional.Add(_outside);
        var file = Path.Combine(_outside, "shared.txt");
        File.WriteAllText(file, "shared text");

        var result = Attachments.Attach($"use @{file}");

        Assert.Contains("shared text", result.Prompt, StringComparison.Ordinal);
    }

    [Fact]
    public void Attach_OfABinaryOrTooLargeFile_RefusesItAndSaysWhy()
    {
        File.WriteAllBytes(Path.Combine(_work, "image.bin"), [1, 0, 2]);
        File.WriteAllText(Path.Combine(_work, "big.txt"), new string('x', (int)FileAttachments.MaxBytes + 1));

        var result = Attachments.Attach("@image.bin @big.txt");

        Assert.Equal([("image.bin", "a binary file"), ("big.txt", "larger than 256 KB; ask the model to read it")], result.Refused);
        Assert.Equal("@image.bin @big.txt", result.Prompt);
    }
}
