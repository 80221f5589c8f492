using System.Text.Json;
using CodeForge.Core.Tools;

namespace CodeForge.Core.Tests.Tools;

/// <summary>
/// The validator against hand-written schemas (the shapes the generator does not produce from the sample record: a bound
/// on one side only, a required name that is not declared, nested objects, numbers), so every message a model reads is
/// pinned down word for word.
/// </summary>
public sealed class ToolArgumentValidatorTests
{
    private static JsonElement Json(string json) => JsonElement.Parse(json);

    private static string[] Validate(string schema, string arguments) =>
        [.. ToolArgumentValidator.Validate(Json(schema), Json(arguments))];

    [Theory]
    [InlineData("""{"n":{"type":"integer","minimum":1}}""", """{"n":0}""", "'n' must be >= 1, got 0")]
    [InlineData("""{"n":{"type":"integer","maximum":9}}""", """{"n":10}""", "'n' must be <= 9, got 10")]
    [InlineData("""{"n":{"type":"number","minimum":0.5}}""", """{"n":0.25}""", "'n' must be >= 0.5, got 0.25")]
    [InlineData("""{"n":{"type":"number","maximum":-1.5}}""", """{"n":-1.25}""", "'n' must be <= -1.5, got -1.25")]
    [InlineData("""{"n":{"type":"number","minimum":1,"maximum":2}}""", """{"n":2.5e0}""", "'n' must be between 1 and 2, got 2.5e0")]
    public void Validate_ANumberOutOfAOneSidedOrTwoSidedRange_NamesTheBoundAndQuotesTheValueAsSent(string properties, string arguments, string expected)
    {
        Assert.Equal([expected], Validate($$$"""{"type":"object","properties":{{{properties}}}}""", arguments));
    }

    [Theory]
    [InlineData("""{"type":"integer","minimum":1}""", """{"n":1}""")]
    [InlineData("""{"type":"integer","maximum":9}""", """{"n":9}""")]
    [InlineData("""{"type":"integer"}""", """{"n":-9223372036854775808}""")]
    [InlineData("""{"type":"number","minimum":0.5,"maximum":0.5}""", """{"n":0.5}""")]
    [InlineData("""{"type":"number"}""", """{"n":3}""")]
    [InlineData("""{"type":"number","minimum":"1"}""", """{"n":0}""")]
    public void Validate_ANumberOnItsBoundOrWithoutANumericBound_IsAccepted(string property, string arguments)
    {
        Assert.Empty(Validate($$$"""{"type":"object","properties":{"n":{{{property}}}}}""", arguments));
    }

    [Theory]
    [InlineData("""{"type":"number"}""", """{"n":"1.5"}""", "'n' must be a number, got the string \"1.5\"")]
    [InlineData("""{"type":"number"}""", """{"n":1e999}""", "'n' must be a number, got 1e999")]
    [InlineData("""{"type":"object"}""", """{"n":[]}""", "'n' must be an object, got an array")]
    [InlineData("""{"type":"array"}""", """{"n":false}""", "'n' must be an array, got false")]
    [InlineData("""{"type":"string"}""", """{"n":{}}""", "'n' must be a string, got an object")]
    [InlineData("""{"type":"boolean"}""", """{"n":"true"}""", "'n' must be a boolean (true or false), got the string \"true\"")]
    [InlineData("""{"type":"null"}""", """{"n":1}""", "'n' must be of type null, got 1")]
    public void Validate_AValueOfTheWrongType_SaysWhatWasExpectedAndWhatCame(string property, string arguments, string expected)
    {
        Assert.Equal([expected], Validate($$$"""{"type":"object","properties":{"n":{{{property}}}}}""", arguments));
    }

    [Theory]
    [InlineData("""{"description":"any"}""", """{"n":[1,"x",null]}""")]
    [InlineData("""{"type":5}""", """{"n":"x"}""")]
    [InlineData("\"string\"", """{"n":5}""")]
    [InlineData("""{"type":"array"}""", """{"n":[1,"x",{}]}""")]
    [InlineData("""{"type":"object"}""", """{"n":{"anything":1}}""")]
    [InlineData("""{"type":"boolean"}""", """{"n":false}""")]
    public void Validate_APropertyWithoutAUsableTypeOrItemsSchema_AcceptsAnyValue(string property, string arguments)
    {
        Assert.Empty(Validate($$$"""{"type":"object","properties":{"n":{{{property}}}}}""", arguments));
    }

    [Fact]
    public void Validate_ANestedObject_NamesItsPropertiesWithADottedPath()
    {
        const string schema = """
            {"type":"object","properties":{"outer":{"type":"object","properties":{"inner":{"type":"object",
              "properties":{"leaf":{"type":"integer","maximum":3}},"required":["leaf","other"]}},"required":["inner"]}}}
            """;

        Assert.Equal(["'outer.inner' is required"], Validate(schema, """{"outer":{}}"""));
        Assert.Equal(["'outer.inner.leaf' must be <= 3, got 4", "'outer.inner.other' is required"],
            Validate(schema, """{"outer":{"inner":{"leaf":4}}}"""));
        Assert.Empty(Validate(schema, """{"outer":{"inner":{"leaf":3,"other":0,"x":1}}}"""));
    }

    [Fact]
    public void Validate_ARequiredNameThatIsNotDeclared_IsStillRequiredButAcceptsAnyValue()
    {
        const string schema = """{"type":"object","properties":{"a":{"type":"string"}},"required":["a","b",7]}""";

        Assert.Equal(["'a' is required", "'b' is required"], Validate(schema, "{}"));
        Assert.Equal(["'b' is required"], Validate(schema, """{"a":"x","b":null}"""));
        Assert.Empty(Validate(schema, """{"a":"x","b":[1]}"""));
    }

    [Fact]
    public void Validate_ASchemaWithoutPropertiesOrRequired_AcceptsAnyObject()
    {
        Assert.Empty(Validate("""{"type":"object"}""", """{"a":1}"""));
        Assert.Empty(Validate("""{"type":"object","properties":[],"required":"a"}""", "{}"));
    }

    [Theory]
    [InlineData("5", "the arguments must be a JSON object, got 5")]
    [InlineData("true", "the arguments must be a JSON object, got true")]
    [InlineData("false", "the arguments must be a JSON object, got false")]
    public void Validate_ArgumentsThatAreNotAnObject_AreOneProblemSayingWhatCame(string arguments, string expected)
    {
        Assert.Equal([expected], Validate("""{"type":"object","properties":{},"required":["a"]}""", arguments));
    }

    [Theory]
    [InlineData(1, 5, "a", null)]
    [InlineData(1, 5, "", "'s' must be at least 1 character long, got 0")]
    [InlineData(2, 5, "a", "'s' must be at least 2 characters long, got 1")]
    [InlineData(0, 1, "ab", "'s' must be at most 1 character long, got 2")]
    [InlineData(0, 3, "abcd", "'s' must be at most 3 characters long, got 4")]
    [InlineData(0, 3, "abc", null)]
    [InlineData(2, 2, "é😀", null)]
    [InlineData(0, 1, "😀", null)]
    public void Validate_StringLength_CountsCodePointsAndSaysCharacterOrCharacters(int min, int max, string value, string? expected)
    {
        var schema = $$$"""{"type":"object","properties":{"s":{"type":"string","minLength":{{{min}}},"maxLength":{{{max}}}""" + "}}}";

        var errors = Validate(schema, $$"""{"s":"{{value}}"}""");

        Assert.Equal(expected is null ? [] : [expected], errors);
    }

    [Theory]
    [InlineData("""{"type":"string","minLength":2}""", "a", "'s' must be at least 2 characters long, got 1")]
    [InlineData("""{"type":"string","minLength":2}""", "abcdefgh", null)]
    [InlineData("""{"type":"string","maxLength":2}""", "", null)]
    [InlineData("""{"type":"string","maxLength":2}""", "abc", "'s' must be at most 2 characters long, got 3")]
    [InlineData("""{"type":"string","minLength":2.5}""", "a", null)]
    public void Validate_StringLength_WithOneBoundOnly_ChecksThatBound(string property, string value, string? expected)
    {
        var schema = $$$"""{"type":"object","properties":{"s":{{{property}}}}}""";

        var errors = Validate(schema, $$"""{"s":"{{value}}"}""");

        Assert.Equal(expected is null ? [] : [expected], errors);
    }

    [Fact]
    public void Validate_AnEnumWithNonStringMembers_ListsThemAsJsonAndStillMatchesTheStrings()
    {
        const string schema = """{"type":"object","properties":{"e":{"type":"string","enum":["a",1,null]}}}""";

        Assert.Empty(Validate(schema, """{"e":"a"}"""));
        Assert.Equal(["'e' must be one of \"a\", 1, null; got \"1\""], Validate(schema, """{"e":"1"}"""));
    }

    [Fact]
    public void Validate_AStringOutsideTheEnum_IsNotAlsoCheckedForLength()
    {
        const string schema = """{"type":"object","properties":{"e":{"type":"string","enum":["ab"],"maxLength":2}}}""";

        Assert.Equal(["'e' must be one of \"ab\"; got \"abc\""], Validate(schema, """{"e":"abc"}"""));
    }

    [Fact]
    public void Validate_AStringOfExactlyFortyCharacters_IsQuotedWhole()
    {
        const string schema = """{"type":"object","properties":{"e":{"type":"string","enum":["a"]}}}""";
        var forty = new string('y', 40);

        Assert.Equal([$"'e' must be one of \"a\"; got \"{forty}\""], Validate(schema, $$"""{"e":"{{forty}}"}"""));
    }

    [Fact]
    public void Validate_ExactlyOneProblemPastTheCap_IsCountedInTheSingular()
    {
        var items = string.Join(",", Enumerable.Repeat("\"x\"", ToolArgumentValidator.MaxReportedErrors + 1));
        const string schema = """{"type":"object","properties":{"a":{"type":"array","items":{"type":"integer"}}}}""";

        var errors = Validate(schema, $$"""{"a":[{{items}}]}""");

        Assert.Equal(ToolArgumentValidator.MaxReportedErrors + 1, errors.Length);
        Assert.Equal("'a[19]' must be an integer (a whole number such as 5, not 5.5 or \"5\"), got the string \"x\"", errors[^2]);
        Assert.Equal("and 1 more problem", errors[^1]);
    }

    [Fact]
    public void Validate_ExactlyAsManyProblemsAsTheCap_ListsThemAllWithNoCount()
    {
        var items = string.Join(",", Enumerable.Repeat("\"x\"", ToolArgumentValidator.MaxReportedErrors));
        const string schema = """{"type":"object","properties":{"a":{"type":"array","items":{"type":"integer"}}}}""";

        var errors = Validate(schema, $$"""{"a":[{{items}}]}""");

        Assert.Equal(ToolArgumentValidator.MaxReportedErrors, errors.Length);
        Assert.StartsWith("'a[19]'", errors[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateRequired_ChecksOnlyThatTheArgumentsAreAnObjectWithEachRequiredName()
    {
        string[] Check(string arguments) => [.. ToolArgumentValidator.ValidateRequired(["a", "b"], Json(arguments))];

        Assert.Empty(Check("""{"a":1,"b":"anything","c":null}"""));
        Assert.Equal(["'b' is required"], Check("""{"a":1,"b":null}"""));
        Assert.Equal(["'a' is required", "'b' is required"], Check("{}"));
        Assert.Equal(["'a' is required", "'b' is required"], Check("null"));
        Assert.Equal(["the arguments must be a JSON object, got 3", "'a' is required", "'b' is required"], Check("3"));
        Assert.Equal(["'a' is required", "'b' is required"],
            [.. ToolArgumentValidator.ValidateRequired(["a", "b"], default)]);
        Assert.Empty(ToolArgumentValidator.ValidateRequired([], default));
    }

    [Theory]
    [InlineData("\"hi\"", "the string \"hi\"")]
    [InlineData("-1.50", "-1.50")]
    [InlineData("true", "true")]
    [InlineData("false", "false")]
    [InlineData("null", "null")]
    [InlineData("[1]", "an array")]
    [InlineData("{}", "an object")]
    public void Describe_NamesAValueAsAModelWouldRecogniseIt(string json, string expected)
    {
        Assert.Equal(expected, ToolArgumentValidator.Describe(Json(json)));
    }

    [Fact]
    public void Describe_AnUndefinedElement_IsNothing()
    {
        Assert.Equal("nothing", ToolArgumentValidator.Describe(default));
    }
}
