using System.Collections.Immutable;

namespace CodeForge.Core.Skills;

/// <summary>What <see cref="NamespacedNames.Resolve"/> found: the one name meant, or the candidates when it is ambiguous.</summary>
/// <param name="Name">The full name (<c>plugin:name</c> or a plain name), or null when nothing or several match.</param>
/// <param name="Candidates">The full names that matched (one when resolved, several when ambiguous, none when unknown).</param>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record NameResolution(string? Name, ImmutableArray<string> Candidates)
{
    public bool IsAmbiguous => Name is null && Candidates.Length > 1;

    /// <summary>The message for an ambiguous name: which full names it could mean.</summary>
    public string AmbiguityMessage(string what, string name) =>
        $"'{name}' is ambiguous: several {what} have that name ({string.Join(", ", Candidates)}); give the full name";
}

/// <summary>
/// Finds a plugin's skill, command or agent by the name a user or model types: its full <c>plugin:name</c>, or its
/// short <c>name</c> when exactly one plugin provides it (as Claude Code resolves <c>Skill {"skill": "pdf"}</c> to
/// <c>document-skills:pdf</c>). An exact name always wins; a short name several plugins share is ambiguous.
/// </summary>
/// <remarks>Stateless; thread-safe.</remarks>
public static class NamespacedNames
{
    /// <summary>Resolves <paramref name="name"/> among <paramref name="names"/> (exact first, then by the part after the last ':').</summary>
    public static NameResolution Resolve(string name, IEnumerable<string> names, StringComparer? comparer = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(names);
        comparer ??= StringComparer.Ordinal;
        var all = names as IReadOnlyCollection<string> ?? [.. names];
        if (all.Contains(name, comparer))
        {
            return new NameResolution(all.First(n => comparer.Equals(n, name)), [name]);
        }
        if (name.Length == 0 || name.Contains(':', StringComparison.Ordinal))
        {
            return new NameResolution(null, []);
        }
        var matches = all.Where(n => n.LastIndexOf(':') is var colon and > 0 && comparer.Equals(n[(colon + 1)..], name))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToImmutableArray();
        return new NameResolution(matches.Length == 1 ? matches[0] : null, matches);
    }
}
