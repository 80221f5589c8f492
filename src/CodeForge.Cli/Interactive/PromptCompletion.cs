namespace CodeForge.Cli.Interactive;

/// <summary>Tab completion for the prompt: <c>/command</c> at the start, <c>@path</c> anywhere (relative to the working directory).</summary>
/// <remarks>Stateless apart from its inputs; the command list is read when completing.</remarks>
internal sealed class PromptCompletion(SlashCommands commands, string workingDirectory) : ICompletionProvider
{
    public const int MaxCandidates = 200;

    public (int Start, IReadOnlyList<string> Candidates) Complete(string text, int cursor)
    {
        ArgumentNullException.ThrowIfNull(text);
        var start = cursor;
        while (start > 0 && !char.IsWhiteSpace(text[start - 1]))
        {
            start--;
        }
        var word = text[start..cursor];
        if (word.StartsWith('/') && text[..start].Trim().Length == 0)
        {
            var name = word[1..];
            return (start, [.. commands.All.Where(c => c.Name.StartsWith(name, StringComparison.OrdinalIgnoreCase)).Select(c => "/" + c.Name)]);
        }
        if (word.StartsWith('@'))
        {
            return (start, [.. Paths(word[1..]).Select(p => "@" + p)]);
        }
        return (start, []);
    }

    private List<string> Paths(string partial)
    {
        var slash = partial.LastIndexOf('/');
        var dirPart = slash >= 0 ? partial[..(slash + 1)] : "";
        var namePart = slash >= 0 ? partial[(slash + 1)..] : partial;
        var dir = Path.GetFullPath(Path.Combine(workingDirectory, dirPart.Length == 0 ? "." : dirPart));
        if (!Directory.Exists(dir))
        {
            return [];
        }
        try
        {
            return new DirectoryInfo(dir).EnumerateFileSystemInfos()
                .Where(e => e.Name.StartsWith(namePart, StringComparison.Ordinal) && (namePart.StartsWith('.') || !e.Name.StartsWith('.')))
                .OrderBy(e => e.Name, StringComparer.Ordinal)
                .Take(MaxCandidates)
                .Select(e => dirPart + e.Name + (e is DirectoryInfo ? "/" : ""))
                .ToList();
        }
        catch (IOException)
        {
            return [];
        }
        catch (UnauthorizedAccessException)
        {
            return [];
        }
    }
}
