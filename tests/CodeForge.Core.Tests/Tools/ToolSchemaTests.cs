using System.Text.Json;
using System.Text.Json.Nodes;
using CodeForge.Core.Tools;

namespace CodeForge.Core.Tests.Tools;

public sealed class ToolSchemaTests
{
    /// <summary>Parameters shaped like the original's Read and Grep tools, plus nested ones.</summary>
    private static readonly ToolSchema Sample = ToolSchema.Create(
        new ToolParameter("file_path", ToolParameterType.String, "Absolute path") { MinLength = 1 },
        new ToolParameter("limit", ToolParameterType.Integer, "Lines to read")
        {
            Required = false, DefaultValue = 2000, Minimum = 1, Maximum = 10000,
        },
        new ToolParameter("ratio", ToolParameterType.Number, "A fraction") { Required = false, Minimum = 0, Maximum = 1 },
        new ToolParameter("output_mode", ToolParameterType.String, "What to print")
        {
            Required = false, EnumValues = ["content", "files_with_matches", "count"], DefaultValue = "files_with_matches",
        },
        new ToolParameter("-i", ToolParameterType.Boolean, "Ignore case") { Required = false },
        new ToolParameter("tag", ToolParameterType.String, "Short tag") { Required = false, MaxLength = 2 },
        new ToolParameter("todos", ToolParameterType.Array, "To-do items")
        {
            Required = false,
            Items = new ToolParameter("item", ToolParameterType.Object, "One item")
            {
                Properties =
                [
                    new ToolParameter("content", ToolParameterType.String, "What to do"),
                    new ToolParameter("status", ToolParameterType.String, "State") { EnumValues = ["pending", "done"] },
                ],
            },
        });

    private static JsonElement Json(string json) => JsonElement.Parse(json);

    [Fact]
    public void JsonSchema_RendersTypesDescriptionsRequiredEnumsDefaultsAndBounds()
    {
        var expected = JsonNode.Parse("""
            {
              "type": "object",
              "properties": {
                "file_path": { "type": "string", "description": "Absolute path", "minLength": 1 },
                "limit": { "type": "integer", "description": "Lines to read", "default": 2000, "minimum": 1, "maximum": 10000 },
                "ratio": { "type": "number", "description": "A fraction", "minimum": 0, "maximum": 1 },
                "output_mode": { "type": "string", "description": "What to print",
                                 "enum": ["content", "files_with_matches", "count"], "default": "files_with_matches" },
                "-i": { "type": "boolean", "description": "Ignore case" },
                "tag": { "type": "string", "description": "Short tag", "maxLength": 2 },
                "todos": { "type": "array", "description": "To-do items",
                           "items": { "type": "object", "description": "One item",
                                      "properties": { "content": { "type": "string", "description": "What to do" },
                                                      "status": { "type": "string", "description": "State", "enum": ["pending", "done"] } },
                                      "required": ["content", "status"] } }
              },
              "required": ["file_path"]
            }
            """);

        var actual = Sample.ToJsonObject();

        Assert.True(JsonNode.DeepEquals(expected, actual), actual.ToJsonString());
        Assert.True(JsonElement.DeepEquals(Sample.JsonSchema, JsonElement.Parse(actual.ToJsonString())));
    }

    [Fact]
    public void Empty_RendersAnObjectWithNoProperties()
    {
        Assert.Equal("""{"type":"object","properties":{},"required":[]}""", ToolSchema.Empty.ToJsonObject().ToJsonString());
        Assert.Empty(ToolSchema.Empty.Validate(Json("""{"anything":1}""")));
    }

    [Fact]
    public void ToJsonObject_ReturnsAFreshCopyEachCall()
    {
        var first = Sample.ToJsonObject();
        first["type"] = "changed";
        first["properties"]!.AsObject().Remove("limit");

        var second = Sample.ToJsonObject();

        Assert.Equal("object", (string?)second["type"]);
        Assert.NotNull(second["properties"]!["limit"]);
    }

    [Theory]
    [InlineData("""{"file_path":"/a"}""")]
    [InlineData("""{"file_path":"/a","limit":1,"ratio":0.5,"output_mode":"count","-i":true,"tag":"ab"}""")]
    [InlineData("""{"file_path":"/a","limit":10000,"ratio":1}""")]
    [InlineData("""{"file_path":"/a","limit":null,"output_mode":null}""")]
    [InlineData("""{"file_path":"/a","unknown_extra":[1,2,3]}""")]
    [InlineData("""{"file_path":"/a","tag":"😀😀"}""")]
    [InlineData("""{"file_path":"/a","ratio":1}""")]
    [InlineData("""{"file_path":"/a","todos":[{"content":"x","status":"done","extra":1}]}""")]
    public void Validate_AcceptsValidArguments(string arguments)
    {
        Assert.Empty(Sample.Validate(Json(arguments)));
    }

    [Theory]
    [InlineData("""{}""", "'file_path' is required")]
    [InlineData("""{"file_path":null}""", "'file_path' is required")]
    [InlineData("""{"file_path":5}""", "'file_path' must be a string, got 5")]
    [InlineData("""{"file_path":""}""", "'file_path' must be at least 1 character long, got 0")]
    [InlineData("""{"file_path":"/a","limit":"10"}""", "'limit' must be an integer (a whole number such as 5, not 5.5 or \"5\"), got the string \"10\"")]
    [InlineData("""{"file_path":"/a","limit":2.5}""", "'limit' must be an integer")]
    [InlineData("""{"file_path":"/a","limit":5.0}""", "'limit' must be an integer")]
    [InlineData("""{"file_path":"/a","limit":true}""", "'limit' must be an integer (a whole number such as 5, not 5.5 or \"5\"), got true")]
    [InlineData("""{"file_path":"/a","limit":99999999999999999999}""", "'limit' must be an integer")]
    [InlineData("""{"file_path":"/a","limit":0}""", "'limit' must be between 1 and 10000, got 0")]
    [InlineData("""{"file_path":"/a","limit":10001}""", "'limit' must be between 1 and 10000, got 10001")]
    [InlineData("""{"file_path":"/a","ratio":false}""", "'ratio' must be a number, got false")]
    [InlineData("""{"file_path":"/a","ratio":1.5}""", "'ratio' must be between 0 and 1, got 1.5")]
    [InlineData("""{"file_path":"/a","output_mode":"lines"}""", "'output_mode' must be one of \"content\", \"files_with_matches\", \"count\"; got \"lines\"")]
    [InlineData("""{"file_path":"/a","output_mode":"Count"}""", "'output_mode' must be one of")]
    [InlineData("""{"file_path":"/a","-i":"yes"}""", "'-i' must be a boolean (true or false), got the string \"yes\"")]
    [InlineData("""{"file_path":"/a","-i":1}""", "'-i' must be a boolean (true or false), got 1")]
    [InlineData("""{"file_path":"/a","tag":"abc"}""", "'tag' must be at most 2 characters long, got 3")]
    [InlineData("""{"file_path":"/a","todos":{}}""", "'todos' must be an array, got an object")]
    [InlineData("""{"file_path":"/a","todos":[{"content":"x","status":"done"},{"content":"y","status":"later"}]}""", "'todos[1].status' must be one of \"pending\", \"done\"; got \"later\"")]
    [InlineData("""{"file_path":"/a","todos":[{"status":"done"}]}""", "'todos[0].content' is required")]
    [InlineData("""{"file_path":"/a","todos":["x"]}""", "'todos[0]' must be an object, got the string \"x\"")]
    [InlineData("""[1,2]""", "the arguments must be a JSON object, got an array")]
    [InlineData("\"text\"", "the arguments must be a JSON object, got the string \"text\"")]
    public void Validate_RejectsInvalidArgumentsWithAMessageNamingTheArgument(string arguments, string expected)
    {
        var errors = Sample.Validate(Json(arguments));

        var error = Assert.Single(errors);
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TreatsUndefinedAndNullArgumentsAsAnEmptyObject()
    {
        Assert.Equal(["'file_path' is required"], Sample.Validate(default));
        Assert.Equal(["'file_path' is required"], Sample.Validate(Json("null")));
        Assert.Empty(ToolSchema.Empty.Validate(default));
    }

    [Fact]
    public void Validate_ReportsEveryProblemAtOnce()
    {
        var errors = Sample.Validate(Json("""{"limit":0,"output_mode":"x","-i":"no"}"""));

        Assert.Equal(4, errors.Length);
        Assert.Contains(errors, e => e.StartsWith("'file_path' is required", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("'limit'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("'output_mode'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("'-i'", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_CapsTheListAndCountsTheRest()
    {
        var items = string.Join(",", Enumerable.Range(0, 30).Select(_ => "1"));

        var errors = Sample.Validate(Json($$"""{"file_path":"/a","todos":[{{items}}]}"""));

        Assert.Equal(ToolSchema.MaxReportedErrors + 1, errors.Length);
        Assert.Equal("and 10 more problems", errors[^1]);
    }

    [Fact]
    public void Validate_ALongStringIsQuotedShortened()
    {
        var errors = Sample.Validate(Json($$"""{"file_path":"/a","output_mode":"{{new string('x', 100)}}"}"""));

        Assert.EndsWith($"got \"{new string('x', 40)}…\"", Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultValue_OfEverySupportedKind_RendersAsJson()
    {
        var schema = ToolSchema.Create(
            new ToolParameter("s", ToolParameterType.String, "") { Required = false, DefaultValue = "x" },
            new ToolParameter("b", ToolParameterType.Boolean, "") { Required = false, DefaultValue = true },
            new ToolParameter("l", ToolParameterType.Integer, "") { Required = false, DefaultValue = 5L },
            new ToolParameter("d", ToolParameterType.Number, "") { Required = false, DefaultValue = 0.25 },
            new ToolParameter("f", ToolParameterType.Number, "") { Required = false, DefaultValue = 0.5f },
            new ToolParameter("m", ToolParameterType.Number, "") { Required = false, DefaultValue = 1.5m },
            new ToolParameter("e", ToolParameterType.Array, "") { Required = false, DefaultValue = JsonElement.Parse("[1]") },
            new ToolParameter("n", ToolParameterType.Object, "") { Required = false, DefaultValue = new JsonObject { ["k"] = 1 } });

        var properties = schema.ToJsonObject()["properties"]!;

        Assert.Equal("""["x",true,5,0.25,0.5,1.5,[1],{"k":1}]""",
            new JsonArray([.. "sbldfmen".Select(c => properties[c.ToString()]!["default"]!.DeepClone())]).ToJsonString());
    }

    [Fact]
    public void Constructor_CopiesTheDefinitions_SoLaterChangesToTheCallersListsChangeNothing()
    {
        var allowed = new List<string> { "a", "b" };
        var properties = new List<ToolParameter> { new("x", ToolParameterType.String, "") };
        var defaultNode = new JsonObject { ["x"] = "a" };
        var schema = ToolSchema.Create(
            new ToolParameter("mode", ToolParameterType.String, "") { EnumValues = allowed },
            new ToolParameter("obj", ToolParameterType.Object, "") { Required = false, Properties = properties, DefaultValue = defaultNode });
        var before = schema.JsonSchema.GetRawText();

        allowed.Add("c");
        properties.Add(new ToolParameter("y", ToolParameterType.Integer, ""));
        defaultNode["x"] = "changed";

        Assert.Single(schema.Validate(Json("""{"mode":"c"}""")));
        Assert.Empty(schema.Validate(Json("""{"mode":"a","obj":{"x":"s"}}""")));
        Assert.Equal(before, schema.JsonSchema.GetRawText());
        Assert.Equal(before, schema.ToJsonObject().ToJsonString());
        Assert.Equal(["a", "b"], schema.Parameters[0].EnumValues!);
        Assert.IsType<JsonElement>(schema.Parameters[1].DefaultValue);
    }

    [Fact]
    public void Constructor_WithNullList_ThrowsArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => new ToolSchema(null!));
    }

    public static TheoryData<ToolParameter, string> BadDefinitions => new()
    {
        { new ToolParameter("", ToolParameterType.String, "d"), "Parameter name '' is invalid" },
        { new ToolParameter("has space", ToolParameterType.String, "d"), "Parameter name 'has space' is invalid" },
        { new ToolParameter("n", (ToolParameterType)42, "d"), "Parameter 'n': type 42 is not a ToolParameterType" },
        { new ToolParameter("n", ToolParameterType.String, null!), "Parameter 'n': the description is null" },
        { new ToolParameter("n", ToolParameterType.Integer, "d") { EnumValues = ["1"] }, "Parameter 'n': enum values are only allowed on string parameters" },
        { new ToolParameter("n", ToolParameterType.String, "d") { EnumValues = [] }, "Parameter 'n': the enum is empty" },
        { new ToolParameter("n", ToolParameterType.String, "d") { EnumValues = ["a", "a"] }, "Parameter 'n': the enum lists a value twice" },
        { new ToolParameter("n", ToolParameterType.String, "d") { EnumValues = ["a", null!] }, "Parameter 'n': an enum value is null" },
        { new ToolParameter("n", ToolParameterType.Number, "d") { MinLength = 1 }, "Parameter 'n': minLength/maxLength are only allowed on string parameters" },
        { new ToolParameter("n", ToolParameterType.String, "d") { MinLength = -1 }, "Parameter 'n': minLength/maxLength must not be negative" },
        { new ToolParameter("n", ToolParameterType.String, "d") { MinLength = 3, MaxLength = 2 }, "Parameter 'n': minLength 3 is greater than maxLength 2" },
        { new ToolParameter("n", ToolParameterType.String, "d") { Minimum = 1 }, "Parameter 'n': minimum/maximum are only allowed on integer and number parameters" },
        { new ToolParameter("n", ToolParameterType.Number, "d") { Maximum = double.NaN }, "Parameter 'n': minimum/maximum must be finite numbers" },
        { new ToolParameter("n", ToolParameterType.Integer, "d") { Minimum = 5, Maximum = 1 }, "Parameter 'n': minimum 5 is greater than maximum 1" },
        { new ToolParameter("n", ToolParameterType.String, "d") { Items = new("i", ToolParameterType.String, "") }, "Parameter 'n': items are only allowed on array parameters" },
        { new ToolParameter("n", ToolParameterType.Array, "d") { Properties = [] }, "Parameter 'n': properties are only allowed on object parameters" },
        { new ToolParameter("n", ToolParameterType.Array, "d") { Items = new("i", ToolParameterType.Integer, "") { MinLength = 1 } }, "Parameter 'n[]': minLength/maxLength" },
        { new ToolParameter("n", ToolParameterType.Object, "d") { Properties = [new("a", ToolParameterType.String, ""), new("a", ToolParameterType.String, "")] }, "Parameter 'n.a' is declared more than once" },
        { new ToolParameter("n", ToolParameterType.Object, "d") { Properties = [null!] }, "A parameter of 'n' is null" },
        { new ToolParameter("n", ToolParameterType.Integer, "d") { DefaultValue = "5" }, "Parameter 'n': the default value is invalid: 'n' must be an integer" },
        { new ToolParameter("n", ToolParameterType.Integer, "d") { DefaultValue = 0, Minimum = 1 }, "Parameter 'n': the default value is invalid: 'n' must be >= 1, got 0" },
        { new ToolParameter("n", ToolParameterType.String, "d") { DefaultValue = "x", EnumValues = ["a"] }, "Parameter 'n': the default value is invalid: 'n' must be one of \"a\"" },
        { new ToolParameter("n", ToolParameterType.String, "d") { DefaultValue = new Uri("http://x") }, "Parameter 'n': the default value has unsupported type Uri" },
        { new ToolParameter("n", ToolParameterType.Number, "d") { DefaultValue = double.PositiveInfinity }, "Parameter 'n': the default value has unsupported type Double" },
    };

    [Theory]
    [MemberData(nameof(BadDefinitions))]
    public void Constructor_WithAnInconsistentParameter_ThrowsNamingItAndWhy(ToolParameter parameter, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => ToolSchema.Create(parameter));

        Assert.StartsWith(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_WithADuplicateOrNullParameter_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => ToolSchema.Create(
            new ToolParameter("a", ToolParameterType.String, ""), new ToolParameter("a", ToolParameterType.Integer, "")));
        Assert.StartsWith("Parameter 'a' is declared more than once", ex.Message, StringComparison.Ordinal);

        Assert.Throws<ArgumentException>(() => ToolSchema.Create(null!, new ToolParameter("a", ToolParameterType.String, "")));
    }

    [Fact]
    public void FromJsonSchema_KeepsTheSchemaAsGivenAndChecksOnlyObjectAndRequired()
    {
        var schema = ToolSchema.FromJsonSchema(JsonElement.Parse("""
            {"type": "object", "properties": {"message": {"type": "string", "pattern": "^a"}}, "required": ["message"], "additionalProperties": false}
            """));

        Assert.Empty(schema.Parameters);
        Assert.Equal("^a", schema.JsonSchema.GetProperty("properties").GetProperty("message").GetProperty("pattern").GetString());
        Assert.False(schema.JsonSchema.GetProperty("additionalProperties").GetBoolean());
        Assert.Empty(schema.Validate(JsonElement.Parse("""{"message": "b"}""")));
        Assert.Equal(["'message' is required"], schema.Validate(JsonElement.Parse("{}")));
        Assert.Equal(["'message' is required"], schema.Validate(JsonElement.Parse("""{"message": null}""")));
        Assert.Contains("the arguments must be a JSON object, got an array", schema.Validate(JsonElement.Parse("[]")));
    }

    [Fact]
    public void FromJsonSchema_WithoutTypeOrProperties_AddsThem()
    {
        var schema = ToolSchema.FromJsonSchema(JsonElement.Parse("{}"));

        Assert.Equal("object", schema.JsonSchema.GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.Object, schema.JsonSchema.GetProperty("properties").ValueKind);
        Assert.Empty(schema.Validate(default));
    }

    [Theory]
    [InlineData("[]", "must be an object")]
    [InlineData("""{"type": "string"}""", "must have \"type\": \"object\"")]
    public void FromJsonSchema_NotAnObjectSchema_Throws(string json, string expected)
    {
        var ex = Assert.Throws<ArgumentException>(() => ToolSchema.FromJsonSchema(JsonElement.Parse(json)));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
