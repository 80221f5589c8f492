using CodeForge.Core.Skills;

namespace CodeForge.Core.Tests.Skills;

public sealed class SkillConfigTests
{
    [Fact]
    public void Constructor_WithOnlyAName_IsAnOptionalStringWithoutDefault()
    {
        var option = new SkillConfig("format");

        Assert.Equal(SkillConfigType.String, option.Type);
        Assert.Null(option.Default);
        Assert.False(option.Required);
        Assert.Empty(option.Choices);
        Assert.Equal("", option.Description);
    }

    [Theory]
    [InlineData("")]
    [InlineData("two words")]
    [InlineData("brace{")]
    [InlineData("dotted.name")]
    public void Constructor_WhenNameIsNotAPlaceholderName_ThrowsNamingIt(string name)
    {
        var ex = Assert.Throws<ArgumentException>(() => new SkillConfig(name));

        Assert.Equal("name", ex.ParamName);
    }

    [Fact]
    public void Constructor_WhenNameIsNull_Throws() =>
        Assert.Throws<ArgumentNullException>(() => new SkillConfig(null!));

    [Fact]
    public void Constructor_WhenChoiceListsNoChoices_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => new SkillConfig("mode", SkillConfigType.Choice));

        Assert.Contains("'mode' is a choice but lists no choices", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_WhenAChoiceIsBlank_ThrowsNamingTheOptionAndTheChoice()
    {
        var ex = Assert.Throws<ArgumentException>(() => new SkillConfig("mode", SkillConfigType.Choice, choices: ["fast", " "]));

        Assert.Equal("choices", ex.ParamName);
        Assert.Equal("Choice of config option 'mode'[1] must not be null or blank. (Parameter 'choices')", ex.Message);
    }

    [Fact]
    public void Constructor_WhenChoicesAreGivenForANonChoiceType_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => new SkillConfig("mode", SkillConfigType.String, choices: ["a"]));

        Assert.Equal("choices", ex.ParamName);
        Assert.Equal("Config option 'mode' lists choices but its type is String; only choice options take choices. (Parameter 'choices')", ex.Message);
    }

    [Fact]
    public void Constructor_WhenTypeIsUndefined_Throws() =>
        Assert.Equal("Config option 'x' has an unknown type 42. (Parameter 'type')",
            Assert.Throws<ArgumentException>(() => new SkillConfig("x", (SkillConfigType)42)).Message);

    [Fact]
    public void Constructor_WhenDefaultDoesNotFitTheType_ThrowsNamingTheOption()
    {
        var ex = Assert.Throws<ArgumentException>(() => new SkillConfig("pages", SkillConfigType.Int, defaultValue: "many"));

        Assert.Equal("defaultValue", ex.ParamName);
        Assert.Contains("'pages' must be an integer (got 'many')", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_WhenDefaultIsNotAChoice_Throws() =>
        Assert.Throws<ArgumentException>(() =>
            new SkillConfig("mode", SkillConfigType.Choice, defaultValue: "medium", choices: ["fast", "slow"]));

    [Fact]
    public void Constructor_NormalisesTheDefault()
    {
        Assert.Equal(42L, new SkillConfig("n", SkillConfigType.Int, defaultValue: "42").Default);
        Assert.Equal(7L, new SkillConfig("n", SkillConfigType.Int, defaultValue: 7).Default);
        Assert.Equal(true, new SkillConfig("b", SkillConfigType.Bool, defaultValue: "True").Default);
    }

    [Fact]
    public void Validate_WhenRequiredValueIsMissing_ReportsIt() =>
        Assert.Equal("Required option 'path' not provided", new SkillConfig("path", required: true).Validate(null));

    [Fact]
    public void Validate_WhenOptionalValueIsMissing_IsValid() =>
        Assert.Null(new SkillConfig("path").Validate(null));

    public static TheoryData<SkillConfigType, object, object> ValidValues => new()
    {
        { SkillConfigType.String, "text", "text" },
        { SkillConfigType.String, "", "" },
        { SkillConfigType.Int, 5, 5L },
        { SkillConfigType.Int, 5L, 5L },
        { SkillConfigType.Int, (byte)5, 5L },
        { SkillConfigType.Int, " -12 ", -12L },
        { SkillConfigType.Bool, true, true },
        { SkillConfigType.Bool, "FALSE", false },
    };

    [Theory]
    [MemberData(nameof(ValidValues))]
    public void TryConvert_WhenValueFitsTheType_Normalises(SkillConfigType type, object value, object expected)
    {
        var option = new SkillConfig("opt", type);

        Assert.True(option.TryConvert(value, out var converted, out var error));
        Assert.Equal(expected, converted);
        Assert.Null(error);
    }

    public static TheoryData<SkillConfigType, object, string> InvalidValues => new()
    {
        { SkillConfigType.String, 5, "'opt' must be a string (got 5)" },
        { SkillConfigType.Int, "4.2", "'opt' must be an integer (got '4.2')" },
        { SkillConfigType.Int, 4.2, "'opt' must be an integer (got 4.2)" },
        { SkillConfigType.Int, true, "'opt' must be an integer (got true)" },
        { SkillConfigType.Int, ulong.MaxValue, "'opt' must be an integer" },
        { SkillConfigType.Bool, 1, "'opt' must be a boolean (got 1)" },
        { SkillConfigType.Bool, "yes", "'opt' must be a boolean (got 'yes')" },
    };

    [Theory]
    [MemberData(nameof(InvalidValues))]
    public void TryConvert_WhenValueDoesNotFitTheType_ExplainsWhy(SkillConfigType type, object value, string expected)
    {
        var option = new SkillConfig("opt", type);

        Assert.False(option.TryConvert(value, out var converted, out var error));
        Assert.Null(converted);
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryConvert_ForChoice_AcceptsOnlyListedValuesOrdinally()
    {
        var option = new SkillConfig("mode", SkillConfigType.Choice, choices: ["fast", "slow"]);

        Assert.True(option.TryConvert("slow", out var converted, out _));
        Assert.Equal("slow", converted);
        Assert.False(option.TryConvert("FAST", out _, out var error));
        Assert.Equal("'mode' must be one of: fast, slow (got 'FAST')", error);
        Assert.False(option.TryConvert(1, out _, out _));
    }

    [Theory]
    [InlineData("string", SkillConfigType.String)]
    [InlineData("INT", SkillConfigType.Int)]
    [InlineData("integer", SkillConfigType.Int)]
    [InlineData(" bool ", SkillConfigType.Bool)]
    [InlineData("boolean", SkillConfigType.Bool)]
    [InlineData("Choice", SkillConfigType.Choice)]
    public void ParseType_ReadsSkillFileTypeNames(string text, SkillConfigType expected) =>
        Assert.Equal(expected, SkillConfig.ParseType(text));

    [Fact]
    public void ParseType_WhenNull_ThrowsArgumentNullException()
    {
        var ex = Assert.Throws<ArgumentNullException>(() => SkillConfig.ParseType(null!));

        Assert.Equal("type", ex.ParamName);
    }

    [Fact]
    public void ParseType_WhenUnknown_ThrowsListingTheValidTypes()
    {
        var ex = Assert.Throws<ArgumentException>(() => SkillConfig.ParseType("float"));

        Assert.Contains("Unknown config option type 'float'; expected string, int, bool or choice", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Equals_ComparesChoicesByValue()
    {
        var a = new SkillConfig("mode", SkillConfigType.Choice, "fast", "d", new List<string> { "fast", "slow" });
        var b = new SkillConfig("mode", SkillConfigType.Choice, "fast", "d", ["fast", "slow"]);
        var c = new SkillConfig("mode", SkillConfigType.Choice, "fast", "d", ["slow", "fast"]);

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, c);
    }
}
