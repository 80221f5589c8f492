using System.Text.Json;
using CodeForge.Cli.StreamJson;
using CodeForge.Core.Tools;

namespace CodeForge.Cli.Tests.StreamJson;

public sealed class StructuredOutputToolTests
{
    private const string Schema = """
        {"type":"object","additionalProperties":false,"required":["name","tags"],
         "properties":{"name":{"type":"string"},"size":{"type":"integer"},"kind":{"enum":["a","b"]},
                       "tags":{"type":"array","items":{"type":"string"}}}}
        """;

    private static Task<ToolResult> CallAsync(StructuredOutputTool tool, string json) =>
        tool.ExecuteAsync(JsonDocument.Parse(json).RootElement, new ToolContext(Path.GetTempPath()), TestContext.Current.CancellationToken);

    [Fact]
    public async Task Execute_AValidValue_IsKeptUntilTaken()
    {
        var tool = StructuredOutputTool.FromText(Schema);

        var result = await CallAsync(tool, """{"name":"x","tags":["t"],"size":3,"kind":"a"}""");

        Assert.True(result.Success);
        Assert.Equal("x", tool.Take()!.Value.GetProperty("name").GetString());
        Assert.Null(tool.Take());
    }

    [Fact]
    public async Task Execute_AnInvalidValue_FailsWithEveryProblemAndKeepsNothing()
    {
        var tool = StructuredOutputTool.FromText(Schema);

        var result = await CallAsync(tool, """{"name":5,"size":1.5,"kind":"c","tags":[1],"extra":true}""");

        Assert.False(result.Success);
        foreach (var problem in new[] { "$.name: expected string", "$.size: expected integer", "$.kind: \"c\" is not one of", "$.tags[0]: expected string", "'extra' is not allowed" })
        {
            Assert.Contains(problem, result.Error, StringComparison.Ordinal);
        }
        Assert.Null(tool.Take());
    }

    [Fact]
    public void FromText_NotJson_ThrowsNamingTheFlag()
    {
        var error = Assert.Throws<ArgumentException>(() => StructuredOutputTool.FromText("{oops"));

        Assert.Contains("--json-schema is not JSON", error.Message, StringComparison.Ordinal);
    }
}
