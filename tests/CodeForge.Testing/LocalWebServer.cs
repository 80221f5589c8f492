using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CodeForge.Testing;

/// <summary>A request a <see cref="LocalWebServer"/> received.</summary>
public sealed record LocalWebRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers);

/// <summary>
/// A small static web server on 127.0.0.1 (a free port) for the web tools' tests: map a path to a body, a redirect, a
/// slow answer or any handler; it counts and records every request.
/// </summary>
/// <remarks>Concurrency: routes may be added while requests are served (a concurrent map); recording is atomic (a lock);
/// <see cref="Requests"/> is a snapshot. <see cref="DisposeAsync"/> releases every handler still waiting in
/// <see cref="MapHanging"/> and stops the server.</remarks>
public sealed class LocalWebServer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Func<HttpContext, Task>> _routes = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private readonly List<LocalWebRequest> _requests = [];
    private readonly TaskCompletionSource _stopping = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication? _app;

    private LocalWebServer()
    {
    }

    /// <summary>The root, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>The port.</summary>
    public int Port => BaseUrl.Port;

    /// <summary>Every request so far, in arrival order.</summary>
    public IReadOnlyList<LocalWebRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Starts a server.</summary>
    public static async Task<LocalWebServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var server = new LocalWebServer();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(server.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.BaseUrl = new Uri(address.EndsWith('/') ? address : address + "/");
        server._app = app;
        return server;
    }

    /// <summary>The absolute URL of <paramref name="pathAndQuery"/> on this server.</summary>
    public string Url(string pathAndQuery) => new Uri(BaseUrl, pathAndQuery.TrimStart('/')).AbsoluteUri;

    /// <summary>How many requests reached <paramref name="path"/>.</summary>
    public int CountOf(string path)
    {
        lock (_gate)
        {
            return _requests.Count(r => r.Path == path);
        }
    }

    /// <summary>Answers <paramref name="path"/> with <paramref name="handler"/>.</summary>
    public LocalWebServer Map(string path, Func<HttpContext, Task> handler)
    {
        _routes[path] = handler;
        return this;
    }

    /// <summary>Answers <paramref name="path"/> with <paramref name="body"/> and a Content-Type (none when null).</summary>
    public LocalWebServer MapBytes(string path, string? contentType, byte[] body, int status = 200) => Map(path, async c =>
    {
        c.Response.StatusCode = status;
        if (contentType is not null)
        {
            c.Response.ContentType = contentType;
        }
        c.Response.ContentLength = body.Length;
        await c.Response.Body.WriteAsync(body, c.RequestAborted).ConfigureAwait(false);
    });

    /// <summary>Answers <paramref name="path"/> with UTF-8 <paramref name="body"/>.</summary>
    public LocalWebServer MapText(string path, string contentType, string body, int status = 200) =>
        MapBytes(path, contentType, Encoding.UTF8.GetBytes(body), status);

    /// <summary>Redirects <paramref name="path"/> to <paramref name="location"/>.</summary>
    public LocalWebServer MapRedirect(string path, string location, int status = 302) => Map(path, c =>
    {
        c.Response.StatusCode = status;
        c.Response.Headers.Location = location;
        return Task.CompletedTask;
    });

    /// <summary>Sends the headers of <paramref name="path"/>, then never finishes the body until the server stops or the
    /// client goes away (for timeouts).</summary>
    public LocalWebServer MapHanging(string path, bool sendHeaders = true) => Map(path, async c =>
    {
        if (sendHeaders)
        {
            c.Response.ContentType = "text/html";
            await c.Response.WriteAsync("<html><body><p>start", c.RequestAborted).ConfigureAwait(false);
            await c.Response.Body.FlushAsync(c.RequestAborted).ConfigureAwait(false);
        }
        try
        {
            await _stopping.Task.WaitAsync(c.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The client gave up: that is the point.
        }
    });

    private async Task HandleAsync(HttpContext context)
    {
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        lock (_gate)
        {
            _requests.Add(new LocalWebRequest(context.Request.Method, context.Request.Path.Value ?? "/", context.Request.QueryString.Value ?? "", headers));
        }
        if (_routes.TryGetValue(context.Request.Path.Value ?? "/", out var handler))
        {
            await handler(context).ConfigureAwait(false);
            return;
        }
        context.Response.StatusCode = 404;
        await context.Response.WriteAsync("not found", context.RequestAborted).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        _stopping.TrySetResult();
        if (_app is not null)
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }
}
