using CodeForge.Core.Plugins;

namespace CodeForge.Core.Tests.Plugins;

public sealed class PluginMcpServerNameTests
{
    [Theory]
    [InlineData("demo-plug", "ev", "plugin:demo-plug:ev")]
    [InlineData("dot.plug", "db_1", "plugin:dot.plug:db_1")]
    public void Of_NamesTheServerAsClaudeCodeDoes(string plugin, string server, string expected)
    {
        var name = PluginMcpServerName.Of(plugin, server);

        Assert.Equal(expected, name);
        Assert.StartsWith(PluginMcpServerName.Prefix, name, StringComparison.Ordinal);
    }

    [Fact]
    public void Of_NullNames_AreRefused()
    {
        Assert.Throws<ArgumentNullException>(() => PluginMcpServerName.Of(null!, "s"));
        Assert.Throws<ArgumentNullException>(() => PluginMcpServerName.Of("p", null!));
    }
}
