using CodeForge.Core.Agent;

namespace CodeForge.Core.Tests.Agent;

public sealed class MemoryFilesTests : IDisposable
{
    private readonly DirectoryInfo _repo = Directory.CreateTempSubdirectory("forge-memory-");

    public void Dispose() => _repo.Delete(recursive: true);

    private string Write(string relative, string text)
    {
        var path = Path.Combine(_repo.FullName, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Load_ReadsAgentsAndClaudeFilesFromTheRootDownToTheWorkingDirectory()
    {
        Directory.CreateDirectory(Path.Combine(_repo.FullName, ".git"));
        Write("AGENTS.md", "root agents");
        Write("CLAUDE.md", "root claude");
        Write("src/app/AGENTS.md", "app agents");
        Write("other/AGENTS.md", "not on the path");

        var files = MemoryFiles.Load(Path.Combine(_repo.FullName, "src", "app"));

        Assert.Equal(["root agents", "root claude", "app agents"], files.Select(f => f.Content));
    }

    [Fact]
    public void Load_ExpandsImportsOnceAndNotInsideCodeFences()
    {
        Directory.CreateDirectory(Path.Combine(_repo.FullName, ".git"));
        Write("docs/style.md", "use tabs");
        Write("AGENTS.md", "intro\n@docs/style.md\n```\n@docs/style.md\n```\n@docs/style.md\n@missing.md");

        var content = Assert.Single(MemoryFiles.Load(_repo.FullName)).Content;

        Assert.Equal("intro\nuse tabs\n```\n@docs/style.md\n```\n@docs/style.md\n@missing.md", content);
    }

    [Fact]
    public void Load_CapsTheTotalSize()
    {
        Directory.CreateDirectory(Path.Combine(_repo.FullName, ".git"));
        Write("AGENTS.md", new string('x', 500));

        var content = Assert.Single(MemoryFiles.Load(_repo.FullName, maxChars: 100)).Content;

        Assert.StartsWith(new string('x', 100), content, StringComparison.Ordinal);
        Assert.Contains("truncated", content, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ConfinedToAnUntrustedFolder_LeavesOutImportsAndLinksThatLeaveItButKeepsThoseInside()
    {
        var outside = Directory.CreateDirectory(Path.Combine(_repo.FullName, "outside")).FullName;
        File.WriteAllText(Path.Combine(outside, "secret.txt"), "hunter2");
        var repo = Path.Combine(_repo.FullName, "repo");
        Directory.CreateDirectory(Path.Combine(repo, ".git"));
        Write("repo/notes.md", "inside notes");
        Write("repo/AGENTS.md", $"@notes.md\n@{Path.Combine(outside, "secret.txt")}\n@linked.md");
        File.CreateSymbolicLink(Path.Combine(repo, "linked.md"), Path.Combine(outside, "secret.txt"));
        Directory.CreateDirectory(Path.Combine(repo, "sub"));
        File.CreateSymbolicLink(Path.Combine(repo, "sub", "CLAUDE.md"), Path.Combine(outside, "secret.txt"));

        var confined = string.Join("\n", MemoryFiles.Load(Path.Combine(repo, "sub"), null, 40_000, repo).Select(f => f.Content));
        var trusted = string.Join("\n", MemoryFiles.Load(Path.Combine(repo, "sub"), null, 40_000, null).Select(f => f.Content));

        Assert.Contains("inside notes", confined, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", confined, StringComparison.Ordinal);
        Assert.Contains("hunter2", trusted, StringComparison.Ordinal);
    }

    [Fact]
    public void Imports_ListsEachImportAsWrittenAndResolvedOutsideCodeFences()
    {
        Write("a.md", "x");
        var file = Write("AGENTS.md", "@a.md\n```\n@b.md\n```\n@missing.md");

        var imports = MemoryFiles.Imports(file);

        Assert.Equal([("a.md", Path.Combine(_repo.FullName, "a.md"))], imports);
    }
}
