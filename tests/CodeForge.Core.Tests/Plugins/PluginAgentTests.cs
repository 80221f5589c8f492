using CodeForge.Core.Plugins;

namespace CodeForge.Core.Tests.Plugins;

public sealed class PluginAgentTests
{
    [Fact]
    public void Prompt_OfAnAgentWithNoPromptAndNoFile_IsEmpty() =>
        Assert.Equal("", new PluginAgent("p:a", "/p/agents/a.md", "d").Prompt);

    [Fact]
    public void ToDefinition_OfAnAgentWithoutDescriptionOrModel_HasAnEmptyDescriptionAndInheritsTheModel()
    {
        var definition = new PluginAgent("p:a", "/p/agents/a.md", null) { Prompt = "You help.", Model = "inherit" }.ToDefinition();

        Assert.Equal("p:a", definition.Name);
        Assert.Equal("", definition.Description);
        Assert.Null(definition.Model);
        Assert.Equal("You help.", definition.SystemPrompt);
    }
}
