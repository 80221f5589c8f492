using System.Text;

namespace CodeForge.Core.Shells;

/// <summary>Quotes words for a POSIX shell command line (<c>/bin/sh -c</c>), so each reaches the program as one argument, verbatim.</summary>
/// <remarks>Stateless and thread-safe.</remarks>
public static class ShellQuote
{
    /// <summary>
    /// <paramref name="word"/> in single quotes (a <c>'</c> inside becomes <c>'\''</c>); words made only of safe characters
    /// are returned as they are.
    /// </summary>
    /// <exception cref="ArgumentException">The word contains NUL, which no argument can carry.</exception>
    public static string Quote(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        if (word.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("A shell argument cannot contain a NUL character.", nameof(word));
        }
        if (word.Length > 0 && word.All(IsSafe))
        {
            return word;
        }
        return "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    /// <summary>The words quoted and joined by spaces.</summary>
    public static string Join(IEnumerable<string> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        var builder = new StringBuilder();
        foreach (var word in words)
        {
            if (builder.Length > 0)
            {
                builder.Append(' ');
            }
            builder.Append(Quote(word));
        }
        return builder.ToString();
    }

    private static bool IsSafe(char c) => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-' or '=' or ':' or ',' or '+' or '@';
}
