using System.Text.Json;
using System.Text.Json.Nodes;
using CodeForge.Core.Tools;
using Microsoft.Extensions.AI;

namespace CodeForge.Core.Tests.Tools;

public sealed class ToolArgumentsTests
{
    private static readonly JsonSerializerOptions Options = AIJsonUtilities.DefaultOptions;

    [Fact]
    public void ToJson_NoArguments_IsTheEmptyObject()
    {
        var json = ToolArguments.ToJson(null, Options);

        Assert.Equal(JsonValueKind.Object, json.ValueKind);
        Assert.Equal("{}", json.GetRawText());
        Assert.Equal("{}", ToolArguments.Empty.GetRawText());
    }

    [Fact]
    public void ToJson_NullOptions_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => ToolArguments.ToJson([], null!));
    }

    [Fact]
    public void ToJson_WritesEveryPlainKindAsItsJsonValueInOrder()
    {
        var arguments = new List<KeyValuePair<string, object?>>
        {
            new("null", null),
            new("undefined", default(JsonElement)),
            new("element", JsonElement.Parse("""{"a":[1,2]}""")),
            new("node", new JsonArray(1, "x")),
            new("string", "text \"quoted\""),
            new("true", true),
            new("false", false),
            new("int", int.MinValue),
            new("long", long.MaxValue),
            new("double", 2.5d),
            new("float", 0.5f),
            new("decimal", 12.345m),
            new("list", new List<string> { "a", "b" }),
        };

        var json = ToolArguments.ToJson(arguments, Options);

        Assert.Equal(
            """{"null":null,"undefined":null,"element":{"a":[1,2]},"node":[1,"x"],"string":"text \u0022quoted\u0022","true":true,"false":false,"int":-2147483648,"long":9223372036854775807,"double":2.5,"float":0.5,"decimal":12.345,"list":["a","b"]}""",
            json.GetRawText());
    }

    [Fact]
    public void ToJson_KeepsNamesAsGiven()
    {
        var json = ToolArguments.ToJson([new("-i", true), new("file_path", "/a")], Options);

        Assert.True(json.GetProperty("-i").GetBoolean());
        Assert.Equal("/a", json.GetProperty("file_path").GetString());
    }
}
