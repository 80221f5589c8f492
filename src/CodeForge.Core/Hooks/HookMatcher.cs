using System.Collections.Immutable;
using System.Text.RegularExpressions;

namespace CodeForge.Core.Hooks;

/// <summary>
/// A hook group's <c>matcher</c>, with Claude Code's rules: <c>"*"</c>, <c>""</c> or omitted match everything; a matcher
/// of only letters, digits, <c>_</c>, <c>-</c>, spaces, <c>,</c> and <c>|</c> is an exact name or a list of exact names
/// separated by <c>|</c> or <c>,</c>; anything else is an unanchored regular expression.
/// </summary>
/// <remarks>
/// <para>
/// A regular expression runs on .NET's non-backtracking engine, in time linear in the value, with no time limit: whether a
/// hook runs must not depend on how loaded the machine is (a 250 ms limit on the backtracking engine made a PreToolUse hook
/// with matcher <c>W.*e</c> skip <c>Write</c> once in a CI run at load 70, where a thread can wait longer than that for a
/// core). Only a pattern that engine cannot run (lookarounds, backreferences, atomic groups) falls back to the
/// backtracking engine with a time limit of <see cref="BacktrackingBudget"/>, which only catastrophic backtracking
/// reaches; a match that exceeds it counts as no match.
/// </para>
/// <para>Immutable and thread-safe (a constructed <see cref="Regex"/> is safe for concurrent matching).</para>
/// </remarks>
public sealed class HookMatcher
{
    private static readonly TimeSpan BacktrackingBudget = TimeSpan.FromSeconds(2);
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
            matcher = new HookMatcher(text, null, Compile(text));
            return true;
        }
        catch (ArgumentException ex)
        {
            error = $"matcher \"{text}\" is not a valid regular expression ({ex.Message})";
            return false;
        }
    }

    private static Regex Compile(string pattern)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
        }
        catch (NotSupportedException)
        {
            return new Regex(pattern, RegexOptions.CultureInvariant, BacktrackingBudget);
        }
    }

    /// <summary>True when the regular expression runs on the non-backtracking engine (no time limit).</summary>
    internal bool IsLinearTime => _regex is { Options: var options } && options.HasFlag(RegexOptions.NonBacktracking);

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
