namespace CodeForge.Providers;

/// <summary>The wire protocol (and vendor) a model is reached through.</summary>
public enum ProviderKind
{
    /// <summary>OpenAI at api.openai.com (or a proxy set by <c>OPENAI_BASE_URL</c>): the Responses API for its reasoning
    /// models, Chat Completions for the others (<see cref="OpenAIApi"/>).</summary>
    OpenAI,
    /// <summary>Anthropic Messages: the official <c>Anthropic</c> SDK under the JIT, the built-in
    /// <c>AnthropicMessagesClient</c> in the Native AOT build.</summary>
    Anthropic,
    /// <summary>A local or remote Ollama server (OllamaSharp).</summary>
    Ollama,
    /// <summary>Any server that speaks OpenAI Chat Completions at its own base URL: OpenRouter, vLLM, LM Studio.</summary>
    OpenAICompatible,
}
