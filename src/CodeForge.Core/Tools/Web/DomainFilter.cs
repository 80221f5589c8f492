namespace CodeForge.Core.Tools.Web;

/// <summary>
/// WebSearch's <c>allowed_domains</c> / <c>blocked_domains</c>: a domain matches a URL when the URL's host is the domain
/// or a subdomain of it on a label boundary (<c>docs.example.com</c> matches <c>example.com</c>; <c>evil-example.com</c>
/// and <c>example.com.evil.net</c> do not). Never a substring match. Entries may be written as hosts, with a leading
/// <c>*.</c> or <c>.</c>, or as URLs (their host is used).
/// </summary>
/// <remarks>Immutable; thread-safe.</remarks>
public sealed class DomainFilter
{
    private readonly string[] _allowed;
    private readonly string[] _blocked;

    private DomainFilter(string[] allowed, string[] blocked)
    {
        _allowed = allowed;
        _blocked = blocked;
    }

    /// <summary>Builds a filter; <paramref name="error"/> names a bad entry.</summary>
    public static bool TryCreate(IEnumerable<string>? allowed, IEnumerable<string>? blocked, out DomainFilter filter, out string error)
    {
        filter = null!;
        error = "";
        var a = new List<string>();
        var b = new List<string>();
        foreach (var (list, name, target) in new[] { (allowed, "allowed_domains", a), (blocked, "blocked_domains", b) })
        {
            foreach (var entry in list ?? [])
            {
                if (!TryNormalize(entry, out var domain))
                {
                    error = $"'{name}' holds '{entry}', which is not a domain (expected something like example.com).";
                    return false;
                }
                target.Add(domain);
            }
        }
        filter = new DomainFilter([.. a], [.. b]);
        return true;
    }

    /// <summary>Whether any domain was given.</summary>
    public bool IsEmpty => _allowed.Length == 0 && _blocked.Length == 0;

    /// <summary>Whether a result at <paramref name="url"/> passes: its host is under an allowed domain (when any are given)
    /// and under no blocked domain. A URL without a host never passes a non-empty filter.</summary>
    public bool Allows(string url)
    {
        if (IsEmpty)
        {
            return true;
        }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
        {
            return false;
        }
        var host = NetworkPolicy.NormalizeHost(uri.IdnHost);
        if (Array.Exists(_blocked, d => Matches(host, d)))
        {
            return false;
        }
        return _allowed.Length == 0 || Array.Exists(_allowed, d => Matches(host, d));
    }

    /// <summary>Whether <paramref name="host"/> is <paramref name="domain"/> or a subdomain of it (both normalised).</summary>
    public static bool Matches(string host, string domain) =>
        host.Length == domain.Length
            ? string.Equals(host, domain, StringComparison.Ordinal)
            : host.Length > domain.Length && host.EndsWith(domain, StringComparison.Ordinal) && host[host.Length - domain.Length - 1] == '.';

    private static bool TryNormalize(string? entry, out string domain)
    {
        domain = "";
        if (string.IsNullOrWhiteSpace(entry))
        {
            return false;
        }
        var e = entry.Trim();
        if (e.Contains("://", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(e, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
            {
                return false;
            }
            e = uri.IdnHost;
        }
        else
        {
            var slash = e.IndexOf('/', StringComparison.Ordinal);
            if (slash >= 0)
            {
                e = e[..slash];
            }
        }
        if (e.StartsWith("*.", StringComparison.Ordinal))
        {
            e = e[2..];
        }
        e = e.TrimStart('.');
        e = NetworkPolicy.NormalizeHost(e);
        if (e.Length == 0 || e.Contains(' ', StringComparison.Ordinal) || e.Contains('*', StringComparison.Ordinal) || e.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }
        try
        {
            e = new System.Globalization.IdnMapping().GetAscii(e);
        }
        catch (ArgumentException)
        {
            return false;
        }
        domain = e.ToLowerInvariant();
        return true;
    }
}
