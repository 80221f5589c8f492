using System.Text;

namespace CodeForge.Providers;

/// <summary>A fully resolved choice of provider and model: everything <see cref="ChatClientFactory"/> needs.</summary>
/// <remarks>Immutable. <see cref="ToString"/> never prints <see cref="ApiKey"/>.</remarks>
public sealed record ProviderConfig
{
    /// <summary>The protocol and vendor.</summary>
    public required ProviderKind Kind { get; init; }

    /// <summary>The model id sent to the server (aliases already resolved).</summary>
    public required string Model { get; init; }

    /// <summary>The server's base URL (OpenAI and compatible servers: including <c>/v1</c>).</summary>
    public required Uri BaseUrl { get; init; }

    /// <summary>The API key, or null when the server needs none (Ollama, a local compatible server).</summary>
    public string? ApiKey { get; init; }

    /// <summary>The environment variable the key came from, or should come from (named in error messages); null
    /// for Ollama.</summary>
    public string? ApiKeyVariable { get; init; }

    /// <summary>Where the user sets the base URL, named in error messages: the vendor's environment variable
    /// (<c>ANTHROPIC_BASE_URL</c>, <c>OPENAI_BASE_URL</c>, <c>OLLAMA_HOST</c>), or <c>--base-url</c>.</summary>
    public required string BaseUrlVariable { get; init; }

    /// <summary>How messages name the server: "Anthropic", "OpenAI", "Ollama", "OpenRouter", or
    /// "the OpenAI-compatible server at host:port".</summary>
    public required string DisplayName { get; init; }

    /// <summary>What the catalog knows about <see cref="Model"/> (context window, prices), or null.</summary>
    public ModelInfo? ModelInfo { get; init; }

    /// <summary>The default output-token limit per response (Anthropic requires one), or null for the server's.</summary>
    public int? MaxOutputTokens { get; init; }

    /// <summary>Which OpenAI wire API to use (OpenAI and compatible servers; see <see cref="OpenAIApis.UsesResponses"/>).</summary>
    public OpenAIApi OpenAIApi { get; init; } = OpenAIApi.Auto;

    /// <inheritdoc/>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append($"{Kind} model={Model} baseUrl={BaseUrl}");
        text.Append(ApiKey is null ? " key=none" : $" key=<from {ApiKeyVariable}>");
        return text.ToString();
    }
}
