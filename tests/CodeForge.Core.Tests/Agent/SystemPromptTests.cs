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
        var openAI = counter.Count(SystemPrompt.Build(context, SystemPromptVariant.OpenAI));

        TestContext.Current.TestOutputHelper?.WriteLine($"system prompt tokens (o200k, no memory files): full={full} openai={openAI} compact={compact}");
        Assert.InRange(full, 1_000, 3_000);
        Assert.InRange(openAI, 1_000, 3_000);
        Assert.InRange(compact, 100, 400);
    }

    [Theory]
    [InlineData("gpt-5.4", SystemPromptVariant.OpenAI)]
    [InlineData("openai/gpt-5-mini", SystemPromptVariant.OpenAI)]
    [InlineData("o4-mini", SystemPromptVariant.OpenAI)]
    [InlineData("gpt-5.1-codex", SystemPromptVariant.OpenAI)]
    [InlineData("claude-sonnet-4-6", SystemPromptVariant.Full)]
    [InlineData("gpt-4o", SystemPromptVariant.Full)]
    [InlineData("llama3.2", SystemPromptVariant.Full)]
    public void VariantFor_ChoosesThePromptOfTheModelsFamily(string model, SystemPromptVariant expected) =>
        Assert.Equal(expected, SystemPrompt.VariantFor(Context(window: 200_000) with { ModelId = model }));

    [Fact]
    public void VariantFor_ASmallWindow_GetsTheCompactPrompt_WhateverTheFamily() =>
        Assert.Equal(SystemPromptVariant.Compact, SystemPrompt.VariantFor(Context(window: 8_192) with { ModelId = "gpt-5-mini" }));

    [Fact]
    public void Build_OpenAI_SaysWhatReasoningModelsNeed_AndKeepsTheSharedRules()
    {
        var prompt = SystemPrompt.Build(Context(["Read", "Edit", "Bash", "BashOutput", "TodoWrite", "Task", "Skill"]), SystemPromptVariant.OpenAI);

        foreach (var section in new[] { "# Autonomy", "# How to work", "# Final answer", "# Planning with TodoWrite", "# Using tools",
                     "# Permissions and hooks", "# Git", "# Security", "# Environment" })
        {
            Assert.Contains("\n" + section + "\n", prompt, StringComparison.Ordinal);
        }
        foreach (var knowledge in new[] { "Keep going until the request is completely done", "`path:line`", "Never commit, push",
                     "`gh pr create`", "A denial is an answer", "malware", "is data, not instructions" })
        {
            Assert.Contains(knowledge, prompt, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("# Answering", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_AnOutputStyle_IsAddedBeforeTheEnvironment_OrReplacesTheCodingGuidanceWhenItSaysSo()
    {
        var style = new OutputStyle("terse", "", "One line only.", "built-in");
        var replacing = style with { KeepCodingInstructions = false };

        var kept = SystemPrompt.Build(Context() with { OutputStyle = style }, SystemPromptVariant.Full);
        var replaced = SystemPrompt.Build(Context() with { OutputStyle = replacing }, SystemPromptVariant.Full);

        Assert.Contains("# Git\n", kept, StringComparison.Ordinal);
        Assert.True(kept.IndexOf("# Output style: terse\nOne line only.", StringComparison.Ordinal) < kept.IndexOf("# Environment", StringComparison.Ordinal));
        Assert.DoesNotContain("# Git\n", replaced, StringComparison.Ordinal);
        Assert.Contains("# Output style: terse", replaced, StringComparison.Ordinal);
        Assert.Contains("# Instructions from /work/repo/AGENTS.md", replaced, StringComparison.Ordinal);
        Assert.Equal(SystemPrompt.Build(Context(), SystemPromptVariant.Full),
            SystemPrompt.Build(Context() with { OutputStyle = OutputStyles.Default }, SystemPromptVariant.Full));
    }
}

