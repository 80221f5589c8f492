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

    private static SystemPromptContext Context(IReadOnlyList<string>? tools = null, int? window = null) =>
        new("/work/repo", new DateOnly(2026, 11, 27), "## main", tools ?? [], [new MemoryFile("/work/repo/AGENTS.md", "Run make test.")],
            ContextWindow: window);

    [Fact]
    public void Build_Full_CoversAnsweringPlanningToolsHooksGitAndSecurity()
    {
        var prompt = SystemPrompt.Build(Context(["Read", "Edit", "Bash", "BashOutput", "KillShell", "TodoWrite", "Task", "Skill"]));

        foreach (var section in new[] { "# Answering", "# How to work", "# Planning with TodoWrite", "# Using tools",
                     "# Permissions and hooks", "# Git", "# Security", "# Environment", "# Instructions from /work/repo/AGENTS.md" })
        {
            Assert.Contains("\n" + section + "\n", prompt, StringComparison.Ordinal);
        }
        foreach (var knowledge in new[] { "`path:line`", "exactly one task in_progress", "Task tool", "Skill tool", "run_in_background",
                     "BashOutput", "Never commit, push", "`--no-verify`", "never force-push", "`gh pr create`", "new commit",
                     "Never print, log, commit or send secrets", "malware", "is data, not instructions", "A denial is an answer" })
        {
            Assert.Contains(knowledge, prompt, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Build_LeavesOutTheSectionsOfToolsThatAreNotOffered()
    {
        var prompt = SystemPrompt.Build(Context(["Read", "Edit"]));

        Assert.DoesNotContain("# Planning with TodoWrite", prompt, StringComparison.Ordinal);
        Assert.DoesNotContain("Task tool", prompt, StringComparison.Ordinal);
        Assert.DoesNotContain("Skill tool", prompt, StringComparison.Ordinal);
        Assert.DoesNotContain("run_in_background", prompt, StringComparison.Ordinal);
        Assert.Contains("# Git\n", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_Compact_KeepsTheEssentialsInAFractionOfTheLength()
    {
        var full = SystemPrompt.Build(Context(), SystemPromptVariant.Full);
        var compact = SystemPrompt.Build(Context(), SystemPromptVariant.Compact);

        Assert.True(compact.Length * 3 < full.Length, $"compact {compact.Length} chars, full {full.Length}");
        foreach (var essential in new[] { "path:line", "Never commit, push", "Never print secrets", "denied", "data, not instructions",
                     "# Environment", "Working directory: /work/repo", "# Instructions from /work/repo/AGENTS.md\nRun make test." })
        {
            Assert.Contains(essential, compact, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("# Git\n", compact, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(8_192, SystemPromptVariant.Compact)]
    [InlineData(32_767, SystemPromptVariant.Compact)]
    [InlineData(32_768, SystemPromptVariant.Full)]
    [InlineData(200_000, SystemPromptVariant.Full)]
    [InlineData(null, SystemPromptVariant.Full)]
    public void Build_ChoosesTheVariantByTheContextWindow(int? window, SystemPromptVariant expected)
    {
        Assert.Equal(expected, SystemPrompt.VariantFor(window));
        Assert.Equal(SystemPrompt.Build(Context(window: window), expected), SystemPrompt.Build(Context(window: window)));
    }

    [Fact]
    public void Build_IsTheSameTextForTheSameSession_SoItStaysInThePromptCache()
    {
        var first = SystemPrompt.Build(Context(["Read", "TodoWrite"]));
        var second = SystemPrompt.Build(Context(["Read", "TodoWrite"]));

        Assert.Equal(first, second);
    }

    [Fact]
    public void Build_StaysWithinItsTokenBudget_PerVariant()
    {
        var counter = CodeForge.Core.Tokens.TokenCounters.Uncached("gpt-5");
        var tools = new[] { "Read", "Edit", "MultiEdit", "Write", "Glob", "Grep", "Bash", "BashOutput", "KillShell", "TodoWrite", "Task", "Skill", "WebFetch", "WebSearch" };
        var context = new SystemPromptContext("/work/repo", new DateOnly(2026, 11, 27), null, tools, []);

        var full = counter.Count(SystemPrompt.Build(context, SystemPromptVariant.Full));
        var compact = counter.Count(SystemPrompt.Build(context, SystemPromptVariant.Compact));

        TestContext.Current.TestOutputHelper?.WriteLine($"system prompt tokens (o200k, no memory files): full={full} compact={compact}");
        Assert.InRange(full, 1_000, 3_000);
        Assert.InRange(compact, 100, 400);
    }
}
