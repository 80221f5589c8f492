using System.Collections.Immutable;
using System.Text.Json;

namespace CodeForge.Core.Permissions;

/// <summary>The rules of one layer: its deny, ask and allow lists, in the order they were written.</summary>
/// <remarks>Immutable and safe to share across threads; "changing" a layer means building a new set.</remarks>
public sealed class PermissionRuleSet
{
    private PermissionRuleSet(ImmutableArray<PermissionRule> rules)
    {
        Rules = rules;
        Deny = rules.Where(r => r.Behavior == PermissionBehavior.Deny).ToImmutableArray();
        Ask = rules.Where(r => r.Behavior == PermissionBehavior.Ask).ToImmutableArray();
        Allow = rules.Where(r => r.Behavior == PermissionBehavior.Allow).ToImmutableArray();
    }

    public static PermissionRuleSet Empty { get; } = new([]);

    /// <summary>Every rule, in order.</summary>
    public ImmutableArray<PermissionRule> Rules { get; }

    public ImmutableArray<PermissionRule> Deny { get; }

    public ImmutableArray<PermissionRule> Ask { get; }

    public ImmutableArray<PermissionRule> Allow { get; }

    public int Count => Rules.Length;

    /// <summary>The rules of one behavior.</summary>
    public ImmutableArray<PermissionRule> Of(PermissionBehavior behavior) => behavior switch
    {
        PermissionBehavior.Deny => Deny,
        PermissionBehavior.Ask => Ask,
        _ => Allow,
    };

    public static PermissionRuleSet Create(IEnumerable<PermissionRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var array = rules.ToImmutableArray();
        return array.IsEmpty ? Empty : new PermissionRuleSet(array);
    }

    /// <summary>
    /// Parses rule lists leniently: good rules are kept, each bad one becomes an error naming it and its place
    /// (<c>permissions.deny[2]</c> in <paramref name="filePath"/>, or the layer when there is no file).
    /// </summary>
    /// <param name="layer">The layer the rules belong to.</param>
    /// <param name="allow">The allow list.</param>
    /// <param name="ask">The ask list.</param>
    /// <param name="deny">The deny list.</param>
    /// <param name="filePath">The settings file the lists come from, if any.</param>
    /// <param name="baseDirectory">What <c>/x</c> paths are relative to; derived from <paramref name="filePath"/> if null.</param>
    public static PermissionRuleSetLoadResult Load(
        PermissionLayer layer,
        IEnumerable<string>? allow = null,
        IEnumerable<string>? ask = null,
        IEnumerable<string>? deny = null,
        string? filePath = null,
        string? baseDirectory = null)
    {
        var source = Source(layer, filePath, baseDirectory);
        var rules = ImmutableArray.CreateBuilder<PermissionRule>();
        var errors = ImmutableArray.CreateBuilder<PermissionRuleException>();
        Add(deny, "deny", PermissionBehavior.Deny);
        Add(ask, "ask", PermissionBehavior.Ask);
        Add(allow, "allow", PermissionBehavior.Allow);
        return new PermissionRuleSetLoadResult(Create(rules), errors.ToImmutable(), null);

        void Add(IEnumerable<string>? texts, string list, PermissionBehavior behavior)
        {
            var i = 0;
            foreach (var text in texts ?? [])
            {
                var at = source.At($"permissions.{list}[{i++}]");
                if (PermissionRule.TryParse(text, behavior, at, out var rule, out var error))
                {
                    rules.Add(rule);
                }
                else
                {
                    errors.Add(error);
                }
            }
        }
    }

    /// <summary>
    /// Reads the <c>permissions</c> object of a settings file (<c>allow</c>, <c>ask</c>, <c>deny</c>, <c>defaultMode</c>)
    /// leniently: a non-string entry, a bad rule or an unknown mode becomes an error; everything good is kept.
    /// </summary>
    public static PermissionRuleSetLoadResult FromSettings(JsonElement permissions, PermissionLayer layer, string? filePath = null, string? baseDirectory = null)
    {
        var source = Source(layer, filePath, baseDirectory);
        var errors = ImmutableArray.CreateBuilder<PermissionRuleException>();
        if (permissions.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new PermissionRuleException(permissions.ValueKind.ToString(), source.At("permissions"), "'permissions' must be a JSON object"));
            return new PermissionRuleSetLoadResult(Empty, errors.ToImmutable(), null);
        }
        var rules = ImmutableArray.CreateBuilder<PermissionRule>();
        foreach (var (list, behavior) in new[] { ("deny", PermissionBehavior.Deny), ("ask", PermissionBehavior.Ask), ("allow", PermissionBehavior.Allow) })
        {
            if (!permissions.TryGetProperty(list, out var array))
            {
                continue;
            }
            if (array.ValueKind != JsonValueKind.Array)
            {
                errors.Add(new PermissionRuleException(array.GetRawText(), source.At($"permissions.{list}"), "must be an array of rule strings"));
                continue;
            }
            var i = 0;
            foreach (var item in array.EnumerateArray())
            {
                var at = source.At($"permissions.{list}[{i++}]");
                if (item.ValueKind != JsonValueKind.String)
                {
                    errors.Add(new PermissionRuleException(item.GetRawText(), at, "a rule must be a string"));
                }
                else if (PermissionRule.TryParse(item.GetString(), behavior, at, out var rule, out var error))
                {
                    rules.Add(rule);
                }
                else
                {
                    errors.Add(error);
                }
            }
        }
        var loaded = Create(rules);
        PermissionMode? mode = null;
        if (permissions.TryGetProperty("defaultMode", out var modeElement))
        {
            if (modeElement.ValueKind == JsonValueKind.String && PermissionModes.TryParse(modeElement.GetString(), out var parsed))
            {
                mode = parsed;
            }
            else
            {
                errors.Add(new PermissionRuleException(modeElement.GetRawText(), source.At("permissions.defaultMode"),
                    "unknown mode; expected default, acceptEdits, plan, dontAsk or bypassPermissions"));
            }
        }
        return new PermissionRuleSetLoadResult(loaded, errors.ToImmutable(), mode);
    }

    private static RuleSource Source(PermissionLayer layer, string? filePath, string? baseDirectory)
    {
        if (filePath is null)
        {
            return new RuleSource(layer, BaseDirectory: baseDirectory);
        }
        var source = RuleSource.ForSettingsFile(layer, filePath, "permissions");
        return baseDirectory is null ? source : source with { BaseDirectory = baseDirectory };
    }
}

/// <summary>The outcome of a lenient load: the good rules, one error per bad entry, and the mode if one was set.</summary>
public sealed record PermissionRuleSetLoadResult(PermissionRuleSet Rules, ImmutableArray<PermissionRuleException> Errors, PermissionMode? DefaultMode);
