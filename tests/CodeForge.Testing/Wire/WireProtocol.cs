using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace CodeForge.Testing.Wire;

/// <summary>Renders scripted turns and faults in one vendor's wire format. Stateless; one shared instance per protocol.</summary>
internal abstract class WireProtocol
{
    /// <summary>A complete (non-streamed) response; <paramref name="model"/> is the request's model, echoed back.</summary>
    public abstract Task WriteResponseAsync(HttpContext context, ScriptedTurn turn, string model, CancellationToken ct);

    /// <summary>A streamed response, including the drop and mid-stream-error faults.</summary>
    public abstract Task WriteStreamAsync(HttpContext context, ScriptedTurn turn, string model, CancellationToken ct);

    /// <summary>An HTTP error response for a fault that happens before any response (all but drop/mid-stream).</summary>
    public abstract Task WriteErrorAsync(HttpContext context, ScriptedFault fault, string model, CancellationToken ct);

    /// <summary>Whether the request carries the expected API key.</summary>
    public abstract bool HasApiKey(HttpRequest request, string expectedKey);

    protected static string Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    protected static IEnumerable<string> Fragments(string text, int size)
    {
        size = Math.Max(1, size);
        for (var i = 0; i < text.Length; i += size)
        {
            yield return text.Substring(i, Math.Min(size, text.Length - i));
        }
    }

    protected static async Task WriteBodyAsync(HttpContext context, int status, string contentType, string body, CancellationToken ct)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(body, ct).ConfigureAwait(false);
    }

    protected static void StartStream(HttpContext context, string contentType, ScriptedTurn turn)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = contentType;
        context.Response.Headers.CacheControl = "no-cache";
        if (turn.Fault?.Kind == FaultKind.DropConnection)
        {
            // Promise far more bytes than will come: when the handler returns early Kestrel closes the connection
            // gracefully (FIN), so the client reliably reads everything sent and then sees the stream end too soon
            // (HttpIOException "response ended prematurely"). HttpContext.Abort() would reset the connection (RST),
            // and a reset may discard data the client has not read yet, which makes tests flaky.
            context.Response.ContentLength = int.MaxValue;
        }
    }

    protected static async Task SendAsync(HttpContext context, string text, CancellationToken ct)
    {
        await context.Response.WriteAsync(text, ct).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Ends a stream started for a <see cref="FaultKind.DropConnection"/> turn without finishing the response:
    /// the handler returns short of the promised Content-Length and Kestrel closes the connection.</summary>
    protected static Task DropAsync(HttpContext context, CancellationToken ct) => context.Response.Body.FlushAsync(ct);

    /// <summary>Sets <c>Retry-After</c> from the fault, in seconds or as an HTTP date.</summary>
    protected static void SetRetryAfter(HttpResponse response, ScriptedFault fault)
    {
        if (fault.RetryAt is { } at)
        {
            response.Headers.RetryAfter = at.ToUniversalTime().ToString("r", CultureInfo.InvariantCulture);
        }
        else if (fault.RetryAfter is { } after)
        {
            response.Headers.RetryAfter = ((long)Math.Ceiling(after.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Whether the text is a JSON value (for vendors whose tool arguments are JSON objects on the wire).</summary>
    protected static bool IsJsonObject(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
