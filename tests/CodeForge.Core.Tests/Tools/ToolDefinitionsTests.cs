using System.Text.Json;
using System.Text.Json.Nodes;
using CodeForge.Core.Tools;

namespace CodeForge.Core.Tests.Tools;

public sealed class ToolDefinitionsTests
{
    private static readonly FakeTool Read = new(
        "Read",
        ToolCategory.File,
        ToolSchema.FromJsonSchema(JsonElement.Parse(Schema)))
    {
        Description = "Reads a file",
    };

    private const string Schema =
        """{"type":"object","properties":{"file_path":{"type":"string","description":"Absolute path"}},"required":["file_path"]}""";

    [Fact]
    public void Render_OpenAI_IsAFunctionWithParameters()
    {
        var definition = ToolDefinitions.Render(Read, ToolSchemaFormat.OpenAI);

        Assert.Equal(
            $$$"""{"type":"function","function":{"name":"Read","description":"Reads a file","parameters":{{{Schema}}}}}""",
            definition.ToJsonString());
    }

    [Fact]
    public void Render_Anthropic_HasAnInputSchema()
    {
        var definition = ToolDefinitions.Render(Read, ToolSchemaFormat.Anthropic);

        Assert.Equal($$$"""{"name":"Read","description":"Reads a file","input_schema":{{{Schema}}}}""", definition.ToJsonString());
    }

    [Fact]
    public void Render_ReturnsAFreshObjectEachCall()
    {
        var first = ToolDefinitions.Render(Read, ToolSchemaFormat.Anthropic);
        first["input_schema"]!["type"] = "changed";

        var second = ToolDefinitions.Render(Read, ToolSchemaFormat.Anthropic);

        Assert.Equal("object", (string?)second["input_schema"]!["type"]);
    }

    [Fact]
    public void Render_WithAnUnknownFormat_ThrowsNamingIt()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ToolDefinitions.Render(Read, (ToolSchemaFormat)7));

        Assert.Equal("format", ex.ParamName);
    }

    [Fact]
    public void Render_WithNullTool_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => ToolDefinitions.Render(null!, ToolSchemaFormat.OpenAI));
    }

    [Fact]
    public void Render_OfAToolWithoutParameters_HasAnEmptyObjectSchema()
    {
        var definition = ToolDefinitions.Render(new FakeTool("Ping"), ToolSchemaFormat.OpenAI);

        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"type":"object","properties":{},"required":[]}"""),
            definition["function"]!["parameters"]));
    }
}
