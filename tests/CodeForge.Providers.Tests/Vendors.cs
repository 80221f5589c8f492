using CodeForge.Testing;

namespace CodeForge.Providers.Tests;

/// <summary>Configurations that point each vendor at a fake model server, resolved the production way (from the
/// environment the server hands out).</summary>
internal static class Vendors
{
    public static readonly TheoryData<ProviderKind> All = new(ProviderKind.OpenAI, ProviderKind.Anthropic, ProviderKind.Ollama, ProviderKind.OpenAICompatible);

    public static ProviderConfig ConfigFor(ProviderKind kind, FakeModelServer server, string? model = null)
    {
        var env = server.EnvironmentVariables;
        var resolver = new ProviderResolver(name => env.TryGetValue(name, out var value) ? value : null);
        var provider = kind switch
        {
            ProviderKind.OpenAI => "openai",
            ProviderKind.Anthropic => "anthropic",
            ProviderKind.Ollama => "ollama",
            _ => "openai-compatible",
        };
        model ??= kind switch
        {
            ProviderKind.OpenAI => "gpt",
            ProviderKind.Anthropic => "sonnet",
            ProviderKind.Ollama => "llama3.2",
            _ => "local-model",
        };
        return resolver.Resolve(new ProviderOptions(provider, model));
    }

    /// <summary>Retries without waiting (Retry-After is capped to zero).</summary>
    public static RetryOptions FastRetry(int attempts = 3) => new()
    {
        MaxAttempts = attempts,
        BaseDelay = TimeSpan.Zero,
        MaxDelay = TimeSpan.Zero,
        MaxRetryAfter = TimeSpan.Zero,
        UseJitter = false,
    };

    public static ModelProtocol Protocol(ProviderKind kind) => kind switch
    {
        ProviderKind.Anthropic => ModelProtocol.Anthropic,
        ProviderKind.Ollama => ModelProtocol.Ollama,
        _ => ModelProtocol.OpenAI,
    };
}
