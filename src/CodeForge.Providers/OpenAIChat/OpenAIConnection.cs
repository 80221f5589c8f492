using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.AI;

namespace CodeForge.Providers.OpenAIChat;

/// <summary>What an OpenAI wire client (<see cref="OpenAIChatClient"/>, <see cref="OpenAIResponses.OpenAIResponsesClient"/>)
/// is configured with: the HTTP client, its endpoint and key, the model, prompt caching and reasoning; and the request
/// it sends with them.</summary>
/// <remarks>Immutable after construction, so thread-safe (the <see cref="HttpClient"/> is thread-safe). It does not own
/// the <see cref="HttpClient"/>.</remarks>
internal sealed class OpenAIConnection
{
    /// <summary>Checks and keeps the settings; <paramref name="path"/> is appended to <paramref name="baseUrl"/> (the API
    /// root including <c>/v1</c>). <paramref name="apiKey"/> null sends no <c>Authorization</c> header.</summary>
    public OpenAIConnection(HttpClient http, Uri baseUrl, string path, string? apiKey, string model,
        bool promptCaching, string? promptCacheKey, ReasoningConfig? reasoning)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(baseUrl);
        ArgumentException.ThrowIfNullOrEmpty(model);
        Http = http;
        Endpoint = OpenAIShared.Endpoint(baseUrl, path);
        ApiKey = apiKey;
        Model = model;
        PromptCaching = promptCaching;
        PromptCacheKey = promptCacheKey;
        Reasoning = reasoning;
        Metadata = new ChatClientMetadata("openai", baseUrl, model);
    }

    public HttpClient Http { get; }

    public Uri Endpoint { get; }

    public string? ApiKey { get; }

    /// <summary>The model used when a request names none.</summary>
    public string Model { get; }

    public bool PromptCaching { get; }

    /// <summary>The configured <c>prompt_cache_key</c> (a request's own wins).</summary>
    public string? PromptCacheKey { get; }

    public ReasoningConfig? Reasoning { get; }

    public ChatClientMetadata Metadata { get; }

    /// <summary>The <c>prompt_cache_key</c> of a request with <paramref name="options"/> (see
    /// <see cref="OpenAIShared.PromptCacheKey"/>).</summary>
    public string? PromptCacheKeyFor(ChatOptions? options) => OpenAIShared.PromptCacheKey(options, PromptCaching, PromptCacheKey);

    /// <summary>POSTs the JSON <paramref name="body"/> to the endpoint and returns the response (see
    /// <see cref="OpenAIShared.SendAsync"/>: an error status throws); the caller disposes it.</summary>
    public async Task<HttpResponseMessage> SendAsync(byte[] body, bool stream, CancellationToken cancellationToken)
    {
        using var request = OpenAIShared.CreateRequest(Endpoint, ApiKey, body, stream);
        return await OpenAIShared.SendAsync(Http, request, stream, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends a non-streamed request and reads its whole JSON body as <typeparamref name="T"/>; a JSON null body
    /// fails with a message that names what was <paramref name="expected"/>.</summary>
    public async Task<T> GetAsync<T>(byte[] body, JsonTypeInfo<T> typeInfo, string expected, CancellationToken cancellationToken)
        where T : class
    {
        using var response = await SendAsync(body, stream: false, cancellationToken).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            return await JsonSerializer.DeserializeAsync(stream, typeInfo, cancellationToken).ConfigureAwait(false)
                ?? throw new JsonException($"The response body was JSON null, not {expected}.");
        }
    }

    /// <summary>Sends a streamed request and reads its server-sent events in order: each one's type and its data parsed
    /// as <typeparamref name="T"/> (a malformed one fails, see <see cref="OpenAIShared.ParseEvent"/>); events without
    /// data are skipped, and <c>data: [DONE]</c> comes as a null event.</summary>
    public async IAsyncEnumerable<(string EventType, T? Event)> StreamAsync<T>(byte[] body, JsonTypeInfo<T> typeInfo,
        [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : class
    {
        using var response = await SendAsync(body, stream: true, cancellationToken).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            await foreach (var item in SseParser.Create(stream).EnumerateAsync(cancellationToken).ConfigureAwait(false))
            {
                if (string.IsNullOrWhiteSpace(item.Data))
                {
                    continue;
                }
                yield return (item.EventType, item.Data.AsSpan().Trim().SequenceEqual("[DONE]")
                    ? null
                    : OpenAIShared.ParseEvent(item.Data, item.EventType, typeInfo));
            }
        }
    }
}
