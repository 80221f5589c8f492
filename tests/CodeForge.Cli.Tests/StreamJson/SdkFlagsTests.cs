namespace CodeForge.Cli.Tests.StreamJson;

public sealed class SdkFlagsTests
{
    private static IReadOnlyList<string> Errors(params string[] args) =>
        [.. Program.BuildRootCommand().Parse(args).Errors.Select(e => e.Message)];

    [Theory]
    [InlineData("--fallback-model=haiku", "--fallback-model is not supported by forge")]
    [InlineData("--agents={}", "--agents is not supported by forge")]
    [InlineData("--include-hook-events", "--include-hook-events is not supported by forge")]
    [InlineData("--setting-sources=user", "--setting-sources 'user' is not supported by forge")]
    [InlineData("--permission-prompt-tool=mcp__perm__ask", "only 'stdio'")]
    [InlineData("--max-budget-usd=cheap", "not a positive number of dollars")]
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
            "--await-initialize", "--json-schema={\"type\":\"object\"}", "--debug", "--fork-session", "--continue");

        Assert.Empty(errors);
    }
}
