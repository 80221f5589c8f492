using CodeForge.Providers.AnthropicMessages;
using CodeForge.Providers.Http;
using CodeForge.Providers.Ollama;
using Microsoft.Extensions.AI;
using OllamaSharp;
using CodeForge.Providers.OpenAIChat;
using CodeForge.Providers.OpenAIResponses;

namespace CodeForge.Providers;

/// <summary>How <see cref="ChatClientFactory"/> builds clients.</summary>
public sealed record ChatClientFactoryOptions
{
    /// <summary>The transport under every request (default: a new <see cref="SocketsHttpHandler"/> per client). The
    /// caller keeps ownership of a handler given here; it is not disposed with the client.</summary>
    public HttpMessageHandler? HttpHandler { get; init; }

    /// <summary>The clock for retry delays and <c>Retry-After</c> dates.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The retry policy (default: 4 attempts, exponential backoff with jitter from 1 s).</summary>
    public RetryOptions Retry { get; init; } = new();

    /// <summary>Where usage is recorded; null gives the client a tracker of its own
    /// (<c>client.GetService&lt;UsageTracker&gt;()</c>).</summary>
    public UsageTracker? UsageTracker { get; init; }

    /// <summary>The longest a single request may take, streaming included.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The longest a TCP/TLS connect may take before the server counts as unreachable.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Prompt caching (default on): Anthropic requests carry <c>cache_control</c> breakpoints (built-in client
    /// only), OpenAI requests a <c>prompt_cache_key</c> (<see cref="PromptCacheKey"/> or the request's
    /// <see cref="ChatClientFactory.PromptCacheKeyProperty"/>).</summary>
    public bool PromptCaching { get; init; } = true;

    /// <summary>The OpenAI <c>prompt_cache_key</c> (the session id), unless a request's
    /// <see cref="ChatOptions.AdditionalProperties"/> give one under <see cref="ChatClientFactory.PromptCacheKeyProperty"/>.</summary>
    public string? PromptCacheKey { get; init; }

    /// <summary>How much the model thinks (effort, budget); null: never asks for thinking unless a request's
    /// <see cref="ChatOptions.Reasoning"/> does.</summary>
    public ReasoningConfig? Reasoning { get; init; }
}

/// <summary>
/// Builds the <see cref="IChatClient"/> for a <see cref="ProviderConfig"/>: the vendor client (the built-in
/// <see cref="OpenAIChatClient"/> for OpenAI Chat Completions, also for compatible servers, and
/// <see cref="OpenAIResponsesClient"/> for the Responses API; the built-in <see cref="AnthropicMessagesClient"/>;
/// OllamaSharp) under the decorators usage tracking → retry → error mapping → vendor.
/// </summary>
/// <remarks>
/// <para>No vendor client retries (OllamaSharp has no retries of its own), so <see cref="RetryingChatClient"/> is
/// the single retry layer. An HTTP handler under every client turns error responses into one exception shape that
/// carries status, body and <c>Retry-After</c> (the built-in clients produce the same shape themselves).</para>
/// <para>Native AOT: every client works (Ollama through a source-generated JSON context). OpenAI and Anthropic go
/// through built-in clients (HttpClient, SSE, source-generated JSON) in every build, JIT and AOT alike: one client
/// each, the one that is tested and shipped. The official SDKs are not referenced: the Anthropic SDK serializes
/// through reflection, and the OpenAI SDK's serialization context roots every model type it has (about 6 MB of the
/// native binary; see docs/benchmarks.md).</para>
/// <para>OpenAI's reasoning and coding models (and any server configured with <see cref="OpenAIApi.Responses"/>) go
/// through the Responses API (stateless, encrypted reasoning carried across turns, effort, cache key); everything
/// else OpenAI-shaped goes through Chat Completions (<c>reasoning_effort</c> for reasoning models). The
/// <c>prompt_cache_key</c> is sent to OpenAI itself only.</para>
/// <para>The returned client is safe for concurrent calls. Disposing it disposes the HTTP client it owns.
/// <c>GetService(typeof(UsageTracker))</c> gives its tracker and <c>GetService(typeof(ProviderConfig))</c> its
/// configuration.</para>
/// </remarks>
public static class ChatClientFactory
{
    /// <summary>The <see cref="ChatOptions.AdditionalProperties"/> key of a request's OpenAI <c>prompt_cache_key</c>
    /// (a string; forge uses the session id).</summary>
    public const string PromptCacheKeyProperty = "codeforge.prompt_cache_key";

    /// <summary>Creates the client for <paramref name="config"/>.</summary>
    public static IChatClient Create(ProviderConfig config, ChatClientFactoryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        options ??= new ChatClientFactoryOptions();
        options.Retry.Validate();

        HttpMessageHandler transport = options.HttpHandler is { } given
            ? new NonDisposingHandler(given)
            : new SocketsHttpHandler { ConnectTimeout = options.ConnectTimeout, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        var http = new HttpClient(new HttpErrorCaptureHandler(transport), disposeHandler: true) { Timeout = options.RequestTimeout };

        IChatClient vendor;
        try
        {
            vendor = config.Kind switch
            {
                ProviderKind.Anthropic => CreateAnthropic(config, http, options),
                ProviderKind.Ollama => CreateOllama(config, http, options),
                _ when OpenAIApis.UsesResponses(config) => new OpenAIResponsesClient(http, config.BaseUrl, config.ApiKey, config.Model,
                    config.Kind == ProviderKind.OpenAI && options.PromptCaching, options.PromptCacheKey, options.Reasoning),
                _ => new OpenAIChatClient(http, config.BaseUrl, config.ApiKey, config.Model,
                    config.Kind == ProviderKind.OpenAI && options.PromptCaching, options.PromptCacheKey, options.Reasoning),
            };
        }
        catch
        {
            http.Dispose();
            throw;
        }

        var tracker = options.UsageTracker ?? new UsageTracker();
        Func<string, ModelPrice?>? priceOf = config.Kind == ProviderKind.Ollama ? _ => ModelPrice.Free : null;
        return new ChatClientBuilder(new OwningChatClient(vendor, http, config))
            .Use(inner => new UsageTrackingChatClient(inner, tracker, config.Model, priceOf, options.TimeProvider))
            .Use(inner => new RetryingChatClient(inner, options.Retry, options.TimeProvider))
            .Use(inner => new ErrorMappingChatClient(inner, config, options.TimeProvider))
            .Build();
    }

    private static AnthropicMessagesClient CreateAnthropic(ProviderConfig config, HttpClient http, ChatClientFactoryOptions options)
    {
        var key = config.ApiKey ?? throw new ArgumentException("An Anthropic configuration needs an API key.", nameof(config));
        return new AnthropicMessagesClient(http, config.BaseUrl, key, config.Model, config.MaxOutputTokens, options.PromptCaching, options.Reasoning);
    }

    private static OllamaThinkingChatClient CreateOllama(ProviderConfig config, HttpClient http, ChatClientFactoryOptions options)
    {
        http.BaseAddress = config.BaseUrl;
        // Source-generated JSON and tool results pre-rendered: OllamaSharp's defaults use reflection (not AOT-safe).
        return new OllamaThinkingChatClient(
            new OllamaToolResultChatClient(new OllamaApiClient(http, config.Model, OllamaJsonContext.Default)), config.Model, options.Reasoning);
    }

    /// <summary>The bottom of the pipeline: owns the HTTP client and answers <c>GetService(typeof(ProviderConfig))</c>.</summary>
    private sealed class OwningChatClient(IChatClient vendor, HttpClient http, ProviderConfig config) : DelegatingChatClient(vendor)
    {
        public override object? GetService(Type serviceType, object? serviceKey = null)
        {
            ArgumentNullException.ThrowIfNull(serviceType);
            return serviceKey is null && serviceType == typeof(ProviderConfig) ? config : base.GetService(serviceType, serviceKey);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                http.Dispose();
            }
            base.Dispose(disposing);
        }
    }

    /// <summary>Passes requests to a handler the caller owns, without disposing it.</summary>
    private sealed class NonDisposingHandler(HttpMessageHandler inner) : HttpMessageHandler
    {
        private readonly HttpMessageInvoker _invoker = new(inner, disposeHandler: false);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            _invoker.SendAsync(request, cancellationToken);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _invoker.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
