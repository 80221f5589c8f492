using CodeForge.Core.Agent;

namespace CodeForge.Core.Tests.Agent;

public sealed class SystemPromptTests
{
    [Fact]
    public void Build_IncludesEnvironmentToolsAndInstructions()
    {
        var prompt = SystemPrompt.Build(new SystemPromptContext("/work/repo", new DateOnly(2026, 11, 27), "## main",
            ["Read", "Edit"], [new MemoryFile("/work/repo/AGENTS.md", "Run make test.")], "Be brief."));

        Assert.Contains("CodeForge", prompt, StringComparison.Ordinal);
        Assert.Contains("Working directory: /work/repo", prompt, StringComparison.Ordinal);
        Assert.Contains("2026-11-27", prompt, StringComparison.Ordinal);
        Assert.Contains("Tools: Read, Edit", prompt, StringComparison.Ordinal);
        Assert.Contains("## main", prompt, StringComparison.Ordinal);
        Assert.Contains("# Instructions from /work/repo/AGENTS.md\nRun make test.", prompt, StringComparison.Ordinal);
        Assert.EndsWith("Be brief.\n", prompt, StringComparison.Ordinal);
    }
}
