using System.Collections.Immutable;
using System.Text.RegularExpressions;

namespace CodeForge.Core.Hooks;

/// <summary>
/// A hook group's <c>matcher</c>, with Claude Code's rules: <c>"*"</c>, <c>""</c> or omitted match everything; a matcher
/// of only letters, digits, <c>_</c>, <c>-</c>, spaces, <c>,</c> and <c>|</c> is an exact name or a list of exact names
/// separated by <c>|</c> or <c>,</c>; anything else is an unanchored regular expression.
/// </summary>
/// <remarks>Immutable and thread-safe (a compiled <see cref="Regex"/> is safe for concurrent matching).</remarks>
public sealed class HookMatcher
{
    private static readonly TimeSpan RegexBudget = TimeSpan.FromMilliseconds(250);
    private readonly ImmutableHashSet<string>? _names;
    private readonly Regex? _regex;

    private HookMatcher(string text, ImmutableHashSet<string>? names, Regex? regex)
    {
        Text = text;
        _names = names;
        _regex = regex;
    }

    /// <summary>Matches everything.</summary>
    public static HookMatcher All { get; } = new("*", null, null);

    /// <summary>The matcher as written.</summary>
    public string Text { get; }

    /// <summary>True when this matcher matches every value.</summary>
    public bool MatchesAll => _names is null && _regex is null;

    /// <summary>True when the matcher is a regular expression.</summary>
    public bool IsRegex => _regex is not null;

    /// <summary>Parses a matcher; on failure <paramref name="error"/> says why (e.g. an invalid regular expression).</summary>
    public static bool TryParse(string? text, out HookMatcher matcher, out string? error)
    {
        error = null;
        matcher = All;
        if (string.IsNullOrEmpty(text) || text == "*")
        {
            return true;
        }
        if (text.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or ' ' or ',' or '|'))
        {
            var names = text.Split(['|', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (names.Length == 0)
            {
                error = $"matcher \"{text}\" names no tool";
                return false;
            }
            matcher = new HookMatcher(text, ImmutableHashSet.Create(StringComparer.Ordinal, names), null);
            return true;
        }
        try
        {
            matcher = new HookMatcher(text, null, new Regex(text, RegexOptions.CultureInvariant, RegexBudget));
            return true;
        }
        catch (ArgumentException ex)
        {
            error = $"matcher \"{text}\" is not a valid regular expression ({ex.Message})";
            return false;
        }
    }

    /// <summary>Parses a matcher or throws <see cref="ArgumentException"/> saying why.</summary>
    public static HookMatcher Parse(string? text) =>
        TryParse(text, out var m, out var error) ? m : throw new ArgumentException(error, nameof(text));

    /// <summary>Whether <paramref name="value"/> (a tool name, a session source, ...) matches; null matches everything.</summary>
    public bool Matches(string? value)
    {
        if (value is null || MatchesAll)
        {
            return true;
        }
        if (_names is not null)
        {
            return _names.Contains(value);
        }
        try
        {
            return _regex!.IsMatch(value);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    public override string ToString() => Text;
}
