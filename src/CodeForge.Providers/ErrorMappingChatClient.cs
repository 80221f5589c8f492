using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using CodeForge.Providers.AnthropicMessages;
using CodeForge.Providers.Http;
using CodeForge.Providers.OpenAIChat;
using Microsoft.Extensions.AI;
using OllamaSharp.Models.Exceptions;

namespace CodeForge.Providers;

/// <summary>
/// Turns whatever a vendor client throws (HTTP error responses, the OpenAI and Anthropic clients' stream errors, OllamaSharp and
/// <c>HttpClient</c> exceptions, I/O errors) into a <see cref="ProviderException"/> with a <see cref="ProviderErrorKind"/>
/// and a one-line message that names the provider, the cause and what to set or do.
/// </summary>
/// <remarks>
/// <para>It also treats a stream that ends without a finish reason as an error (<see cref="ProviderErrorKind.ServerUnavailable"/>,
/// transient): the Ollama client ends quietly when the server puts an error event in the stream, the built-in OpenAI
/// clients end without a final update when the stream stops short, and the caller would otherwise take a half answer
/// for a whole one.</para>
/// <para>Cancellation requested through the caller's token passes through unchanged, as do exceptions it does not
/// recognise (programming errors stay visible). Concurrency: stateless per call; safe for concurrent calls as far as
/// the inner client is.</para>
/// </remarks>
public sealed class ErrorMappingChatClient : DelegatingChatClient
{
    private const int MaxDetailChars = 300;

    private readonly ProviderConfig _config;
    private readonly TimeProvider _timeProvider;

    /// <summary>Wraps <paramref name="innerClient"/>; <paramref name="config"/> supplies the names used in messages,
    /// <paramref name="timeProvider"/> the clock for <c>Retry-After</c> dates.</summary>
    public ErrorMappingChatClient(IChatClient innerClient, ProviderConfig config, TimeProvider? timeProvider = null)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(config);
        _config = config;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        try
        {
            return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (Map(e, cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        IAsyncEnumerator<ChatResponseUpdate> updates;
        try
        {
            updates = base.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        }
        catch (Exception e) when (Map(e, cancellationToken) is { } mapped)
        {
            throw mapped;
        }

        await using (updates.ConfigureAwait(false))
        {
            var finished = false;
            while (true)
            {
                ChatResponseUpdate update;
                try
                {
                    if (!await updates.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }
                    update = updates.Current;
                }
                catch (Exception e) when (Map(e, cancellationToken) is { } mapped)
                {
                    throw mapped;
                }
                finished |= update.FinishReason is not null;
                yield return update;
            }
            if (!finished)
            {
                throw new ProviderException(ProviderErrorKind.ServerUnavailable,
                    $"{_config.DisplayName} ended the response before the model finished (no finish reason in the stream): try again.",
                    isTransient: true);
            }
        }
    }

    /// <summary>The provider error for <paramref name="error"/>, or null to let it pass unchanged.</summary>
    internal ProviderException? Map(Exception error, CancellationToken cancellationToken)
    {
        if (error is ProviderException || (error is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            return null;
        }
        if (Find<ProviderHttpException>(error) is { } http)
        {
            return FromStatus((int)http.StatusCode!.Value, http.Body, RetryAfter(http.RetryAfterHeader, http.RetryAfterMsHeader), error);
        }
        if (Find<OpenAIStreamErrorException>(error) is { } streamed)
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteStartObject("error");
                writer.WriteString("message", streamed.ErrorMessage);
                writer.WriteString("code", streamed.Code);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }
            var body = Encoding.UTF8.GetString(buffer.WrittenSpan);
            return FromStatus(StatusOfOpenAIErrorCode(streamed.Code), body, null, error);
        }
        if (Find<AnthropicStreamErrorException>(error) is { } streamError)
        {
            return FromStatus(StatusOfAnthropicError(streamError.ErrorType), streamError.Body, null, error);
        }
        if (Find<HttpRequestException>(error) is { StatusCode: { } code })
        {
            return FromStatus((int)code, "", null, error);
        }
        if (Find<OllamaException>(error) is { } ollama)
        {
            return FromOllamaMessage(ollama.Message, error);
        }
        if (Find<TimeoutException>(error) is not null || error is OperationCanceledException)
        {
            return new ProviderException(ProviderErrorKind.Network,
                $"{_config.DisplayName} did not answer in time ({OneLine(Innermost(error).Message)}): try again, or check {_config.BaseUrlVariable}.",
                isTransient: true, innerException: error);
        }
        if (Find<JsonException>(error) is { } json)
        {
            return InvalidResponse(json, error);
        }
        if (Find<HttpRequestException>(error) is { } request && IsConnectFailure(request))
        {
            return Unreachable(request, error);
        }
        if (Find<SocketException>(error) is { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostNotFound or SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.TryAgain } socket)
        {
            return Unreachable(socket, error);
        }
        if (Find<HttpRequestException>(error) is not null || Find<IOException>(error) is not null || Find<SocketException>(error) is not null)
        {
            return new ProviderException(ProviderErrorKind.Network,
                $"The connection to {_config.DisplayName} dropped mid-response ({OneLine(Innermost(error).Message)}): try again.",
                isTransient: true, innerException: error);
        }
        return null;
    }

    /// <summary>The HTTP status an OpenAI error code in a Responses stream stands for (the stream itself was 200).</summary>
    private static int StatusOfOpenAIErrorCode(string? code) => code switch
    {
        "rate_limit_exceeded" => 429,
        "insufficient_quota" => 429,
        "server_error" or "internal_error" or "server_is_overloaded" or "slow_down" or "api_error" => 500,
        "invalid_api_key" => 401,
        "model_not_found" => 404,
        _ => 400,
    };

    /// <summary>The HTTP status an Anthropic error type stands for (an in-stream error has no status of its own).</summary>
    private static int StatusOfAnthropicError(string? type) => type switch
    {
        "rate_limit_error" => 429,
        "overloaded_error" => 529,
        "api_error" => 500,
        "authentication_error" => 401,
        "permission_error" => 403,
        "not_found_error" => 404,
        _ => 400,
    };

    private ProviderException FromStatus(int status, string? body, TimeSpan? retryAfter, Exception inner)
    {
        var (message, type, code) = ParseBody(body);
        var errorCode = code ?? type;
        var detail = Detail(status, errorCode, message);
        var name = _config.DisplayName;
        var model = _config.Model;
        ProviderException Make(ProviderErrorKind kind, string text, bool transient) =>
            new(kind, text, transient, status, retryAfter, errorCode, inner);

        switch (status)
        {
            case 401:
                return _config.ApiKey is null && _config.ApiKeyVariable is { } wanted
                    ? Make(ProviderErrorKind.AuthenticationFailed, $"{name} requires an API key {detail}: set {wanted}.", false)
                    : Make(ProviderErrorKind.AuthenticationFailed,
                        $"{name} rejected the API key {detail}: check {_config.ApiKeyVariable ?? "the server's authentication settings"}.", false);
            case 403:
                return Make(ProviderErrorKind.AuthenticationFailed, _config.ApiKeyVariable is { } keyVariable
                    ? $"{name} refused access {detail}: check that the key in {keyVariable} may use model '{model}'."
                    : $"{name} refused access {detail}: check that the server lets you use model '{model}'.", false);
            case 404 when _config.Kind == ProviderKind.Ollama || code == "model_not_found" || type == "not_found_error" ||
                          (message?.Contains("model", StringComparison.OrdinalIgnoreCase) ?? false):
                return _config.Kind == ProviderKind.Ollama
                    ? Make(ProviderErrorKind.ModelNotFound,
                        $"Ollama has no model '{model}' {detail}: run `ollama pull {model}`, or choose another with --model or FORGE_MODEL.", false)
                    : Make(ProviderErrorKind.ModelNotFound,
                        $"{name} has no model '{model}' {detail}: choose another with --model or FORGE_MODEL.", false);
            case 404:
                return Make(ProviderErrorKind.BadRequest,
                    $"{name} answered 404 Not Found at {_config.BaseUrl} {detail}: check {_config.BaseUrlVariable} (OpenAI-style servers usually end in /v1) and the model '{model}'.", false);
            case 408:
                return Make(ProviderErrorKind.Network, $"{name} timed out waiting for the request {detail}: try again.", true);
            case 413:
                return Make(ProviderErrorKind.ContextTooLong, ContextMessage(detail), false);
            case 429 when code == "insufficient_quota":
                return Make(ProviderErrorKind.RateLimited,
                    $"{name} reports no quota left for this key {detail}: check the plan and billing of the account behind {_config.ApiKeyVariable}.", false);
            case 429:
                var wait = retryAfter is { } after ? $" (the server asked to wait {Format(after)})" : "";
                return Make(ProviderErrorKind.RateLimited, $"{name} rate limit reached {detail}: wait a minute and try again{wait}.", true);
            case >= 500:
                return Make(ProviderErrorKind.ServerUnavailable, $"{name} is unavailable {detail}: try again in a few minutes.", true);
            default:
                return IsContextLength(message, code)
                    ? Make(ProviderErrorKind.ContextTooLong, ContextMessage(detail), false)
                    : Make(ProviderErrorKind.BadRequest, $"{name} rejected the request {detail}.", false);
        }
    }

    private ProviderException FromOllamaMessage(string message, Exception inner)
    {
        var detail = $"({OneLine(message)})";
        if (IsContextLength(message, null))
        {
            return new ProviderException(ProviderErrorKind.ContextTooLong, ContextMessage(detail), false, innerException: inner);
        }
        if (message.Contains("busy", StringComparison.OrdinalIgnoreCase) || message.Contains("overloaded", StringComparison.OrdinalIgnoreCase))
        {
            return new ProviderException(ProviderErrorKind.ServerUnavailable, $"Ollama is busy {detail}: try again in a moment.", true, innerException: inner);
        }
        if (message.Contains("not found", StringComparison.OrdinalIgnoreCase))
        {
            return new ProviderException(ProviderErrorKind.ModelNotFound,
                $"Ollama has no model '{_config.Model}' {detail}: run `ollama pull {_config.Model}`, or choose another with --model or FORGE_MODEL.", false, innerException: inner);
        }
        return new ProviderException(ProviderErrorKind.BadRequest, $"Ollama rejected the request {detail}.", false, innerException: inner);
    }

    private string ContextMessage(string detail)
    {
        var window = _config.ModelInfo?.ContextWindow is { } tokens
            ? string.Create(CultureInfo.InvariantCulture, $" ({tokens:N0}-token context window)")
            : "";
        return $"The conversation is too long for '{_config.Model}'{window} {detail}: run /compact or start a new session.";
    }

    private ProviderException Unreachable(Exception cause, Exception inner)
    {
        var reason = OneLine(Innermost(cause).Message);
        var text = _config.Kind == ProviderKind.Ollama
            ? $"Cannot reach Ollama at {_config.BaseUrl} ({reason}): start it with `ollama serve`, or set OLLAMA_HOST to where it runs."
            : $"Cannot reach {_config.DisplayName} at {_config.BaseUrl} ({reason}): check the network connection and {_config.BaseUrlVariable}.";
        return new ProviderException(ProviderErrorKind.Network, text, isTransient: true, innerException: inner);
    }

    private ProviderException InvalidResponse(Exception cause, Exception inner) =>
        new(ProviderErrorKind.InvalidResponse,
            $"{_config.DisplayName} sent a response that could not be read ({OneLine(cause.Message)}): check that {_config.BaseUrlVariable} points at an {Protocol()} server.",
            isTransient: false, innerException: inner);

    private string Protocol() => _config.Kind switch
    {
        ProviderKind.Anthropic => "Anthropic Messages API",
        ProviderKind.Ollama => "Ollama",
        _ when OpenAIApis.UsesResponses(_config) => "OpenAI Responses API",
        _ => "OpenAI Chat Completions",
    };

    private TimeSpan? RetryAfter(string? seconds, string? milliseconds)
    {
        if (milliseconds is not null && double.TryParse(milliseconds, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && ms >= 0)
        {
            return TimeSpan.FromMilliseconds(ms);
        }
        if (seconds is null)
        {
            return null;
        }
        if (double.TryParse(seconds, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s >= 0)
        {
            return TimeSpan.FromSeconds(s);
        }
        if (DateTimeOffset.TryParseExact(seconds.Trim(), "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            var delay = at - _timeProvider.GetUtcNow();
            return delay > TimeSpan.Zero ? delay : TimeSpan.Zero;
        }
        return null;
    }

    /// <summary>Reads the vendor's error JSON: OpenAI <c>{"error":{"message","type","code"}}</c>, Anthropic
    /// <c>{"type":"error","error":{"type","message"}}</c>, Ollama <c>{"error":"…"}</c>; otherwise the text itself.</summary>
    internal static (string? Message, string? Type, string? Code) ParseBody(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return (null, null, null);
        }
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var error))
            {
                if (error.ValueKind == JsonValueKind.String)
                {
                    return (error.GetString(), null, null);
                }
                if (error.ValueKind == JsonValueKind.Object)
                {
                    return (Str(error, "message"), Str(error, "type"), Str(error, "code"));
                }
            }
            if (root.ValueKind == JsonValueKind.Object && Str(root, "message") is { } plain)
            {
                return (plain, Str(root, "type"), Str(root, "code"));
            }
        }
        catch (JsonException)
        {
        }
        return (body, null, null);

        static string? Str(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) ? v.ValueKind switch
            {
                JsonValueKind.String => v.GetString(),
                JsonValueKind.Number => v.GetRawText(),
                _ => null,
            } : null;
    }

    private static bool IsContextLength(string? message, string? code)
    {
        if (code is "context_length_exceeded" or "string_above_max_length")
        {
            return true;
        }
        if (message is null)
        {
            return false;
        }
        ReadOnlySpan<string> phrases =
        [
            "context length", "context_length", "context window", "prompt is too long", "maximum context",
            "too many tokens", "input length exceeds", "reduce the length",
        ];
        foreach (var phrase in phrases)
        {
            if (message.Contains(phrase, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    private static string Detail(int status, string? code, string? message)
    {
        var text = new StringBuilder().Append("(HTTP ").Append(status.ToString(CultureInfo.InvariantCulture));
        if (code is not null)
        {
            text.Append(' ').Append(code);
        }
        if (!string.IsNullOrWhiteSpace(message))
        {
            text.Append(": ").Append(OneLine(message));
        }
        return text.Append(')').ToString();
    }

    private static bool IsConnectFailure(HttpRequestException e) =>
        e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or
            HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError;

    private static string OneLine(string text)
    {
        var single = string.Join(' ', text.Split((char[])['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return single.Length <= MaxDetailChars ? single : string.Concat(single.AsSpan(0, MaxDetailChars), "…");
    }

    private static string Format(TimeSpan delay) => delay.TotalSeconds < 90
        ? string.Create(CultureInfo.InvariantCulture, $"{Math.Ceiling(delay.TotalSeconds):0}s")
        : string.Create(CultureInfo.InvariantCulture, $"{Math.Ceiling(delay.TotalMinutes):0}min");

    private static T? Find<T>(Exception error) where T : Exception
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            if (e is T match)
            {
                return match;
            }
            if (e is AggregateException { InnerExceptions.Count: 1 } aggregate && aggregate.InnerExceptions[0] is T inner)
            {
                return inner;
            }
        }
        return null;
    }

    private static Exception Innermost(Exception error)
    {
        var e = error;
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }
        return e;
    }
}
