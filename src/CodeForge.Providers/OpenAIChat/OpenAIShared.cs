using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CodeForge.Providers.Http;
using Microsoft.Extensions.AI;

namespace CodeForge.Providers.OpenAIChat;

/// <summary>
/// An in-stream error of an OpenAI wire API: a Chat Completions <c>data: {"error":…}</c> chunk, a Responses
/// <c>event: error</c> or a <c>response.failed</c>. <see cref="ErrorMappingChatClient"/> maps it by <see cref="Code"/>.
/// </summary>
internal sealed class OpenAIStreamErrorException(string? code, string? errorMessage)
    : Exception($"OpenAI stream error {code}: {errorMessage}")
{
    public string? Code { get; } = code;

    public string? ErrorMessage { get; } = errorMessage;
}

/// <summary>What the Chat Completions and Responses clients share: the HTTP request, error responses, tool calls,
/// images, effort names and the prompt cache key (what all wire clients share is <see cref="ProviderWire"/>).</summary>
/// <remarks>Stateless; thread-safe.</remarks>
internal static class OpenAIShared
{
    /// <summary>The longest piece of a malformed event quoted in an error message.</summary>
    private const int MaxQuotedChars = 200;

    /// <summary>The endpoint <paramref name="path"/> under <paramref name="baseUrl"/> (the API root with its
    /// <c>/v1</c>, as OpenAI-compatible servers give it: <c>http://localhost:11434/v1</c>).</summary>
    public static Uri Endpoint(Uri baseUrl, string path) => new(baseUrl.ToString().TrimEnd('/') + "/" + path);

    /// <summary>A JSON POST with <c>Authorization: Bearer</c> when there is a key (a local server without one gets no
    /// header at all).</summary>
    public static HttpRequestMessage CreateRequest(Uri endpoint, string? apiKey, byte[] body, bool stream)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var message = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = content };
        if (!string.IsNullOrEmpty(apiKey))
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(stream ? "text/event-stream" : "application/json"));
        return message;
    }

    /// <summary>Sends <paramref name="request"/>; an error status becomes a <see cref="ProviderHttpException"/> with the
    /// body and retry headers (the same shape <see cref="HttpErrorCaptureHandler"/> gives, so it does not matter
    /// whether that handler is underneath).</summary>
    public static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpRequestMessage request, bool stream, CancellationToken cancellationToken)
    {
        var response = await http.SendAsync(request, stream ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead,
            cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await HttpErrorCaptureHandler.ToExceptionAsync(response, cancellationToken).ConfigureAwait(false);
        }
        return response;
    }

    /// <summary>Parses one streamed event's JSON; a malformed one fails with a message that names the event and quotes it.</summary>
    public static T ParseEvent<T>(string data, string? eventType, JsonTypeInfo<T> typeInfo) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(data, typeInfo) ?? throw new JsonException("it is JSON null");
        }
        catch (JsonException e)
        {
            var quoted = data.Length <= MaxQuotedChars ? data : string.Concat(data.AsSpan(0, MaxQuotedChars), "…");
            var name = string.IsNullOrEmpty(eventType) || eventType == "message" ? "a streamed event" : $"the streamed '{eventType}' event";
            throw new JsonException($"{name} is not valid JSON ({e.Message}): {quoted}", e);
        }
    }

    /// <summary>A tool call whose arguments are the JSON text <paramref name="json"/>; arguments that are not a JSON
    /// object give a call whose <see cref="FunctionCallContent.Exception"/> says why, so the agent can tell the model.</summary>
    public static FunctionCallContent ToolCall(string id, string name, string? json) =>
        FunctionCallContent.CreateFromParsedArguments(string.IsNullOrWhiteSpace(json) ? "{}" : json, id, name,
            static text => JsonSerializer.Deserialize(text, OpenAIChatJsonContext.Default.DictionaryStringObject)
                ?? throw new JsonException("The arguments are JSON null, not an object."));

    /// <summary>The image URL a content stands for (a <c>data:</c> URI for bytes), or null when it is not an image.</summary>
    public static string? ImageUrl(AIContent content) => content switch
    {
        DataContent data when data.HasTopLevelMediaType("image") => data.Uri,
        UriContent uri when uri.HasTopLevelMediaType("image") => uri.Uri.AbsoluteUri,
        _ => null,
    };

    /// <summary>The <c>tool_choice</c> of a tool mode: <c>none</c>, <c>auto</c>, <c>required</c>, or for a required
    /// function the API's own object for it (<paramref name="named"/>); null for no mode.</summary>
    public static JsonElement? ToolChoice(ChatToolMode? mode, Func<string, JsonElement> named) => mode switch
    {
        NoneChatToolMode => StringElement("none"),
        AutoChatToolMode => StringElement("auto"),
        RequiredChatToolMode { RequiredFunctionName: { } name } => named(name),
        RequiredChatToolMode => StringElement("required"),
        _ => null,
    };

    /// <summary>The wire name of an effort: <c>none</c>, <c>low</c>, <c>medium</c>, <c>high</c>, <c>xhigh</c>.</summary>
    public static string EffortWireName(ReasoningEffort effort) => effort switch
    {
        ReasoningEffort.None => "none",
        ReasoningEffort.Low => "low",
        ReasoningEffort.Medium => "medium",
        ReasoningEffort.High => "high",
        _ => "xhigh",
    };

    /// <summary>The <c>prompt_cache_key</c> of a request: none without prompt caching, else the request's own
    /// (<see cref="ChatClientFactory.PromptCacheKeyProperty"/>), else <paramref name="configured"/>.</summary>
    public static string? PromptCacheKey(ChatOptions? options, bool promptCaching, string? configured)
    {
        if (!promptCaching)
        {
            return null;
        }
        var key = options?.AdditionalProperties?.TryGetValue(ChatClientFactory.PromptCacheKeyProperty, out var given) == true && given is string text
            ? text
            : configured;
        return string.IsNullOrEmpty(key) ? null : key;
    }

    /// <summary>A small JSON value for a request field (<c>tool_choice</c> and the like).</summary>
    public static JsonElement Element(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>A string as a JSON value.</summary>
    public static JsonElement StringElement(string text) => JsonSerializer.SerializeToElement(text, OpenAIChatJsonContext.Default.String);
}
