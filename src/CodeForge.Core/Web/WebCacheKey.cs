using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CodeForge.Core.Web;

/// <summary>
/// Cache keys for <see cref="WebCache"/>: the SHA-256 of the normalised URL and a canonical form of the
/// <see cref="FetchOptions"/>, as 64 lower-case hex characters (safe as a file name).
/// </summary>
/// <remarks>
/// Stateless and thread-safe. Unlike the original (which hashed the raw URL and ignored the options), equivalent URLs
/// share a key and different options never do.
/// </remarks>
public static class WebCacheKey
{
    /// <summary>The length of a key in characters.</summary>
    public const int Length = 64;

    /// <summary>
    /// The key for fetching <paramref name="url"/> with <paramref name="options"/> (<see langword="null"/> means
    /// <see cref="FetchOptions.Default"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The URL is not an absolute http(s) URL, or the options are invalid.</exception>
    public static string Generate(string url, FetchOptions? options = null)
    {
        var material = Normalize(url) + "\n" + Canonicalize(options ?? FetchOptions.Default);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(material)));
    }

    /// <summary>
    /// Normalises an http(s) URL (RFC 3986 section 6.2.2): scheme and host in lower case (IDN hosts in punycode), the
    /// default port dropped, an empty path made "/", dot segments removed, percent-encoded unreserved characters decoded
    /// and other percent-encodings upper-cased, the fragment dropped. The query is kept in its order (servers may care).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="url"/> is null.</exception>
    /// <exception cref="ArgumentException">The URL is empty, not absolute, not http(s), or has no host.</exception>
    public static string Normalize(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (string.IsNullOrWhiteSpace(url))
        {
            throw new ArgumentException("The URL is empty.", nameof(url));
        }
        var trimmed = url.Trim();
        if (!trimmed.Contains("://", StringComparison.Ordinal) ||
            !Uri.TryCreate(trimmed, UriKind.Absolute, out var uri))
        {
            throw new ArgumentException($"'{url}' is not an absolute URL (expected http://host/... or https://host/...).", nameof(url));
        }
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"'{url}' is not an http or https URL (scheme '{uri.Scheme}').", nameof(url));
        }
        if (uri.Host.Length == 0)
        {
            throw new ArgumentException($"'{url}' has no host.", nameof(url));
        }

        var builder = new StringBuilder(trimmed.Length + 8);
        builder.Append(uri.Scheme).Append("://");
        if (uri.UserInfo.Length > 0)
        {
            AppendPercentNormalized(builder, uri.UserInfo);
            builder.Append('@');
        }
        // Uri lower-cases the host; IdnHost gives the punycode form of an internationalised name (and drops IPv6 brackets).
        builder.Append(uri.HostNameType == UriHostNameType.IPv6 ? uri.Host : uri.IdnHost);
        if (!uri.IsDefaultPort)
        {
            builder.Append(':').Append(uri.Port.ToString(CultureInfo.InvariantCulture));
        }
        AppendPercentNormalized(builder, uri.AbsolutePath.Length == 0 ? "/" : uri.AbsolutePath);
        AppendPercentNormalized(builder, uri.Query);
        return builder.ToString();
    }

    /// <summary>Whether <paramref name="key"/> has the shape of a key: 64 lower-case hex characters.</summary>
    public static bool IsWellFormed(string? key) => key is not null && IsWellFormed(key.AsSpan());

    /// <summary>Whether <paramref name="key"/> has the shape of a key: 64 lower-case hex characters.</summary>
    internal static bool IsWellFormed(ReadOnlySpan<char> key)
    {
        if (key.Length != Length)
        {
            return false;
        }
        foreach (var c in key)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// A canonical, unambiguous text form of the options: one line per property, strings length-prefixed, headers by
    /// lower-cased name in ordinal order. Every <see cref="FetchOptions"/> property must appear here.
    /// </summary>
    internal static string Canonicalize(FetchOptions options)
    {
        if (options.MaxBytes <= 0)
        {
            throw new ArgumentException($"FetchOptions.MaxBytes must be positive; got {options.MaxBytes}.", nameof(options));
        }
        if (!Enum.IsDefined(options.Format))
        {
            throw new ArgumentException($"FetchOptions.Format has an unknown value {(int)options.Format}.", nameof(options));
        }
        var builder = new StringBuilder("v1\n");
        builder.Append("format=").Append(FormatName(options.Format)).Append('\n');
        builder.Append("maxBytes=").Append(options.MaxBytes.ToString(CultureInfo.InvariantCulture)).Append('\n');
        builder.Append("followRedirects=").Append(options.FollowRedirects ? "1" : "0").Append('\n');
        builder.Append("userAgent=");
        AppendString(builder, options.UserAgent);
        builder.Append('\n');
        if (options.Headers is { Count: > 0 } headers)
        {
            var byName = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var (name, value) in headers)
            {
                if (string.IsNullOrWhiteSpace(name))
                {
                    throw new ArgumentException("FetchOptions.Headers has an empty header name.", nameof(options));
                }
                if (!byName.TryAdd(name.Trim().ToUpperInvariant(), value?.Trim() ?? ""))
                {
                    throw new ArgumentException($"FetchOptions.Headers names '{name}' twice (header names are case-insensitive).", nameof(options));
                }
            }
            foreach (var (name, value) in byName)
            {
                builder.Append("header=");
                AppendString(builder, name);
                AppendString(builder, value);
                builder.Append('\n');
            }
        }
        return builder.ToString();
    }

    private static string FormatName(FetchFormat format) => format switch
    {
        FetchFormat.Markdown => "markdown",
        FetchFormat.Text => "text",
        FetchFormat.Raw => "raw",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown fetch format."),
    };

    private static void AppendString(StringBuilder builder, string? value)
    {
        if (value is null)
        {
            builder.Append('-');
            return;
        }
        builder.Append(value.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(value);
    }

    /// <summary>Decodes %XX of unreserved characters (ALPHA / DIGIT / - . _ ~) and upper-cases the hex of the rest.</summary>
    private static void AppendPercentNormalized(StringBuilder builder, string component)
    {
        for (var i = 0; i < component.Length; i++)
        {
            var c = component[i];
            if (c == '%' && i + 2 < component.Length && char.IsAsciiHexDigit(component[i + 1]) && char.IsAsciiHexDigit(component[i + 2]))
            {
                var value = (char)((HexValue(component[i + 1]) << 4) | HexValue(component[i + 2]));
                if (char.IsAsciiLetterOrDigit(value) || value is '-' or '.' or '_' or '~')
                {
                    builder.Append(value);
                }
                else
                {
                    builder.Append('%').Append(char.ToUpperInvariant(component[i + 1])).Append(char.ToUpperInvariant(component[i + 2]));
                }
                i += 2;
            }
            else
            {
                builder.Append(c);
            }
        }
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
