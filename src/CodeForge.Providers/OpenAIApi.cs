namespace CodeForge.Providers;

/// <summary>Which OpenAI wire API a model is reached through (OpenAI and compatible servers only).</summary>
public enum OpenAIApi
{
    /// <summary>OpenAI's own reasoning and coding models (GPT-5 class, o-series, codex) use
    /// <see cref="Responses"/>, which keeps their reasoning between tool calls; everything else, and every compatible
    /// server, <see cref="ChatCompletions"/>.</summary>
    Auto,
    /// <summary><c>POST /v1/chat/completions</c>.</summary>
    ChatCompletions,
    /// <summary><c>POST /v1/responses</c> (stateless: <c>store: false</c>, reasoning carried as encrypted items).</summary>
    Responses,
}

/// <summary>Choosing and naming the OpenAI wire API.</summary>
/// <remarks>Stateless; thread-safe.</remarks>
public static class OpenAIApis
{
    /// <summary>The environment variable that forces an API: <c>responses</c> or <c>chat</c> (also <c>auto</c>).</summary>
    public const string EnvironmentVariable = "FORGE_OPENAI_API";

    /// <summary>Parses <c>responses</c>, <c>chat</c> / <c>chat-completions</c> / <c>completions</c>, <c>auto</c>
    /// (case-insensitive); null for anything else.</summary>
    public static OpenAIApi? Parse(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "responses" or "response" => OpenAIApi.Responses,
        "chat" or "chat-completions" or "chat_completions" or "chatcompletions" or "completions" => OpenAIApi.ChatCompletions,
        "auto" => OpenAIApi.Auto,
        _ => null,
    };

    /// <summary>Whether <paramref name="config"/> goes through the Responses API.</summary>
    public static bool UsesResponses(ProviderConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Kind is ProviderKind.OpenAI or ProviderKind.OpenAICompatible && config.OpenAIApi switch
        {
            OpenAIApi.Responses => true,
            OpenAIApi.ChatCompletions => false,
            _ => config.Kind == ProviderKind.OpenAI && OpenAIChat.OpenAIChatClient.IsReasoningModel(config.Model),
        };
    }
}
