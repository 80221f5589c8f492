namespace CodeForge.Core.Tools;

/// <summary>The JSON Schema type of a tool parameter.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The members mirror JSON Schema's type keywords.")]
public enum ToolParameterType
{
    /// <summary>A JSON string.</summary>
    String,

    /// <summary>A JSON number without a fractional part that fits in 64 bits (<c>5</c>, not <c>5.0</c>).</summary>
    Integer,

    /// <summary>Any JSON number.</summary>
    Number,

    /// <summary><c>true</c> or <c>false</c> (never a number).</summary>
    Boolean,

    /// <summary>A JSON array; see <see cref="ToolParameter.Items"/>.</summary>
    Array,

    /// <summary>A JSON object; see <see cref="ToolParameter.Properties"/>.</summary>
    Object,
}
