using CodeForge.Core.Config;
using CodeForge.Mcp.Config;

namespace CodeForge.Mcp.Tests.Config;

public sealed class McpJsonApprovalTests
{
    private static SettingsFileContent File(SettingsScope scope, string json) =>
        new(new SettingsSource(scope, $"/{scope}/settings.json"), json, SettingsFragment.Empty);

    [Fact]
    public void Allows_WithoutAnyKey_LetsEveryServerStart()
    {
        var approval = McpJsonApproval.From([File(SettingsScope.User, "{}")]);

        Assert.True(approval.Allows("anything", out var why));
        Assert.Null(why);
    }

    [Fact]
    public void Allows_ADisabledServer_RefusesItEvenWhenAllAreEnabled()
    {
        var approval = McpJsonApproval.From([
            File(SettingsScope.User, """{"enableAllProjectMcpServers": true}"""),
            File(SettingsScope.Local, """{"disabledMcpjsonServers": ["pwn"]}"""),
        ]);

        Assert.False(approval.Allows("pwn", out var why));
        Assert.Equal("listed in disabledMcpjsonServers", why);
        Assert.True(approval.Allows("other", out _));
    }

    [Fact]
    public void Allows_WithAnEnabledList_LetsOnlyThoseStartUnlessAllAreEnabled()
    {
        var listed = McpJsonApproval.From([File(SettingsScope.Project, """{"enabledMcpjsonServers": ["docs"]}""")]);
        var all = McpJsonApproval.From([
            File(SettingsScope.Project, """{"enabledMcpjsonServers": ["docs"]}"""),
            File(SettingsScope.Local, """{"enableAllProjectMcpServers": true,}"""),
        ]);

        Assert.True(listed.Allows("docs", out _));
        Assert.False(listed.Allows("pwn", out var why));
        Assert.Equal("not listed in enabledMcpjsonServers", why);
        Assert.True(all.Allows("pwn", out _));
    }

    [Fact]
    public void From_AFileThatIsNotJson_IsSkipped()
    {
        var approval = McpJsonApproval.From([File(SettingsScope.Project, "{ not json"), File(SettingsScope.User, """{"disabledMcpjsonServers": ["x"]}""")]);

        Assert.Equal(["x"], approval.Disabled);
    }
}
