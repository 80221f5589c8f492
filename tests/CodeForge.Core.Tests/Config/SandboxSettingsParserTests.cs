using CodeForge.Core.Config;

namespace CodeForge.Core.Tests.Config;

/// <summary>The <c>sandbox</c> key of a settings file, read through <see cref="SettingsParser"/> as users write it.</summary>
public sealed class SandboxSettingsParserTests
{
    private static readonly SettingsSource Source = new(SettingsScope.Project, "/repo/.forge/settings.json");

    [Theory]
    [InlineData("""{"sandbox": true}""", """error: sandbox: expected an object such as {"enabled": true, "network": {"allowAll": false}}, found a boolean; ignored""")]
    [InlineData("""{"sandbox": {"enabled": "yes"}}""", "error: sandbox.enabled: expected true or false, found a string; ignored")]
    [InlineData("""{"sandbox": {"network": []}}""", """error: sandbox.network: expected an object such as {"allowAll": false}, found an array; ignored""")]
    [InlineData("""{"sandbox": {"network": {"allowAll": 1}}}""", "error: sandbox.network.allowAll: expected true or false, found a number; ignored")]
    [InlineData("""{"sandbox": {"network": {"socksProxyPort": 1080}}}""", "warning: sandbox.network.socksProxyPort: not supported by forge's sandbox (network is all or nothing: use allowAll); ignored")]
    [InlineData("""{"sandbox": {"network": {"allowedDomains": []}}}""", "warning: sandbox.network.allowedDomains: not supported by forge's sandbox (network is all or nothing: use allowAll); ignored")]
    [InlineData("""{"sandbox": {"network": {"allowUnixSockets": []}}}""", "warning: sandbox.network.allowUnixSockets: not supported by forge's sandbox (network is all or nothing: use allowAll); ignored")]
    [InlineData("""{"sandbox": {"network": {"allowLocalBinding": true}}}""", "warning: sandbox.network.allowLocalBinding: not supported by forge's sandbox (network is all or nothing: use allowAll); ignored")]
    [InlineData("""{"sandbox": {"network": {"httpProxyPort": 8080}}}""", "warning: sandbox.network.httpProxyPort: not supported by forge's sandbox (network is all or nothing: use allowAll); ignored")]
    [InlineData("""{"sandbox": {"allowUnsandboxedCommands": true}}""", "warning: sandbox.allowUnsandboxedCommands: not supported by forge's sandbox; ignored")]
    [InlineData("""{"sandbox": {"enableWeakerNestedSandbox": true}}""", "warning: sandbox.enableWeakerNestedSandbox: not supported by forge's sandbox; ignored")]
    [InlineData("""{"sandbox": {"ignoreViolations": true}}""", "warning: sandbox.ignoreViolations: not supported by forge's sandbox; ignored")]
    [InlineData("""{"sandbox": {"network": {"allowEverything": true}}}""", "warning: sandbox.network.allowEverything: unknown sandbox.network setting; ignored")]
    [InlineData("""{"sandbox": {"excludedCommands": ["git"]}}""", "warning: sandbox.excludedCommands: not supported by forge's sandbox; ignored")]
    [InlineData("""{"sandbox": {"autoAllowBashIfSandboxed": true}}""", "warning: sandbox.autoAllowBashIfSandboxed: not supported by forge's sandbox; ignored")]
    [InlineData("""{"sandbox": {"strict": true}}""", "warning: sandbox.strict: unknown sandbox setting; ignored")]
    public void Parse_WhenASandboxValueIsWrongOrUnsupported_SaysWhereAndWhy(string json, string expected)
    {
        var (_, diagnostics) = SettingsParser.Parse(json, Source);

        Assert.Equal($"/repo/.forge/settings.json:1: {expected}", Assert.Single(diagnostics).ToString());
    }

    [Fact]
    public void Parse_ReadsEnabledAndAllowAllAndMergesThemOverTheDefaults()
    {
        var (f, diagnostics) = SettingsParser.Parse("""{"sandbox": {"enabled": false, "network": {"allowAll": true}}}""", Source);

        Assert.Empty(diagnostics);
        Assert.Equal(new SandboxSettingsFragment(false, true), f.Sandbox);
        Assert.Equal(new SandboxSettings(false, true), Settings.Merge([f]).Sandbox);
        Assert.Equal(new SandboxSettings(true, false), Settings.Merge([SettingsFragment.Empty]).Sandbox);
    }

    [Fact]
    public void Merge_AHigherLayerOverridesOnlyWhatItSets()
    {
        var low = SettingsFragment.Empty with { Sandbox = new SandboxSettingsFragment(false, true) };
        var high = SettingsFragment.Empty with { Sandbox = new SandboxSettingsFragment(AllowAllNetwork: false) };

        Assert.Equal(new SandboxSettings(false, false), Settings.Merge([low, high]).Sandbox);
    }
}
