using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace CodeForge.Core.Skills;

/// <summary>The values that <c>${CLAUDE_…}</c> placeholders in skills and commands stand for.</summary>
/// <param name="SessionId">The session id (<c>${CLAUDE_SESSION_ID}</c>).</param>
/// <param name="ProjectDirectory">The project directory (<c>${CLAUDE_PROJECT_DIR}</c>).</param>
/// <param name="SkillDirectory">The skill's directory (<c>${CLAUDE_SKILL_DIR}</c>).</param>
/// <param name="PluginRoot">The plugin's root (<c>${CLAUDE_PLUGIN_ROOT}</c>).</param>
public sealed record SubstitutionContext(
    string? SessionId = null, string? ProjectDirectory = null, string? SkillDirectory = null, string? PluginRoot = null)
{
    /// <summary>The plugin's data folder (<c>${CLAUDE_PLUGIN_DATA}</c>), created when a text that names it is expanded.</summary>
    public string? PluginData { get; init; }
}

/// <summary>
/// Substitutes arguments and placeholders into skill and command text, as Claude Code does: <c>$ARGUMENTS</c> (all of
/// it), <c>$ARGUMENTS[N]</c> (0-based), <c>$N</c> (skills: 0-based, as <c>$ARGUMENTS[N]</c>; commands: 1-based, as
/// legacy custom commands), <c>${CLAUDE_SKILL_DIR}</c>, <c>${CLAUDE_SESSION_ID}</c>, <c>${CLAUDE_PROJECT_DIR}</c>,
/// <c>${CLAUDE_PLUGIN_ROOT}</c>, <c>${CLAUDE_PLUGIN_DATA}</c>. When arguments are given but the text has no argument placeholder,
/// <c>ARGUMENTS: …</c> is appended. One pass: a substituted value is never expanded again.
/// </summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static partial class SkillArguments
{
    /// <summary>Splits arguments like a shell: on whitespace, with '…' and "…" grouping.</summary>
    public static ImmutableArray<string> Split(string? arguments)
    {
        if (string.IsNullOrWhiteSpace(arguments))
        {
            return [];
        }
        var result = ImmutableArray.CreateBuilder<string>();
        var current = new StringBuilder();
        var inToken = false;
        char quote = '\0';
        foreach (var c in arguments)
        {
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else
                {
                    current.Append(c);
                }
                continue;
            }
            if (c is '"' or '\'')
            {
                quote = c;
                inToken = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inToken)
                {
                    result.Add(current.ToString());
                    current.Clear();
                    inToken = false;
                }
            }
            else
            {
                current.Append(c);
                inToken = true;
            }
        }
        if (inToken)
        {
            result.Add(current.ToString());
        }
        return result.ToImmutable();
    }

    /// <summary>Substitutes into <paramref name="text"/> (see the class summary).</summary>
    /// <param name="text">The skill body or command text.</param>
    /// <param name="arguments">What followed the name (may be null or empty).</param>
    /// <param name="context">Placeholder values; a placeholder without a value is left as written.</param>
    /// <param name="positionalFromOne">True for custom commands (<c>$1</c> is the first argument), false for skills (<c>$0</c>).</param>
    public static string Substitute(string text, string? arguments, SubstitutionContext? context = null, bool positionalFromOne = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        context ??= new SubstitutionContext();
        var all = arguments?.Trim() ?? "";
        var parts = Split(all);
        var usedArguments = false;
        var result = Placeholder().Replace(text, m =>
        {
            if (m.Groups["env"].Success)
            {
                var value = m.Groups["env"].Value switch
                {
                    "CLAUDE_SKILL_DIR" => context.SkillDirectory,
                    "CLAUDE_SESSION_ID" => context.SessionId,
                    "CLAUDE_PROJECT_DIR" => context.ProjectDirectory,
                    "CLAUDE_PLUGIN_ROOT" => context.PluginRoot,
                    "CLAUDE_PLUGIN_DATA" => context.PluginData is { } data ? Plugins.PluginDataDirectory.Ensure(data) : null,
                    _ => null,
                };
                return value ?? m.Value;
            }
            usedArguments = true;
            if (m.Groups["index"].Success)
            {
                return At(parts, m.Groups["index"].Value, 0);
            }
            if (m.Groups["pos"].Success)
            {
                return At(parts, m.Groups["pos"].Value, positionalFromOne ? 1 : 0);
            }
            return all;
        });
        if (!usedArguments && all.Length > 0)
        {
            result = result.TrimEnd() + "\n\nARGUMENTS: " + all;
        }
        return result;
    }

    private static string At(ImmutableArray<string> parts, string digits, int origin)
    {
        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return "";
        }
        var index = n - origin;
        return index >= 0 && index < parts.Length ? parts[index] : "";
    }

    [GeneratedRegex(@"\$\{(?<env>CLAUDE_SKILL_DIR|CLAUDE_SESSION_ID|CLAUDE_PROJECT_DIR|CLAUDE_PLUGIN_ROOT|CLAUDE_PLUGIN_DATA)\}|\$ARGUMENTS\[(?<index>\d+)\]|\$ARGUMENTS\b|\$(?<pos>\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}
