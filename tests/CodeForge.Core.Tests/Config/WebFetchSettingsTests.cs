using CodeForge.Core.Config;

namespace CodeForge.Core.Tests.Config;

public sealed class WebFetchSettingsTests
{
    private static readonly SettingsSource Source = new(SettingsScope.Project, "/repo/.forge/settings.json");

    [Fact]
    public void Parse_WebFetchKey_ReadsBothSettings()
    {
        var (f, diagnostics) = SettingsParser.Parse("""
            {
              "webFetch": { "allowPrivateNetwork": true, "allowedHosts": ["127.0.0.1", "intranet.local"] }
            }
            """, Source);

        Assert.Empty(diagnostics);
        Assert.Equal(true, f.WebFetch!.AllowPrivateNetwork);
        Assert.Equal(["127.0.0.1", "intranet.local"], f.WebFetch.AllowedHosts);
    }

    [Fact]
    public void Parse_WrongTypes_AreReportedWithKeyAndLineAndTheRestIsKept()
    {
        var (f, diagnostics) = SettingsParser.Parse("""
            {
              "webFetch": {
                "allowPrivateNetwork": "yes",
                "allowedHosts": ["ok.local", 5, "https://x.local/", "  "],
                "allowEverything": true
              }
            }
            """, Source);

        Assert.Null(f.WebFetch!.AllowPrivateNetwork);
        Assert.Equal(["ok.local"], f.WebFetch.AllowedHosts);
        Assert.Collection(diagnostics,
            d => Assert.Equal(("webFetch.allowPrivateNetwork", 3, "expected true or false, found a string; ignored"), (d.Key, d.Line, d.Message)),
            d => Assert.Equal(("webFetch.allowedHosts[1]", 4), (d.Key, d.Line)),
            d => Assert.Equal(("webFetch.allowedHosts[2]", 4), (d.Key, d.Line)),
            d => Assert.Equal(("webFetch.allowedHosts[3]", 4), (d.Key, d.Line)),
            d => Assert.Equal(("webFetch.allowEverything", 5), (d.Key, d.Line)));
        Assert.All(diagnostics, d => Assert.True(d.IsError));
    }

    [Theory]
    [InlineData("""{"webFetch": true}""", "webFetch", "expected an object, found a boolean")]
    [InlineData("""{"webFetch": {"allowedHosts": "127.0.0.1"}}""", "webFetch.allowedHosts", "expected an array of host names, found a string")]
    [InlineData("""{"webFetch": {"allowedHosts": [8080]}}""", "webFetch.allowedHosts[0]", "expected a host name or IP address, found a number; ignored")]
    [InlineData("""{"webFetch": {"allowedHosts": [" "]}}""", "webFetch.allowedHosts[0]", "expected a host name or IP address, found a blank string; ignored")]
    public void Parse_WrongShape_IsReported(string json, string key, string message)
    {
        var (_, diagnostics) = SettingsParser.Parse(json, Source);

        var d = Assert.Single(diagnostics);
        Assert.Equal(key, d.Key);
        Assert.StartsWith(message, d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Merge_HigherLayerFlagWinsAndHostsAddUp()
    {
        var user = SettingsFragment.Empty with { WebFetch = new WebFetchSettings(true, ["a.local"]) };
        var project = SettingsFragment.Empty with { WebFetch = new WebFetchSettings(null, ["B.local", "A.LOCAL"]) };
        var local = SettingsFragment.Empty with { WebFetch = new WebFetchSettings(false, []) };

        Assert.Equal(true, Settings.Merge([user, project]).WebFetch.AllowPrivateNetwork);
        Assert.Equal(["a.local", "B.local"], Settings.Merge([user, project]).WebFetch.AllowedHosts);
        Assert.Equal(false, Settings.Merge([user, project, local]).WebFetch.AllowPrivateNetwork);
        Assert.Null(Settings.Merge([]).WebFetch.AllowPrivateNetwork);
        Assert.Empty(Settings.Merge([]).WebFetch.AllowedHosts);
    }
}
