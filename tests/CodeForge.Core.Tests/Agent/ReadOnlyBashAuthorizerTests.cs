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
    [InlineData("rm -rf src", "'rm' is not a known read-only command")]
    [InlineData("cat a > b", "'>' is not allowed")]
    [InlineData("ls; touch x", "';' is not allowed")]
    [InlineData("echo $(touch x)", "'$(' is not allowed")]
    [InlineData("git commit -m x", "'git commit' may change the repository")]
    [InlineData("find . -delete", "no -exec, -delete")]
    [InlineData("", "empty command")]
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
