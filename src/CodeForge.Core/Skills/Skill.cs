using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace CodeForge.Core.Skills;

/// <summary>
/// A registered skill: an immutable <see cref="SkillDefinition"/> plus the pure operations on it (config resolution and
/// prompt rendering). Unlike the original, a skill carries no activation state: whether it is active, with which
/// config and since when, is held by the <see cref="SkillRegistry"/> (see <see cref="SkillActivation"/>).
/// </summary>
/// <remarks>
/// Immutable; every member may be called from any thread at any time. Identity matters: the registry hands out the
/// instance that was registered.
/// </remarks>
public sealed partial class Skill
{
    private static readonly SkillConfigResult EmptyConfig = new(ImmutableDictionary<string, object>.Empty, []);

    public Skill(SkillDefinition definition)
    {
        Definition = definition ?? throw new ArgumentNullException(nameof(definition));
    }

    public SkillDefinition Definition { get; }

    public SkillMetadata Metadata => Definition.Metadata;

    public string Name => Definition.Metadata.Name;

    public string Description => Definition.Metadata.Description;

    public IReadOnlyList<string> Tags => Definition.Metadata.Tags;

    public IReadOnlyList<string> Aliases => Definition.Metadata.Aliases;

    public IReadOnlyList<string> Tools => Definition.Tools;

    public bool IsBuiltin => Definition.IsBuiltin;

    /// <summary>
    /// Applies defaults to <paramref name="values"/> and validates them: unknown option names, missing required options,
    /// wrong types and values outside a choice list are each reported (the original's wording where it had one).
    /// On success the result holds the normalised values (string, long or bool) for every option that has one.
    /// </summary>
    public SkillConfigResult ResolveConfig(IReadOnlyDictionary<string, object?>? values = null)
    {
        var options = Definition.Config;
        if ((values is null || values.Count == 0) && options.Count == 0)
        {
            return EmptyConfig;
        }
        values ??= ImmutableDictionary<string, object?>.Empty;
        var errors = new List<string>();
        foreach (var key in values.Keys.Order(StringComparer.Ordinal))
        {
            if (Definition.GetConfigOption(key) is null)
            {
                errors.Add($"Unknown option '{key}' for skill '{Name}'");
            }
        }
        var resolved = ImmutableDictionary.CreateBuilder<string, object>(StringComparer.Ordinal);
        foreach (var option in options)
        {
            values.TryGetValue(option.Name, out var given);
            var value = given ?? option.Default;
            if (value is null)
            {
                if (option.Required)
                {
                    errors.Add($"Required option '{option.Name}' not provided");
                }
                continue;
            }
            if (option.TryConvert(value, out var converted, out var error))
            {
                resolved[option.Name] = converted;
            }
            else
            {
                errors.Add(error);
            }
        }
        return errors.Count == 0
            ? new SkillConfigResult(resolved.ToImmutable(), [])
            : new SkillConfigResult(ImmutableDictionary<string, object>.Empty, [.. errors]);
    }

    /// <summary>
    /// The prompt with each <c>{{ option }}</c> placeholder replaced by its value in <paramref name="config"/>
    /// (single pass, so a value that itself looks like a placeholder is not expanded). Placeholders without a value are
    /// kept as written. Control characters in values (including newlines) become spaces, so a value cannot start a new
    /// prompt section.
    /// </summary>
    public string RenderPrompt(IReadOnlyDictionary<string, object>? config)
    {
        var prompt = Definition.Prompt;
        if (config is null || config.Count == 0 || !prompt.Contains("{{", StringComparison.Ordinal))
        {
            return prompt;
        }
        return Placeholder().Replace(prompt, match =>
            config.TryGetValue(match.Groups[1].Value, out var value) ? Sanitize(Format(value)) : match.Value);
    }

    /// <summary>Case-insensitive substring match on name, description and tags.</summary>
    public bool Matches(string query) => Definition.Metadata.Matches(query);

    public override string ToString() => Name;

    internal static string Format(object? value) => value switch
    {
        null => "",
        string s => s,
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Sanitize(string value)
    {
        if (!value.Any(char.IsControl))
        {
            return value;
        }
        var builder = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            builder.Append(char.IsControl(c) ? ' ' : c);
        }
        return builder.ToString();
    }

    [GeneratedRegex(@"\{\{\s*([A-Za-z0-9_-]+)\s*\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}
