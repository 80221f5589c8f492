using CodeForge.Core.Plugins;

namespace CodeForge.Core.Tests.Plugins;

public sealed class PluginAgentTests
{
    [Fact]
    public void Prompt_OfAnAgentWithNoPromptAndNoFile_IsEmpty() =>
        Assert.Equal("", new PluginAgent("p:a", "/p/agents/a.md", "d").Prompt);
}
