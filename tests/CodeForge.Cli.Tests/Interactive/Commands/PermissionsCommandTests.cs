using CodeForge.Cli.Interactive.Commands;

namespace CodeForge.Cli.Tests.Interactive.Commands;

public sealed class PermissionsCommandTests : IDisposable
{
    private readonly CommandFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task RunAsync_WithoutArguments_ListsTheModeAndTheSessionRules()
    {
        _f.Engine.AddSessionRule(CodeForge.Core.Permissions.PermissionBehavior.Deny, "Bash(rm:*)");

        await new PermissionsCommand(_f.Context).RunAsync("", CommandFixture.Ct);

        Assert.Contains("Mode:", _f.Output, StringComparison.Ordinal);
        Assert.Contains("deny  Bash(rm:*)", _f.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_OfRemove_DropsTheSessionRule()
    {
        _f.Engine.AddSessionRule(CodeForge.Core.Permissions.PermissionBehavior.Allow, "Read");

        await new PermissionsCommand(_f.Context).RunAsync("remove Read", CommandFixture.Ct);

        Assert.Contains("Removed session rule Read.", _f.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(_f.Engine.Permissions.SessionRules, r => r.ToString() == "Read");
    }

    [Theory]
    [InlineData("allow")]
    [InlineData("grant Read")]
    public async Task RunAsync_OfABadUsage_ThrowsTheUsage(string arguments)
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => new PermissionsCommand(_f.Context).RunAsync(arguments, CommandFixture.Ct));

        Assert.StartsWith("Usage: /permissions", ex.Message, StringComparison.Ordinal);
    }
}
