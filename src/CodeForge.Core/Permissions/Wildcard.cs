namespace CodeForge.Core.Permissions;

/// <summary>
/// Matches text against a pattern in which <c>*</c> stands for any sequence of characters (including none, spaces and
/// slashes) and every other character stands for itself. Linear in practice, O(pattern × text) at worst; no regex, so no
/// catastrophic backtracking.
/// </summary>
internal static class Wildcard
{
    public static bool Matches(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        int p = 0, t = 0, starP = -1, starT = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                starP = p++;
                starT = t;
            }
            else if (p < pattern.Length && pattern[p] == text[t])
            {
                p++;
                t++;
            }
            else if (starP >= 0)
            {
                p = starP + 1;
                t = ++starT;
            }
            else
            {
                return false;
            }
        }
        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }
        return p == pattern.Length;
    }
}
