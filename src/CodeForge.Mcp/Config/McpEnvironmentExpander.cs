using System.Text;

namespace CodeForge.Mcp.Config;

/// <summary>
/// Expands <c>${VAR}</c> and <c>${VAR:-default}</c> as Claude Code does in <c>.mcp.json</c>: a set variable gives its
/// value; an unset one its default when there is one; an unset one without a default is reported as missing (and left
/// as written). Text that is not a well-formed <c>${...}</c> is kept unchanged.
/// </summary>
/// <remarks>Stateless; safe to call from any thread.</remarks>
public static class McpEnvironmentExpander
{
    /// <summary>Expands <paramref name="text"/>; names of unset variables without default are added to <paramref name="missing"/>.</summary>
    public static string Expand(string text, Func<string, string?> environment, ICollection<string> missing)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(missing);
        if (!text.Contains("${", StringComparison.Ordinal))
        {
            return text;
        }
        var result = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var start = text.IndexOf("${", i, StringComparison.Ordinal);
            if (start < 0)
            {
                result.Append(text, i, text.Length - i);
                break;
            }
            var end = text.IndexOf('}', start + 2);
            if (end < 0)
            {
                result.Append(text, i, text.Length - i);
                break;
            }
            result.Append(text, i, start - i);
            var body = text[(start + 2)..end];
            var separator = body.IndexOf(":-", StringComparison.Ordinal);
            var name = separator < 0 ? body : body[..separator];
            if (!IsName(name))
            {
                result.Append(text, start, end - start + 1);
            }
            else
            {
                var value = environment(name);
                if (!string.IsNullOrEmpty(value))
                {
                    result.Append(value);
                }
                else if (separator >= 0)
                {
                    result.Append(body, separator + 2, body.Length - separator - 2);
                }
                else if (value is not null)
                {
                    // Set but empty: the empty value.
                }
                else
                {
                    if (!missing.Contains(name))
                    {
                        missing.Add(name);
                    }
                    result.Append(text, start, end - start + 1);
                }
            }
            i = end + 1;
        }
        return result.ToString();
    }

    private static bool IsName(string name) =>
        name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
