namespace CodeForge.Cli.Tests.StreamJson;

public sealed class SdkFlagsTests
{
    private static IReadOnlyList<string> Errors(params string[] args) =>
        [.. Program.BuildRootCommand().Parse(args).Errors.Select(e => e.Message)];

    [Theory]
    [InlineData("--fallback-model=,", "--fallback-model needs a model name")]
    [InlineData("--betas=x", "--betas is not supported by forge")]
    [InlineData("--agents=[1]", "--agents: expected a JSON object")]
    [InlineData("--agents={\"r\":{\"prompt\":\"p\"}}", "agent 'r' needs a non-empty \"description\"")]
    [InlineData("--agents={not json", "--agents: not valid JSON")]
    [InlineData("--include-hook-events", "--include-hook-events is not supported by forge")]
    [InlineData("--setting-sources=user", "--setting-sources 'user' is not supported by forge")]
    [InlineData("--permission-prompt-tool=mcp__perm__ask", "only 'stdio'")]
    [InlineData("--max-budget-usd=cheap", "not a positive number of dollars")]
    [InlineData("--thinking=sometimes", "Argument 'sometimes' not recognized")]
    [InlineData("--thinking-display=highlights", "--thinking-display highlights is not supported by forge")]
    public void Parse_AFlagForgeCannotHonour_IsRefusedWithTheReason(string flag, string reason)
    {
        var errors = Errors("-p", "hi", flag);

        Assert.Contains(errors, e => e.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_TheFlagsTheSdkPasses_AreAccepted()
    {
        var errors = Errors("--output-format", "stream-json", "--verbose", "--input-format", "stream-json", "--model=sonnet",
            "--permission-prompt-tool=stdio", "--max-turns=3", "--max-budget-usd=0.5", "--setting-sources=user,project,local",
            "--allowedTools=Read,Grep", "--disallowedTools=Bash", "--tools=Read,Grep", "--mcp-config", """{"mcpServers":{}}""",
            "--strict-mcp-config", "--include-partial-messages", "--replay-user-messages", "--add-dir=/tmp", "--settings={}",
            "--session-id=0a6c1b0e-5f7a-4b8e-9c1d-2e3f4a5b6c7d", "--no-session-persistence", "--permission-mode=default",
            "--await-initialize", "--json-schema={\"type\":\"object\"}", "--debug", "--fork-session", "--continue",
            "--effort=high", "--max-thinking-tokens=8000", "--fallback-model=haiku", "--agent=reviewer", "--plugin-dir=/tmp/p1",
            "--plugin-dir=/tmp/p2", "--plugin-dir-no-mcp=/tmp/p3", "--thinking=adaptive", "--thinking-display=summarized", """--agents={"reviewer":{"description":"Reviews","prompt":"Review it.","tools":["Read"]}}""");

        Assert.Empty(errors);
    }

    [Fact]
    public void AgentsFlag_InClaudeCodesShape_GivesSubagentTypesForTheRun()
    {
        var (agents, error) = CodeForge.Cli.StreamJson.FlagAgents.Parse(
            """{"reviewer":{"description":"Reviews diffs","prompt":"Review it.","tools":["Read","Grep"],"model":"haiku"},"any":{"description":"d","prompt":"p"}}""");

        Assert.Null(error);
        Assert.Equal(2, agents.Length);
        Assert.Equal(("reviewer", "Reviews diffs", "Review it.", "haiku"), (agents[0].Name, agents[0].Description, agents[0].SystemPrompt, agents[0].Model));
        Assert.Equal(["Read", "Grep"], agents[0].Tools!.Value);
        Assert.Null(agents[1].Tools); // every tool of the parent
    }

    [Fact]
    public void Apply_RunFlags_GiveTheRuntimeTheirOptions()
    {
        var root = new System.CommandLine.RootCommand();
        var sdk = CodeForge.Cli.StreamJson.SdkFlags.AddTo(root);
        var parse = root.Parse(["--fallback-model", "haiku, opus", "--agent", "reviewer", "--plugin-dir", "plugins/a", "--plugin-dir", "/abs/b",
            "--plugin-dir-no-mcp", "c", "--strict-mcp-config"]);

        var options = sdk.Apply(parse, new CodeForge.Cli.Composition.ForgeOptions { WorkingDirectory = "/work/repo" });

        Assert.Empty(parse.Errors);
        Assert.Equal(["haiku", "opus"], options.FallbackModels);
        Assert.Equal("reviewer", options.MainAgent);
        Assert.True(options.StrictMcpConfig);
        Assert.Equal([("/work/repo/plugins/a", true), ("/abs/b", true), ("/work/repo/c", false)], options.PluginDirectories.Select(d => (d.Path, d.LoadMcpServers)));
    }

    [Fact]
    public void FallbackModel_InTheInteractiveTerminal_IsRefusedWithTheReason()
    {
        var root = new System.CommandLine.RootCommand();
        var sdk = CodeForge.Cli.StreamJson.SdkFlags.AddTo(root);

        Assert.Contains("works with -p only", sdk.InteractiveReason(root.Parse(["--fallback-model", "haiku"])), StringComparison.Ordinal);
        Assert.Null(sdk.InteractiveReason(root.Parse(["--agent", "reviewer"])));
    }

    /// <summary>Every flag the pinned Agent SDK (tests/agent-sdk) can put on the command line it spawns (read from its
    /// sdk.mjs: the <c>--flag</c> literals of ProcessTransport), apart from git's own.</summary>
    private static readonly string[] s_sdkFlags =
    [
        "--add-dir=/tmp", "--agent=a", "--allow-dangerously-skip-permissions", "--await-initialize", "--betas=x", "--channels=c", "--continue",
        "--debug", "--debug-file=/tmp/d", "--debug-to-stderr", "--effort=high", "--fallback-model=haiku", "--fork-session", "--include-hook-events",
        "--include-partial-messages", "--initialize-fields=settings", "--input-format=stream-json", "--json-schema={}", "--managed-settings={}",
        "--managed-settings-in-initialize", "--max-budget-usd=1", "--max-thinking-tokens=1000", "--max-turns=2", "--mcp-config={}", "--model=sonnet",
        "--no-session-persistence", "--output-format=stream-json", "--permission-mode=default", "--permission-prompt-tool=stdio",
        "--permission-prompts=x", "--plugin-dir=/tmp/p", "--plugin-dir-no-mcp=/tmp/q", "--project-config-root=/tmp", "--resume=abc",
        "--resume-drops-turn=u", "--resume-session-at=u", "--session-id=0a6c1b0e-5f7a-4b8e-9c1d-2e3f4a5b6c7d", "--session-mirror",
        "--setting-sources=user,project,local", "--strict-mcp-config", "--task-budget=1000", "--thinking=adaptive", "--thinking-display=omitted",
        "--tools=Read", "--tools=", "--verbose", "--allowedTools=Read", "--disallowedTools=Bash", "--settings={}",
    ];

    [Fact]
    public void Parse_EveryFlagTheSdkCanSend_IsAcceptedOrRefusedWithAReason_NeverUnrecognized()
    {
        foreach (var flag in s_sdkFlags)
        {
            var errors = Errors(flag);

            Assert.DoesNotContain(errors, e => e.Contains("Unrecognized", StringComparison.OrdinalIgnoreCase));
            var name = flag.Split('=')[0];
            if (CodeForge.Cli.StreamJson.SdkFlags.Refused.Any(r => r.Name == name))
            {
                Assert.Contains(errors, e => e.StartsWith($"{name} is not supported by forge: ", StringComparison.Ordinal));
            }
        }
    }
}
