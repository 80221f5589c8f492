using CodeForge.Providers.AnthropicMessages;
using CodeForge.Testing;

namespace CodeForge.Providers.Tests;

/// <summary>A client implementation under test: each vendor (Anthropic through the built-in
/// <see cref="AnthropicMessagesClient"/>, the one client of every build).</summary>
public enum Vendor
{
    OpenAI,
    AnthropicNative,
    Ollama,
    OpenAICompatible,
}

/// <summary>Configurations that point each vendor at a fake model server, resolved the production way (from the
/// environment the server hands out).</summary>
internal static class Vendors
{
    public static readonly TheoryData<Vendor> All = new(Enum.GetValues<Vendor>());

    public static ProviderKind KindOf(Vendor vendor) => vendor switch
    {
        Vendor.OpenAI => ProviderKind.OpenAI,
        Vendor.AnthropicNative => ProviderKind.Anthropic,
        Vendor.Ollama => ProviderKind.Ollama,
        _ => ProviderKind.OpenAICompatible,
    };

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

    /// <summary>The protocol of a <see cref="ConfigFor"/> configuration: OpenAI's default model (GPT-5 class) goes through
    /// the Responses API, compatible servers through Chat Completions.</summary>
    public static ModelProtocol Protocol(ProviderKind kind) => kind switch
    {
        ProviderKind.OpenAI => ModelProtocol.OpenAIResponses,
        ProviderKind.Anthropic => ModelProtocol.Anthropic,
        ProviderKind.Ollama => ModelProtocol.Ollama,
        _ => ModelProtocol.OpenAI,
    };
}
