using System.Text.Json;
using CodeForge.Core.Agent;

namespace CodeForge.Core.Tests.Agent;

public sealed class ReadOnlyBashAuthorizerTests
{
    private sealed class Recording : IToolCallAuthorizer
    {
        public List<string> Seen { get; } = [];

        public ValueTask<ToolCallAuthorization> AuthorizeAsync(string toolName, JsonElement arguments, CancellationToken cancellationToken)
        {
            Seen.Add(toolName);
            return ValueTask.FromResult(ToolCallAuthorization.Allow("inner"));
        }
    }

    private static JsonElement Command(string command) => JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["command"] = command });

    [Theory]
    [InlineData("ls -la src")]
    [InlineData("git log --oneline -n 5")]
    [InlineData("grep -rn Foo src | head -20")]
    [InlineData("find . -name '*.cs'")]
    public async Task Authorize_AReadOnlyCommand_PassesToTheParentsGate(string command)
    {
        var inner = new Recording();

        var result = await new ReadOnlyBashAuthorizer(inner).AuthorizeAsync("Bash", Command(command), TestContext.Current.CancellationToken);

        Assert.True(result.Allowed);
        Assert.Equal(["Bash"], inner.Seen);
    }

    [Theory]
    [InlineData("rm -rf src", "rm is not in the read-only set")]
    [InlineData("cat a > b", "it writes 'b'")]
    [InlineData("ls; touch x", "touch")]
    [InlineData("echo $(touch x)", "substitution")]
    [InlineData("git commit -m x", "git commit")]
    [InlineData("find . -delete", "find -delete removes files")]
    [InlineData("env rm x", "rm")]
    [InlineData("sort -o out.txt in.txt", "sort -o writes a file")]
    [InlineData("find . -fprintf out.txt %p", "find -fprintf writes a file")]
    [InlineData("", "the command is empty")]
    public async Task Authorize_ACommandThatMayWrite_IsRefusedWithoutAskingTheParent(string command, string why)
    {
        var inner = new Recording();

        var result = await new ReadOnlyBashAuthorizer(inner).AuthorizeAsync("Bash", Command(command), TestContext.Current.CancellationToken);

        Assert.False(result.Allowed);
        Assert.Contains(why, result.Reason, StringComparison.Ordinal);
        Assert.Empty(inner.Seen);
    }

    [Fact]
    public async Task Authorize_OtherTools_GoStraightToTheParentsGate()
    {
        var inner = new Recording();

        var result = await new ReadOnlyBashAuthorizer(inner).AuthorizeAsync("Read", JsonSerializer.SerializeToElement(new { file_path = "/a" }), TestContext.Current.CancellationToken);

        Assert.Equal("inner", result.Reason);
        Assert.Equal(["Read"], inner.Seen);
    }
}
