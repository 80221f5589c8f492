using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace CodeForge.Core.Skills;

/// <summary>
/// One typed configuration option of a skill (the original's <c>SkillConfig</c>; the SKILL.md loader maps a frontmatter
/// <c>config</c> list entry <c>{name, type, default, description, choices, required}</c> onto it).
/// </summary>
/// <remarks>
/// Immutable and validated on construction: a bad name, a choice option without choices,
/// choices on a non-choice option, or a default that is not valid for the type throw <see cref="ArgumentException"/>.
/// Values are normalised to <see cref="string"/>, <see cref="long"/> or <see cref="bool"/>. Safe to share across threads.
/// </remarks>
public sealed record SkillConfig
{
    private readonly ImmutableArray<string> _choices;

    public SkillConfig(
        string name,
        SkillConfigType type = SkillConfigType.String,
        object? defaultValue = null,
        string description = "",
        IEnumerable<string>? choices = null,
        bool required = false)
    {
        Name = SkillText.RequireOptionName(name, nameof(name));
        Type = type;
        Description = description ?? throw new ArgumentNullException(nameof(description));
        _choices = SkillText.RequireList(choices, nameof(choices), $"Choice of config option '{name}'");
        Required = required;
        if (!Enum.IsDefined(type))
        {
            throw new ArgumentException($"Config option '{name}' has an unknown type {(int)type}.", nameof(type));
        }
        if (type == SkillConfigType.Choice && _choices.IsEmpty)
        {
            throw new ArgumentException($"Config option '{name}' is a choice but lists no choices.", nameof(choices));
        }
        if (type != SkillConfigType.Choice && !_choices.IsEmpty)
        {
            throw new ArgumentException(
                $"Config option '{name}' lists choices but its type is {type}; only choice options take choices.",
                nameof(choices));
        }
        if (defaultValue is not null)
        {
            if (!TryConvert(defaultValue, out var normalized, out var error))
            {
                throw new ArgumentException($"Default of config option '{name}' is invalid: {error}.", nameof(defaultValue));
            }
            Default = normalized;
        }
    }

    /// <summary>The option name; a prompt refers to it as <c>{{ name }}</c>.</summary>
    public string Name { get; }

    public SkillConfigType Type { get; }

    /// <summary>The default (already normalised), or null for none.</summary>
    public object? Default { get; }

    public string Description { get; }

    /// <summary>The allowed values of a <see cref="SkillConfigType.Choice"/> option; empty for other types.</summary>
    public IReadOnlyList<string> Choices => _choices;

    /// <summary>Whether activation fails when no value is given and there is no default.</summary>
    public bool Required { get; }

    /// <summary>Parses a type name as written in skill files: string, int (integer), bool (boolean) or choice, any case.</summary>
    public static SkillConfigType ParseType(string type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.Trim().ToUpperInvariant() switch
        {
            "STRING" or "STR" => SkillConfigType.String,
            "INT" or "INTEGER" => SkillConfigType.Int,
            "BOOL" or "BOOLEAN" => SkillConfigType.Bool,
            "CHOICE" => SkillConfigType.Choice,
            _ => throw new ArgumentException(
                $"Unknown config option type '{type}'; expected string, int, bool or choice.", nameof(type)),
        };
    }

    /// <summary>Validates one value; returns the error message (the original's wording) or null when valid.</summary>
    public string? Validate(object? value)
    {
        if (value is null)
        {
            return Required ? $"Required option '{Name}' not provided" : null;
        }
        return TryConvert(value, out _, out var error) ? null : error;
    }

    /// <summary>Converts <paramref name="value"/> to this option's normalised representation.</summary>
    public bool TryConvert(object value, [NotNullWhen(true)] out object? converted, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(value);
        converted = null;
        error = null;
        switch (Type)
        {
            case SkillConfigType.String when value is string s:
                converted = s;
                return true;
            case SkillConfigType.String:
                error = $"'{Name}' must be a string (got {Describe(value)})";
                return false;
            case SkillConfigType.Int:
                if (ToLong(value) is { } n)
                {
                    converted = n;
                    return true;
                }
                error = $"'{Name}' must be an integer (got {Describe(value)})";
                return false;
            case SkillConfigType.Bool:
                if (ToBool(value) is { } b)
                {
                    converted = b;
                    return true;
                }
                error = $"'{Name}' must be a boolean (got {Describe(value)})";
                return false;
            case SkillConfigType.Choice when value is string c && _choices.Contains(c, StringComparer.Ordinal):
                converted = c;
                return true;
            case SkillConfigType.Choice:
                error = $"'{Name}' must be one of: {string.Join(", ", _choices)} (got {Describe(value)})";
                return false;
            default:
                error = $"'{Name}' has an unknown type {Type}";
                return false;
        }
    }

    public bool Equals(SkillConfig? other) =>
        other is not null &&
        Name == other.Name && Type == other.Type && Equals(Default, other.Default) &&
        Description == other.Description && Required == other.Required &&
        SkillText.SequenceEqual(_choices, other._choices);

    public override int GetHashCode() =>
        HashCode.Combine(Name, Type, Default, Description, Required, SkillText.SequenceHash(_choices));

    private static long? ToLong(object value) => value switch
    {
        long l => l,
        int i => i,
        short s => s,
        sbyte sb => sb,
        byte b => b,
        ushort us => us,
        uint ui => ui,
        ulong ul when ul <= long.MaxValue => (long)ul,
        string s when long.TryParse(s.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    };

    private static bool? ToBool(object value) => value switch
    {
        bool b => b,
        string s when bool.TryParse(s.Trim(), out var parsed) => parsed,
        _ => null,
    };

    private static string Describe(object value) => value switch
    {
        string s => $"'{s}'",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.GetType().Name,
    };
}
