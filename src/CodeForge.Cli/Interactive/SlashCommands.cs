using CodeForge.Cli.Interactive.Commands;

namespace CodeForge.Cli.Interactive;

/// <summary>
/// The session's slash commands: built-ins first, then custom commands and user-invocable skills (a custom command
/// never hides a built-in). Parsing, lookup and "did you mean" suggestions; <c>/help</c> and tab completion list
/// <see cref="All"/>.
/// </summary>
/// <remarks>Not thread-safe: built once per session and used by its input loop.</remarks>
internal sealed class SlashCommands
{
    private readonly Dictionary<string, ISlashCommand> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<ISlashCommand> _ordered = [];

    public IReadOnlyList<ISlashCommand> All => _ordered;

    /// <summary>Adds a command; returns false when the name is taken (the first one stays).</summary>
    public bool Add(ISlashCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (!_byName.TryAdd(command.Name, command))
        {
            return false;
        }
        _ordered.Add(command);
        return true;
    }

    public ISlashCommand? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>Splits <c>/name args</c>; returns false when <paramref name="input"/> is not a slash command.</summary>
    public static bool TryParse(string input, out string name, out string arguments)
    {
        name = "";
        arguments = "";
        var text = input.TrimStart();
        if (text.Length < 2 || text[0] != '/' || text[1] == '/' || char.IsWhiteSpace(text[1]))
        {
            return false;
        }
        var end = 1;
        while (end < text.Length && !char.IsWhiteSpace(text[end]))
        {
            end++;
        }
        name = text[1..end];
        // "/usr/bin/foo is slow" is a prompt about a path, not a command.
        if (name.Contains('/', StringComparison.Ordinal) && !name.Contains(':', StringComparison.Ordinal))
        {
            return false;
        }
        arguments = text[end..].Trim();
        return true;
    }

    /// <summary>The names closest to <paramref name="name"/> (prefix matches first, then small edit distance).</summary>
    public IReadOnlyList<string> Suggest(string name)
    {
        var prefix = _ordered.Where(c => c.Name.StartsWith(name, StringComparison.OrdinalIgnoreCase)).Select(c => c.Name).ToList();
        if (prefix.Count > 0)
        {
            return prefix;
        }
        return [.. _ordered.Select(c => (c.Name, Distance: Distance(name.ToLowerInvariant(), c.Name.ToLowerInvariant())))
            .Where(x => x.Distance <= Math.Max(2, name.Length / 3))
            .OrderBy(x => x.Distance).ThenBy(x => x.Name, StringComparer.Ordinal)
            .Take(3).Select(x => x.Name)];
    }

    internal static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
