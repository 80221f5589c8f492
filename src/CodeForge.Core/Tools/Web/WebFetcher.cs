using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using CodeForge.Core.Web;

namespace CodeForge.Core.Tools.Web;

/// <summary>
/// Fetches http(s) pages for the web tools behind the SSRF guard, with the <see cref="WebCache"/> in front: scheme
/// check and http→https upgrade, every resolved address checked at connect time, redirects followed by hand (each hop
/// re-checked; another host reported instead of followed unless <see cref="WebToolOptions.FollowCrossHostRedirects"/>),
/// a download cap, a timeout, charset decoding, binary types refused, HTML converted to Markdown.
/// </summary>
/// <remarks>
/// <para><b>Concurrency contract.</b> Every member may be called from any number of threads at once. Concurrent fetches
/// of one cache key share a single request (single flight): the first caller starts it, later callers await the same
/// task; the task re-reads the cache before going to the network and stores its result before it leaves the in-flight
/// table, so while the entry stays cached (fits the memory budget, within its TTL) a URL is requested from the server
/// once no matter how many callers race. The shared request runs under the fetcher's own timeout, not a caller's token:
/// a caller that cancels stops waiting at once (<see cref="OperationCanceledException"/>), the request goes on for the
/// others (at most until the timeout). Only successful fetches are cached; failures and redirect reports are not.</para>
/// <para>The underlying <see cref="HttpClient"/> is shared and thread-safe; it never uses a proxy (the connect-time
/// check must see the real destination). <see cref="Dispose"/> releases it; fetches after that fail.</para>
/// </remarks>
public sealed class WebFetcher : IDisposable
{
    private readonly WebCache? _cache;
    private readonly WebToolOptions _options;
    private readonly NetworkPolicy _policy;
    private readonly TimeProvider _time;
    private readonly HttpClient _http;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<WebFetchOutcome>> _inFlight = new(StringComparer.Ordinal);
    private long _networkFetches;

    static WebFetcher() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>Creates a fetcher.</summary>
    /// <param name="cache">The cache in front, or <see langword="null"/> for none.</param>
    /// <param name="options">Limits and network policy; <see langword="null"/> for <see cref="WebToolOptions.Default"/>.</param>
    /// <param name="timeProvider">The clock of the timeout and the fetch times.</param>
    public WebFetcher(WebCache? cache, WebToolOptions? options = null, TimeProvider? timeProvider = null)
    {
        _options = options ?? WebToolOptions.Default;
        _options.Validate();
        _cache = cache;
        _policy = new NetworkPolicy(_options);
        _time = timeProvider ?? TimeProvider.System;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.All,
            ConnectCallback = ConnectAsync,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        };
        _http = new HttpClient(handler, disposeHandler: true) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }

    /// <summary>The network policy in force.</summary>
    public NetworkPolicy Policy => _policy;

    /// <summary>The options in force.</summary>
    public WebToolOptions Options => _options;

    /// <summary>How many fetches went to the network (cache and single-flight sharing excluded).</summary>
    public long NetworkFetches => Interlocked.Read(ref _networkFetches);

    /// <summary>The options every fetch of this fetcher uses (part of the cache key).</summary>
    public FetchOptions FetchOptions => new()
    {
        Format = FetchFormat.Markdown,
        MaxBytes = _options.MaxDownloadBytes,
        FollowRedirects = true,
        UserAgent = _options.UserAgent,
    };

    /// <summary>Fetches <paramref name="url"/> (from the cache when it holds a valid entry).</summary>
    /// <returns>The page, a reported redirect, or a failure with its reason; never throws for a network problem.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    public async Task<WebFetchOutcome> FetchAsync(string url, CancellationToken cancellationToken)
    {
        if (!TryPrepare(url, out var uri, out var error))
        {
            return WebFetchOutcome.Fail(url ?? "", error);
        }
        var key = WebCache.GenerateKey(uri.AbsoluteUri, FetchOptions);
        if (_cache?.Get(key) is { } cached)
        {
            return new WebFetchOutcome(WebFetchStatus.Fetched, uri.AbsoluteUri, cached);
        }
        var created = new TaskCompletionSource<WebFetchOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        var flight = _inFlight.GetOrAdd(key, created);
        if (ReferenceEquals(flight, created))
        {
            _ = RunFlightAsync(uri, key, created);
        }
        return await flight.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Checks and normalises a URL: absolute http(s), no credentials, at most 2,000 characters; http upgraded to
    /// https unless the host is listed in the allowed hosts (or is a non-public IP literal that settings allow).</summary>
    public bool TryPrepare(string? url, out Uri uri, out string error)
    {
        uri = null!;
        error = "";
        if (string.IsNullOrWhiteSpace(url))
        {
            error = "'url' is empty: give a fully-formed http:// or https:// URL.";
            return false;
        }
        url = url.Trim();
        if (url.Length > 2000)
        {
            error = $"The URL is {url.Length} characters long; at most 2000 are accepted.";
            return false;
        }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || !url.Contains("://", StringComparison.Ordinal))
        {
            error = $"'{url}' is not an absolute URL: give a fully-formed URL such as https://example.com/page.";
            return false;
        }
        if (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps)
        {
            error = $"'{url}' uses the '{parsed.Scheme}' scheme; WebFetch fetches only http:// and https:// URLs.";
            return false;
        }
        if (parsed.Host.Length == 0)
        {
            error = $"'{url}' has no host.";
            return false;
        }
        if (parsed.UserInfo.Length > 0)
        {
            error = $"'{url}' carries a user name or password; WebFetch does not send credentials.";
            return false;
        }
        if (!CheckLiteralHost(parsed, out error))
        {
            return false;
        }
        if (parsed.Scheme == Uri.UriSchemeHttp && !KeepsHttp(parsed))
        {
            var builder = new UriBuilder(parsed) { Scheme = Uri.UriSchemeHttps, Port = parsed.IsDefaultPort ? -1 : parsed.Port };
            parsed = builder.Uri;
        }
        uri = parsed;
        return true;
    }

    private bool KeepsHttp(Uri uri) =>
        _policy.IsListed(uri.Host)
        || (_policy.AllowPrivateNetwork && IPAddress.TryParse(NetworkPolicy.NormalizeHost(uri.Host), out var ip) && NetworkPolicy.Classify(ip) != AddressKind.Public)
        || (_policy.AllowPrivateNetwork && string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase));

    /// <summary>An IP literal host (any form <see cref="Uri"/> accepts: dotted, decimal, octal, hex, IPv6) is checked
    /// before any request, for a clear message; names are checked when they resolve.</summary>
    private bool CheckLiteralHost(Uri uri, out string error)
    {
        error = "";
        var host = NetworkPolicy.NormalizeHost(uri.Host);
        if (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 && IPAddress.TryParse(host, out var ip)
            && !_policy.IsAllowed(host, ip, out var reason))
        {
            error = $"Refused to fetch {uri.AbsoluteUri}: {reason}.";
            return false;
        }
        return true;
    }

    /// <summary>The one request of a flight: re-reads the cache, fetches, stores, leaves the in-flight table, then completes
    /// the flight's task (so a caller that finds no flight finds the cache entry).</summary>
    private async Task RunFlightAsync(Uri uri, string key, TaskCompletionSource<WebFetchOutcome> flight)
    {
        WebFetchOutcome outcome;
        try
        {
            if (_cache?.Get(key) is { } cached)
            {
                outcome = new WebFetchOutcome(WebFetchStatus.Fetched, uri.AbsoluteUri, cached);
            }
            else
            {
                outcome = await FetchFromNetworkAsync(uri).ConfigureAwait(false);
                if (outcome.Status == WebFetchStatus.Fetched && _cache is not null && outcome.Response is { } response)
                {
                    _cache.Set(key, response);
                }
            }
        }
#pragma warning disable CA1031 // Any failure belongs to the waiting callers, not to this fire-and-forget task.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _inFlight.TryRemove(new KeyValuePair<string, TaskCompletionSource<WebFetchOutcome>>(key, flight));
            flight.TrySetException(ex);
            return;
        }
        _inFlight.TryRemove(new KeyValuePair<string, TaskCompletionSource<WebFetchOutcome>>(key, flight));
        flight.TrySetResult(outcome);
    }

    private async Task<WebFetchOutcome> FetchFromNetworkAsync(Uri start)
    {
        Interlocked.Increment(ref _networkFetches);
        using var timeout = new CancellationTokenSource(_options.Timeout, _time);
        var current = start;
        try
        {
            for (var hop = 0; ; hop++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, current);
                request.Headers.TryAddWithoutValidation("User-Agent", _options.UserAgent);
                request.Headers.TryAddWithoutValidation("Accept", "text/markdown, text/html;q=0.9, text/plain;q=0.8, application/json;q=0.8, */*;q=0.5");
                request.Headers.TryAddWithoutValidation("Accept-Language", "en;q=0.9, *;q=0.5");
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
                var status = (int)response.StatusCode;
                if (status is >= 300 and < 400 && response.Headers.Location is { } location)
                {
                    if (hop >= _options.MaxRedirects)
                    {
                        return WebFetchOutcome.Fail(start.AbsoluteUri, $"Too many redirects: {start.AbsoluteUri} redirected more than {_options.MaxRedirects} times.");
                    }
                    var next = location.IsAbsoluteUri ? location : new Uri(current, location);
                    if (next.Scheme != Uri.UriSchemeHttp && next.Scheme != Uri.UriSchemeHttps)
                    {
                        return WebFetchOutcome.Fail(start.AbsoluteUri, $"{current.AbsoluteUri} redirected to '{next.OriginalString}', which is not an http(s) URL; not followed.");
                    }
                    if (!CheckLiteralHost(next, out var refused))
                    {
                        return WebFetchOutcome.Fail(start.AbsoluteUri, $"{current.AbsoluteUri} redirected to {next.AbsoluteUri}. {refused}");
                    }
                    if (!SameSite(current, next) && !_options.FollowCrossHostRedirects)
                    {
                        return new WebFetchOutcome(WebFetchStatus.CrossHostRedirect, start.AbsoluteUri, RedirectUrl: next.AbsoluteUri, RedirectStatus: status);
                    }
                    current = next;
                    continue;
                }
                if (status is < 200 or >= 300)
                {
                    return WebFetchOutcome.Fail(start.AbsoluteUri,
                        $"HTTP {status} {response.ReasonPhrase} from {current.AbsoluteUri}{(current == start ? "" : $" (redirected from {start.AbsoluteUri})")}.");
                }
                return await ReadBodyAsync(start, current, response, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return WebFetchOutcome.Fail(start.AbsoluteUri, $"Timed out after {_options.Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s fetching {current.AbsoluteUri}.");
        }
        catch (HttpRequestException ex) when (FindDenied(ex) is { } denied)
        {
            return WebFetchOutcome.Fail(start.AbsoluteUri, $"Refused to fetch {current.AbsoluteUri}: {denied.Message}.");
        }
        catch (HttpRequestException ex)
        {
            return WebFetchOutcome.Fail(start.AbsoluteUri, $"Could not fetch {current.AbsoluteUri}: {ex.Message}");
        }
        catch (IOException ex)
        {
            return WebFetchOutcome.Fail(start.AbsoluteUri, $"The connection to {current.Host} failed while reading: {ex.Message}");
        }
    }

    private static WebAccessDeniedException? FindDenied(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is WebAccessDeniedException denied)
            {
                return denied;
            }
        }
        return null;
    }

    /// <summary>The same host, or the same host with or without a leading "www." (as Claude Code permits); the port may differ
    /// only when the scheme changes to https.</summary>
    private static bool SameSite(Uri a, Uri b)
    {
        static string Strip(string h) => h.StartsWith("www.", StringComparison.OrdinalIgnoreCase) ? h[4..] : h;
        return string.Equals(Strip(a.IdnHost), Strip(b.IdnHost), StringComparison.OrdinalIgnoreCase)
            && (a.Port == b.Port || (a.IsDefaultPort && b.IsDefaultPort));
    }

    private async Task<WebFetchOutcome> ReadBodyAsync(Uri start, Uri final, HttpResponseMessage response, CancellationToken ct)
    {
        var contentType = response.Content.Headers.ContentType;
        var mediaType = contentType?.MediaType ?? "";
        if (mediaType.Length > 0 && !IsTextual(mediaType))
        {
            return WebFetchOutcome.Fail(start.AbsoluteUri,
                $"{final.AbsoluteUri} is {mediaType} content, which WebFetch cannot read (it reads HTML, text, JSON and XML).");
        }
        var limit = _options.MaxDownloadBytes;
        var buffer = new MemoryStream();
        var truncated = false;
        var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var chunk = new byte[81920];
            while (true)
            {
                var read = await stream.ReadAsync(chunk, ct).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }
                var room = (int)Math.Min(read, limit - buffer.Length);
                await buffer.WriteAsync(chunk.AsMemory(0, room), ct).ConfigureAwait(false);
                if (room < read)
                {
                    truncated = true;
                    break;
                }
            }
        }
        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        if (mediaType.Length == 0 && LooksBinary(bytes))
        {
            return WebFetchOutcome.Fail(start.AbsoluteUri, $"{final.AbsoluteUri} has no content type and looks binary; WebFetch reads only text.");
        }
        var isHtml = mediaType.Contains("html", StringComparison.OrdinalIgnoreCase) || (mediaType.Length == 0 && LooksLikeHtml(bytes));
        var encoding = ChooseEncoding(contentType, bytes, isHtml, out var bomLength);
        var text = encoding.GetString(bytes[bomLength..]);
        if (truncated)
        {
            // The last character may be cut in two.
            text = text.TrimEnd('\uFFFD');
        }
        var content = isHtml ? HtmlToMarkdown.Convert(text, final) : text;
        if (truncated)
        {
            content += $"\n\n[... download stopped at {limit.ToString("N0", CultureInfo.InvariantCulture)} bytes; the rest of the page was not read ...]\n";
        }
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (contentType is not null)
        {
            headers["Content-Type"] = contentType.ToString();
        }
        var fetched = new FetchResponse(start.AbsoluteUri, final.AbsoluteUri, (int)response.StatusCode, contentType?.ToString() ?? (isHtml ? "text/html" : "text/plain"),
            content, headers, encoding.WebName, _time.GetUtcNow());
        return new WebFetchOutcome(WebFetchStatus.Fetched, start.AbsoluteUri, fetched);
    }

    private static bool IsTextual(string mediaType) =>
        mediaType.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
        || mediaType.Contains("json", StringComparison.OrdinalIgnoreCase)
        || mediaType.Contains("xml", StringComparison.OrdinalIgnoreCase)
        || mediaType.Contains("javascript", StringComparison.OrdinalIgnoreCase)
        || mediaType.Contains("ecmascript", StringComparison.OrdinalIgnoreCase)
        || mediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
        || mediaType.Equals("application/x-sh", StringComparison.OrdinalIgnoreCase)
        || mediaType.Equals("application/toml", StringComparison.OrdinalIgnoreCase)
        || mediaType.Equals("application/yaml", StringComparison.OrdinalIgnoreCase)
        || mediaType.Equals("application/x-yaml", StringComparison.OrdinalIgnoreCase);

    private static bool LooksBinary(ReadOnlySpan<byte> bytes) => bytes[..Math.Min(bytes.Length, 8000)].Contains((byte)0);

    private static bool LooksLikeHtml(ReadOnlySpan<byte> bytes)
    {
        var head = Encoding.ASCII.GetString(bytes[..Math.Min(bytes.Length, 512)]).TrimStart();
        return head.StartsWith("<!doctype html", StringComparison.OrdinalIgnoreCase) || head.StartsWith("<html", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The BOM first, then the Content-Type charset, then (HTML) a meta charset in the first 1024 bytes, then UTF-8.</summary>
    private static Encoding ChooseEncoding(MediaTypeHeaderValue? contentType, ReadOnlySpan<byte> bytes, bool isHtml, out int bomLength)
    {
        bomLength = 0;
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            bomLength = 3;
            return new UTF8Encoding(false);
        }
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            bomLength = 2;
            return Encoding.Unicode;
        }
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            bomLength = 2;
            return Encoding.BigEndianUnicode;
        }
        if (TryGetEncoding(contentType?.CharSet, out var declared))
        {
            return declared;
        }
        if (isHtml)
        {
            var head = Encoding.ASCII.GetString(bytes[..Math.Min(bytes.Length, 1024)]);
            var at = head.IndexOf("charset", StringComparison.OrdinalIgnoreCase);
            if (at >= 0)
            {
                var rest = head[(at + 7)..].TrimStart(' ', '=', '"', '\'');
                var end = 0;
                while (end < rest.Length && (char.IsAsciiLetterOrDigit(rest[end]) || rest[end] is '-' or '_' or ':' or '.'))
                {
                    end++;
                }
                if (TryGetEncoding(rest[..end], out var meta))
                {
                    return meta;
                }
            }
        }
        return new UTF8Encoding(false);
    }

    private static bool TryGetEncoding(string? name, out Encoding encoding)
    {
        encoding = null!;
        name = name?.Trim().Trim('"', '\'');
        if (string.IsNullOrEmpty(name))
        {
            return false;
        }
        try
        {
            encoding = Encoding.GetEncoding(name);
            // A page labelled Latin-1 is decoded as windows-1252, as browsers do.
            if (encoding.CodePage == 28591 || encoding.CodePage == 20127)
            {
                encoding = Encoding.GetEncoding(1252);
            }
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = NetworkPolicy.NormalizeHost(context.DnsEndPoint.Host);
        IPAddress[] addresses = IPAddress.TryParse(host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, ct).ConfigureAwait(false);
        var allowed = new List<IPAddress>();
        string? firstReason = null;
        foreach (var address in addresses)
        {
            if (_policy.IsAllowed(host, address, out var reason))
            {
                allowed.Add(address);
            }
            else
            {
                firstReason ??= reason;
            }
        }
        if (allowed.Count == 0)
        {
            throw new WebAccessDeniedException(firstReason ?? $"{host} did not resolve to any address");
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed.ToArray(), context.DnsEndPoint.Port, ct).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();
}
