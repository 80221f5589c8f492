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
}
