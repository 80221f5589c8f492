using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using CodeForge.Cli.Headless;

namespace CodeForge.Cli.StreamJson;

/// <summary>The SDK answered a request of forge's with an error, or could not answer it (stdin closed).</summary>
internal sealed class ControlRequestFailedException(string message) : Exception(message);

/// <summary>
/// The control half of the stream-json protocol on stdout: writes whole JSON lines (events, control responses, control
/// requests), and keeps the table of forge's own requests to the SDK (<c>can_use_tool</c>, <c>hook_callback</c>,
/// <c>mcp_message</c>) until their <c>control_response</c> arrives.
/// </summary>
/// <remarks>
/// Thread-safe. Lines are written one at a time under one lock, so events of a turn, answers to the SDK's requests and
/// forge's own requests (from parallel tool calls) never interleave within a line. The pending table is a concurrent
/// dictionary: <see cref="RequestAsync"/> adds before it writes, <see cref="Complete"/> removes exactly once, so a
/// response completes at most one waiter; a response whose id is not pending is ignored (noted on stderr with
/// <c>--debug</c>). After <see cref="Close"/> (stdin ended) every pending and every later request fails at once, so no
/// caller waits for an answer that cannot come.
/// </remarks>
internal sealed class ControlChannel(TextWriter stdout, TextWriter stderr, bool debug)
{
    private readonly object _writeGate = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JsonElement>> _pending = new(StringComparer.Ordinal);
    private long _nextId;
    private volatile string? _closedReason;

    /// <summary>How many of forge's requests wait for an answer.</summary>
    public int PendingCount => _pending.Count;

    /// <summary>Writes one JSON object as one line.</summary>
    public void WriteLine(Action<Utf8JsonWriter> body) => WriteRaw(StreamJsonWriter.ToJson(body));

    public void WriteRaw(string line)
    {
        lock (_writeGate)
        {
            stdout.WriteLine(line);
            stdout.Flush();
        }
    }

    /// <summary>A success answer to the SDK's request <paramref name="requestId"/>.</summary>
    public void RespondSuccess(string requestId, Action<Utf8JsonWriter>? response = null) => WriteLine(w =>
    {
        w.WriteString("type", "control_response");
        w.WriteStartObject("response");
        w.WriteString("subtype", "success");
        w.WriteString("request_id", requestId);
        w.WriteStartObject("response");
        response?.Invoke(w);
        w.WriteEndObject();
        w.WriteEndObject();
    });

    /// <summary>An error answer to the SDK's request <paramref name="requestId"/>.</summary>
    public void RespondError(string requestId, string error) => WriteLine(w =>
    {
        w.WriteString("type", "control_response");
        w.WriteStartObject("response");
        w.WriteString("subtype", "error");
        w.WriteString("request_id", requestId);
        w.WriteString("error", error);
        w.WriteEndObject();
    });

    /// <summary>Sends a request to the SDK and waits for its answer (the <c>response</c> object of a success).</summary>
    /// <exception cref="ControlRequestFailedException">The SDK answered with an error, or stdin closed before it answered.</exception>
    public async Task<JsonElement> RequestAsync(string subtype, Action<Utf8JsonWriter> body, CancellationToken ct)
    {
        var id = string.Create(CultureInfo.InvariantCulture, $"req_{Interlocked.Increment(ref _nextId)}_{Guid.NewGuid().ToString("N")[..8]}");
        var waiter = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = waiter;
        // Close may have run between the check a caller could make and the add above: check after adding.
        if (_closedReason is { } closed && _pending.TryRemove(id, out _))
        {
            throw new ControlRequestFailedException($"cannot ask the SDK ({subtype}): {closed}");
        }
        WriteLine(w =>
        {
            w.WriteString("type", "control_request");
            w.WriteString("request_id", id);
            w.WriteStartObject("request");
            w.WriteString("subtype", subtype);
            body(w);
            w.WriteEndObject();
        });
        try
        {
            return await waiter.Task.WaitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            if (_pending.TryRemove(id, out _))
            {
                WriteLine(w =>
                {
                    w.WriteString("type", "control_cancel_request");
                    w.WriteString("request_id", id);
                });
            }
            throw;
        }
    }

    /// <summary>Hands the SDK's answer to the waiting request; an answer for an id nobody waits for is ignored.</summary>
    /// <returns>True when a request was waiting for it.</returns>
    public bool Complete(ControlResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (!_pending.TryRemove(response.RequestId, out var waiter))
        {
            Debug($"control_response for unknown request id '{response.RequestId}' ignored");
            return false;
        }
        if (response.Success)
        {
            waiter.TrySetResult(response.Response);
        }
        else
        {
            waiter.TrySetException(new ControlRequestFailedException(response.Error ?? "the SDK answered with an error"));
        }
        return true;
    }

    /// <summary>stdin ended: fails every pending request and every later one with <paramref name="reason"/>.</summary>
    public void Close(string reason)
    {
        _closedReason = reason;
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var waiter))
            {
                waiter.TrySetException(new ControlRequestFailedException(reason));
            }
        }
    }

    /// <summary>A diagnostic line on stderr, only with <c>--debug</c>.</summary>
    public void Debug(string message)
    {
        if (debug)
        {
            lock (_writeGate)
            {
                stderr.WriteLine($"forge: debug: {message}");
                stderr.Flush();
            }
        }
    }
}
