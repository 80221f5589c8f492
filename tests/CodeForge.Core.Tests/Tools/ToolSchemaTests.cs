using System.Text.Json;
using System.Text.Json.Nodes;
using CodeForge.Core.Tools;

namespace CodeForge.Core.Tests.Tools;

public sealed class ToolSchemaTests
{
    private static readonly ToolSchema Sample = ToolSchema.For(TestToolArgsJsonContext.Default.SampleArgs);

    private static JsonElement Json(string json) => JsonElement.Parse(json);

    [Fact]
    public void For_RendersTypesDescriptionsRequiredEnumsDefaultsAndBoundsFromTheRecord()
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
    public void For_WithAnAmendment_SendsAndValidatesTheAmendedSchema()
    {
        var schema = ToolSchema.For(TestToolArgsJsonContext.Default.SampleArgs,
            s => s["properties"]!["tag"]!["enum"] = new JsonArray("x", "y"));

        Assert.Equal(["x", "y"], schema.JsonSchema.GetProperty("properties").GetProperty("tag").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["'tag' must be one of \"x\", \"y\"; got \"z\""], schema.Validate(Json("""{"file_path":"/a","tag":"z"}""")));
        Assert.Empty(Sample.Validate(Json("""{"file_path":"/a","tag":"z"}""")));
    }

    [Fact]
    public void TryRead_ValidArguments_ReadsTheRecordThroughItsContract()
    {
        var ok = Sample.TryRead(Json("""{"file_path":"/a","limit":3,"-i":true,"todos":[{"content":"x","status":"done"}],"extra":1}"""),
            TestToolArgsJsonContext.Default.SampleArgs, out var args, out var error);

        Assert.True(ok, error);
        Assert.Equal("", error);
        Assert.Equal("/a", args!.FilePath);
        Assert.Equal(3, args.Limit);
        Assert.True(args.IgnoreCase);
        Assert.Null(args.OutputMode);
        Assert.Equal(new SampleTodo("x", "done"), Assert.Single(args.Todos!));
    }

    [Theory]
    [InlineData("""{}""", "'file_path' is required.")]
    [InlineData("""{"file_path":"/a","limit":"3"}""", "'limit' must be an integer (a whole number such as 5, not 5.5 or \"5\"), got the string \"3\".")]
    [InlineData("""{"file_path":"/a","todos":[{"content":"x"}]}""", "'todos[0].status' is required.")]
    [InlineData("""[1]""", "the arguments must be a JSON object, got an array.")]
    public void TryRead_InvalidArguments_ReturnsTheProblemsInsteadOfThrowing(string arguments, string expected)
    {
        var ok = Sample.TryRead(Json(arguments), TestToolArgsJsonContext.Default.SampleArgs, out var args, out var error);

        Assert.False(ok);
        Assert.Null(args);
        Assert.Equal(expected, error);
    }

    [Fact]
    public void TryRead_UndefinedArguments_AreReadAsAnEmptyObject()
    {
        var ok = Sample.TryRead(default, TestToolArgsJsonContext.Default.SampleArgs, out _, out var error);

        Assert.False(ok);
        Assert.Equal("'file_path' is required.", error);
    }

    [Fact]
    public void FromJsonSchema_KeepsTheSchemaAsGivenAndChecksOnlyObjectAndRequired()
    {
        var schema = ToolSchema.FromJsonSchema(JsonElement.Parse("""
            {"type": "object", "properties": {"message": {"type": "string", "pattern": "^a"}}, "required": ["message"], "additionalProperties": false}
            """));

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
