using System.Collections.Immutable;

namespace CodeForge.Core.Skills;

/// <summary>Validation and comparison helpers shared by the skill model records.</summary>
internal static class SkillText
{
    /// <summary>
    /// A skill name or alias: non-empty, no whitespace or control characters (so <c>/skill activate NAME</c> can parse it).
    /// Looser than the SKILL.md rule (lowercase, digits, hyphens) so the original's names such as <c>skill_t0_i1</c> stay
    /// valid; a SKILL.md loader applies the stricter rule itself.
    /// </summary>
    public static string RequireName(string? value, string paramName, string what)
    {
        ArgumentNullException.ThrowIfNull(value, paramName);
        if (value.Length == 0)
        {
            throw new ArgumentException($"{what} must not be empty.", paramName);
        }
        foreach (var c in value)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                throw new ArgumentException(
                    $"{what} '{value}' must not contain whitespace or control characters.", paramName);
            }
        }
        return value;
    }

    /// <summary>A config option name: letters, digits, '_' and '-' (what a <c>{{ name }}</c> placeholder can refer to).</summary>
    public static string RequireOptionName(string? value, string paramName)
    {
        ArgumentNullException.ThrowIfNull(value, paramName);
        if (value.Length == 0)
        {
            throw new ArgumentException("Config option name must not be empty.", paramName);
        }
        foreach (var c in value)
        {
            if (!IsOptionNameChar(c))
            {
                throw new ArgumentException(
                    $"Config option name '{value}' may contain only ASCII letters, digits, '_' and '-'.", paramName);
            }
        }
        return value;
    }

    public static bool IsOptionNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-';

    /// <summary>Copies a list of non-blank strings, dropping exact duplicates and keeping first-seen order.</summary>
    public static ImmutableArray<string> RequireList(
        IEnumerable<string>? values, string paramName, string what, bool asNames = false)
    {
        if (values is null)
        {
            return [];
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var builder = ImmutableArray.CreateBuilder<string>();
        var index = 0;
        foreach (var value in values)
        {
            var itemWhat = $"{what}[{index++}]";
            if (asNames)
            {
                RequireName(value, paramName, itemWhat);
            }
            else if (string.IsNullOrWhiteSpace(value))
            {
                throw new ArgumentException($"{itemWhat} must not be null or blank.", paramName);
            }
            if (seen.Add(value))
            {
                builder.Add(value);
            }
        }
        return builder.ToImmutable();
    }

    public static bool SequenceEqual<T>(ImmutableArray<T> a, ImmutableArray<T> b) =>
        a.AsSpan().SequenceEqual(b.AsSpan());

    public static int SequenceHash<T>(ImmutableArray<T> values)
    {
        var hash = new HashCode();
        foreach (var v in values)
        {
            hash.Add(v);
        }
        return hash.ToHashCode();
    }
}
