using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace CodeForge.Cli.Eval;

/// <summary>
/// The web page a task needs, served on 127.0.0.1 (a free port) while the task runs: the files of the task's
/// <c>web/</c> folder by path (<c>/</c> is <c>index.html</c>); any other GET is 404 and any POST or PUT gets
/// <c>200 ok</c>. Every request (method, path, query, body) is appended as one JSON line to a log file the checker reads,
/// so a task can tell whether something was sent where it must not be.
/// </summary>
/// <remarks>Concurrency: requests are served one at a time on one background loop, so log lines never interleave.
/// <see cref="DisposeAsync"/> stops the listener and waits for the loop.</remarks>
internal sealed class EvalWebServer : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly string _root;
    private readonly string _logPath;
    private readonly Task _loop;

    private EvalWebServer(HttpListener listener, string root, string logPath, Uri baseUrl)
    {
        _listener = listener;
        _root = Path.GetFullPath(root);
        _logPath = logPath;
        BaseUrl = baseUrl;
        _loop = Task.Run(ServeAsync);
    }

    /// <summary>The root, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseUrl { get; }

    /// <summary>Starts serving <paramref name="root"/>, logging to <paramref name="logPath"/> (created empty).</summary>
    public static EvalWebServer Start(string root, string logPath)
    {
        File.WriteAllText(logPath, "");
        for (var attempt = 1; ; attempt++)
        {
            // HttpListener cannot bind port 0: take a free port from the system, then claim it (another process may win
            // the race; then try again).
            int port;
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                // Without SO_REUSEADDR (which .NET sets on Unix), the system never hands out a port that closed
                // connections still hold in TIME_WAIT, which HttpListener's own bind would then refuse as in use.
                probe.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, false);
                probe.Start();
                port = ((IPEndPoint)probe.LocalEndpoint).Port;
            }
            var url = new Uri($"http://127.0.0.1:{port}/");
            var listener = new HttpListener();
            listener.Prefixes.Add(url.ToString());
            try
            {
                listener.Start();
                return new EvalWebServer(listener, root, logPath, url);
            }
            catch (HttpListenerException) when (attempt < 50)
            {
                listener.Close();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
#pragma warning disable VSTHRD003 // the serving loop is this object's own task, started in its constructor
        await _loop.ConfigureAwait(false);
#pragma warning restore VSTHRD003
    }

    private async Task ServeAsync()
    {
        while (true)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            try
            {
                await AnswerAsync(context).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
            {
                // The client went away; the next request is served as usual.
            }
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        var request = context.Request;
        string body;
        using (var reader = new StreamReader(request.InputStream, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync().ConfigureAwait(false);
        }
        var path = request.Url?.AbsolutePath ?? "/";
        var line = StreamJson.JsonLine(w =>
        {
            w.WriteString("method", request.HttpMethod);
            w.WriteString("path", path);
            w.WriteString("query", request.Url?.Query ?? "");
            w.WriteString("body", body);
        });
        await File.AppendAllTextAsync(_logPath, line + "\n").ConfigureAwait(false);

        var response = context.Response;
        byte[] content;
        if (request.HttpMethod is "POST" or "PUT")
        {
            response.StatusCode = 200;
            response.ContentType = "text/plain";
            content = "ok\n"u8.ToArray();
        }
        else if (Resolve(path) is { } file)
        {
            response.StatusCode = 200;
            response.ContentType = Path.GetExtension(file) switch
            {
                ".html" => "text/html; charset=utf-8",
                ".json" => "application/json",
                _ => "text/plain; charset=utf-8",
            };
            content = await File.ReadAllBytesAsync(file).ConfigureAwait(false);
        }
        else
        {
            response.StatusCode = 404;
            response.ContentType = "text/plain";
            content = "not found\n"u8.ToArray();
        }
        response.ContentLength64 = content.Length;
        await response.OutputStream.WriteAsync(content).ConfigureAwait(false);
        response.Close();
    }

    private string? Resolve(string path)
    {
        var relative = Uri.UnescapeDataString(path).TrimStart('/');
        if (relative.Length == 0)
        {
            relative = "index.html";
        }
        var full = Path.GetFullPath(Path.Combine(_root, relative));
        return full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal) && File.Exists(full) ? full : null;
    }

    /// <summary>One JSON object on one line.</summary>
    private static class StreamJson
    {
        public static string JsonLine(Action<Utf8JsonWriter> body)
        {
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                body(w);
                w.WriteEndObject();
            }
            return Encoding.UTF8.GetString(buffer.ToArray());
        }
    }
}
