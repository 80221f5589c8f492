namespace CodeForge.Providers;

/// <summary>What the user chose explicitly on the command line (<c>--provider</c>, <c>--model</c>,
/// <c>--base-url</c>). Null means "not given". These win over the environment and settings.</summary>
public sealed record ProviderOptions(string? Provider = null, string? Model = null, string? BaseUrl = null);

/// <summary>Provider values from the settings files (filled by the settings layer). Null means "not set".
/// Lowest precedence: command line, then <c>FORGE_PROVIDER</c>/<c>FORGE_MODEL</c>, then these.</summary>
/// <param name="Provider">A provider name, as for <c>--provider</c>.</param>
/// <param name="Model">A model id or alias.</param>
/// <param name="BaseUrl">The server's base URL; wins over the vendor's base-URL variable.</param>
/// <param name="ApiKeyEnv">The name of the environment variable that holds the API key, instead of the vendor's
/// usual one (settings never hold a key itself).</param>
public sealed record ProviderSettings(string? Provider = null, string? Model = null, string? BaseUrl = null, string? ApiKeyEnv = null)
{
    /// <summary>Which OpenAI wire API to use (<c>responses</c>, <c>chat</c>, <c>auto</c>); <c>FORGE_OPENAI_API</c> wins.</summary>
    public string? OpenAIApi { get; init; }
}
