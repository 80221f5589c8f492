using System.Globalization;

namespace CodeForge.Providers;

/// <summary>
/// Turns command-line choices, settings and the environment into one <see cref="ProviderConfig"/>, or a
/// <see cref="ProviderConfigurationException"/> whose one-line message says what to set.
/// </summary>
/// <remarks>
/// <para>Precedence for the provider and the model: command line (<see cref="ProviderOptions"/>), then
/// <c>FORGE_PROVIDER</c>/<c>FORGE_MODEL</c>, then settings (<see cref="ProviderSettings"/>). For the base URL: command
/// line, then settings, then the vendor's variable (<c>ANTHROPIC_BASE_URL</c>, <c>OPENAI_BASE_URL</c>,
/// <c>OLLAMA_HOST</c>), then the vendor's default. The key comes from <see cref="ProviderSettings.ApiKeyEnv"/> if set,
/// else <c>ANTHROPIC_API_KEY</c>/<c>OPENAI_API_KEY</c> (<c>OPENROUTER_API_KEY</c> for OpenRouter).</para>
/// <para>With no provider given, the model decides: an alias or catalog model names its vendor; <c>claude*</c> is
/// Anthropic; <c>gpt*</c>, <c>chatgpt*</c>, <c>o1</c>/<c>o3</c>/<c>o4*</c> are OpenAI; <c>ollama/name</c> is Ollama;
/// any other name goes to the server in <c>OPENAI_BASE_URL</c> or <c>OLLAMA_HOST</c> if one is set. With neither
/// provider nor model, the first key present wins (Anthropic, then OpenAI), then <c>OLLAMA_HOST</c>, then
/// <c>OPENAI_BASE_URL</c>.</para>
/// <para>The environment is read only through the lookup given to the constructor, never from the process. Values that
/// are empty or only whitespace count as unset. Stateless after construction: safe to use from any thread.</para>
/// </remarks>
public sealed class ProviderResolver
{
    private const string ProviderHint = "--provider or FORGE_PROVIDER";
    private const string ModelHint = "--model or FORGE_MODEL";

    private readonly Func<string, string?> _environment;

    /// <summary>Creates a resolver that reads environment variables through <paramref name="environment"/>
    /// (in production <c>Environment.GetEnvironmentVariable</c>).</summary>
    public ProviderResolver(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        _environment = environment;
    }

    /// <summary>Resolves the provider configuration.</summary>
    /// <exception cref="ProviderConfigurationException">Something needed is missing or malformed; the message says what to set.</exception>
    public ProviderConfig Resolve(ProviderOptions? options = null, ProviderSettings? settings = null)
    {
        options ??= new ProviderOptions();
        settings ??= new ProviderSettings();

        var (providerText, providerSource) = First(
            (Clean(options.Provider), "--provider"), (Env("FORGE_PROVIDER"), "FORGE_PROVIDER"), (Clean(settings.Provider), "the settings"));
        var (modelText, modelSource) = First(
            (Clean(options.Model), "--model"), (Env("FORGE_MODEL"), "FORGE_MODEL"), (Clean(settings.Model), "the settings"));

        var preset = providerText is null ? null : Preset.Parse(providerText)
            ?? throw new ProviderConfigurationException(
                $"Unknown provider '{providerText}' (from {providerSource}): use one of {Preset.Names}.");

        if (modelText is not null && modelText.StartsWith("ollama/", StringComparison.OrdinalIgnoreCase) &&
            (preset is null || preset.Kind == ProviderKind.Ollama))
        {
            modelText = Clean(modelText["ollama/".Length..])
                ?? throw new ProviderConfigurationException($"The model '{modelText}' (from {modelSource}) names no Ollama model: use e.g. ollama/llama3.2.");
            preset ??= Preset.Ollama;
        }

        preset ??= modelText is null ? InferFromEnvironment() : InferFromModel(modelText, modelSource);

        var model = ResolveModel(preset, modelText, modelSource, providerSource);
        var (baseUrl, baseUrlVariable) = ResolveBaseUrl(preset, options, settings);
        var (apiKey, apiKeyVariable) = ResolveKey(preset, settings);
        var info = preset.Kind == ProviderKind.Ollama ? null : ModelCatalog.Find(model);
        if (info is not null && preset.Kind is ProviderKind.Anthropic or ProviderKind.OpenAI && info.Provider != preset.Kind)
        {
            info = null;
        }

        return new ProviderConfig
        {
            Kind = preset.Kind,
            Model = model,
            BaseUrl = baseUrl,
            ApiKey = apiKey,
            ApiKeyVariable = apiKeyVariable,
            BaseUrlVariable = baseUrlVariable,
            DisplayName = preset.DisplayName ?? $"the OpenAI-compatible server at {baseUrl.Authority}",
            ModelInfo = info,
            OpenAIApi = ResolveOpenAIApi(settings),
            MaxOutputTokens = preset.Kind == ProviderKind.Anthropic ? Math.Min(info?.MaxOutputTokens ?? 16_384, 16_384) : null,
        };
    }

    private Preset InferFromEnvironment()
    {
        if (Env("ANTHROPIC_API_KEY") is not null)
        {
            return Preset.Anthropic;
        }
        if (Env("OPENAI_API_KEY") is not null)
        {
            return Preset.OpenAI;
        }
        if (Env("OLLAMA_HOST") is not null)
        {
            return Preset.Ollama;
        }
        if (Env("OPENAI_BASE_URL") is not null)
        {
            return Preset.Compatible;
        }
        throw new ProviderConfigurationException(
            "No model provider configured: set ANTHROPIC_API_KEY or OPENAI_API_KEY (or OLLAMA_HOST for a local Ollama server), " +
            $"or choose one with {ProviderHint}.");
    }

    private Preset InferFromModel(string model, string modelSource)
    {
        if (ModelCatalog.FindAlias(model) is { } alias)
        {
            return Preset.For(alias.Provider);
        }
        if (ModelCatalog.Find(model) is { } known && !model.Contains('/', StringComparison.Ordinal))
        {
            return Preset.For(known.Provider);
        }
        if (model.StartsWith("claude", StringComparison.OrdinalIgnoreCase))
        {
            return Preset.Anthropic;
        }
        if (model.StartsWith("gpt", StringComparison.OrdinalIgnoreCase) ||
            model.StartsWith("chatgpt", StringComparison.OrdinalIgnoreCase) ||
            (model.Length >= 2 && model[0] is 'o' or 'O' && model[1] is '1' or '3' or '4'))
        {
            return Preset.OpenAI;
        }
        if (Env("OPENAI_BASE_URL") is not null)
        {
            return Preset.Compatible;
        }
        if (Env("OLLAMA_HOST") is not null)
        {
            return Preset.Ollama;
        }
        throw new ProviderConfigurationException(
            $"Cannot tell which provider serves model '{model}' (from {modelSource}): choose one with {ProviderHint} ({Preset.Names}).");
    }

    private static string ResolveModel(Preset preset, string? modelText, string modelSource, string providerSource)
    {
        if (modelText is null)
        {
            return ModelCatalog.DefaultModel(preset.Kind)
                ?? throw new ProviderConfigurationException(
                    $"{preset.DisplayName ?? "The OpenAI-compatible server"} needs a model name: pass {ModelHint}.");
        }
        if (preset.Kind is ProviderKind.Anthropic or ProviderKind.OpenAI && ModelCatalog.FindAlias(modelText) is { } alias)
        {
            if (alias.Provider != preset.Kind)
            {
                throw new ProviderConfigurationException(
                    $"The model alias '{alias.Alias}' (from {modelSource}) belongs to {Preset.For(alias.Provider).DisplayName}, " +
                    $"but the provider is {preset.DisplayName} (from {providerSource}): choose a {preset.DisplayName} model with {ModelHint}, or another provider with {ProviderHint}.");
            }
            return alias.ModelId;
        }
        return modelText;
    }

    private (Uri Url, string Variable) ResolveBaseUrl(Preset preset, ProviderOptions options, ProviderSettings settings)
    {
        var variable = preset.BaseUrlVariable ?? "--base-url";
        var (text, source) = First(
            (Clean(options.BaseUrl), "--base-url"),
            (Clean(settings.BaseUrl), "the settings (baseUrl)"),
            (preset.BaseUrlVariable is { } name ? Env(name) : null, variable));
        if (text is null)
        {
            return (preset.DefaultBaseUrl ?? throw new ProviderConfigurationException(
                $"The OpenAI-compatible provider needs the server's base URL: set {variable} (e.g. http://localhost:8000/v1) or pass --base-url."), variable);
        }
        if (preset.Kind == ProviderKind.Ollama && !text.Contains("://", StringComparison.Ordinal))
        {
            // OLLAMA_HOST is often "host" or "host:port", as the ollama CLI accepts it.
            text = "http://" + text + (text.Contains(':', StringComparison.Ordinal) ? "" : ":11434");
        }
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new ProviderConfigurationException(
                $"The base URL '{text}' (from {source}) is not an http(s) URL: set {variable} to e.g. {preset.ExampleBaseUrl}.");
        }
        return (url, variable);
    }

    private (string? Key, string? Variable) ResolveKey(Preset preset, ProviderSettings settings)
    {
        if (preset.Kind == ProviderKind.Ollama)
        {
            return (null, null);
        }
        var variable = Clean(settings.ApiKeyEnv) ?? preset.KeyVariable;
        var key = Env(variable);
        if (key is null && preset.KeyRequired)
        {
            var alternative = preset.Kind == ProviderKind.OpenAI
                ? $" (or choose another provider with --provider/FORGE_PROVIDER; a local server that needs no key is --provider openai-compatible)."
                : " (or choose another provider with --provider/FORGE_PROVIDER).";
            throw new ProviderConfigurationException($"No API key for {preset.DisplayName}: set {variable}{alternative}");
        }
        return (key, variable);
    }

    private OpenAIApi ResolveOpenAIApi(ProviderSettings settings)
    {
        var (text, source) = First((Env(OpenAIApis.EnvironmentVariable), OpenAIApis.EnvironmentVariable), (Clean(settings.OpenAIApi), "the settings (openaiApi)"));
        if (text is null)
        {
            return OpenAIApi.Auto;
        }
        return OpenAIApis.Parse(text) ?? throw new ProviderConfigurationException(
            $"Unknown OpenAI API '{text}' (from {source}): use responses, chat or auto.");
    }

    private string? Env(string name) => Clean(_environment(name));

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static (string? Value, string Source) First(params (string? Value, string Source)[] candidates)
    {
        foreach (var candidate in candidates)
        {
            if (candidate.Value is not null)
            {
                return candidate;
            }
        }
        return (null, "");
    }

    /// <summary>A provider name and what it implies: kind, default base URL, key variable.</summary>
    private sealed record Preset(
        ProviderKind Kind, string? DisplayName, Uri? DefaultBaseUrl, string? BaseUrlVariable,
        string KeyVariable, bool KeyRequired, string ExampleBaseUrl)
    {
        public static readonly Preset Anthropic = new(ProviderKind.Anthropic, "Anthropic", new Uri("https://api.anthropic.com"),
            "ANTHROPIC_BASE_URL", "ANTHROPIC_API_KEY", true, "https://api.anthropic.com");
        public static readonly Preset OpenAI = new(ProviderKind.OpenAI, "OpenAI", new Uri("https://api.openai.com/v1"),
            "OPENAI_BASE_URL", "OPENAI_API_KEY", true, "https://api.openai.com/v1");
        public static readonly Preset Ollama = new(ProviderKind.Ollama, "Ollama", new Uri("http://localhost:11434"),
            "OLLAMA_HOST", "", false, "http://localhost:11434");
        public static readonly Preset Compatible = new(ProviderKind.OpenAICompatible, null, null,
            "OPENAI_BASE_URL", "OPENAI_API_KEY", false, "http://localhost:8000/v1");
        public static readonly Preset OpenRouter = new(ProviderKind.OpenAICompatible, "OpenRouter", new Uri("https://openrouter.ai/api/v1"),
            null, "OPENROUTER_API_KEY", true, "https://openrouter.ai/api/v1");
        public static readonly Preset LmStudio = new(ProviderKind.OpenAICompatible, "LM Studio", new Uri("http://localhost:1234/v1"),
            "OPENAI_BASE_URL", "OPENAI_API_KEY", false, "http://localhost:1234/v1");
        public static readonly Preset Vllm = new(ProviderKind.OpenAICompatible, "vLLM", new Uri("http://localhost:8000/v1"),
            "OPENAI_BASE_URL", "OPENAI_API_KEY", false, "http://localhost:8000/v1");

        public const string Names = "anthropic, openai, ollama, openai-compatible, openrouter, lmstudio, vllm";

        public static Preset For(ProviderKind kind) => kind switch
        {
            ProviderKind.Anthropic => Anthropic,
            ProviderKind.OpenAI => OpenAI,
            ProviderKind.Ollama => Ollama,
            _ => Compatible,
        };

        public static Preset? Parse(string name) => name.ToLower(CultureInfo.InvariantCulture) switch
        {
            "anthropic" or "claude" => Anthropic,
            "openai" => OpenAI,
            "ollama" => Ollama,
            "openai-compatible" or "openai_compatible" or "compatible" => Compatible,
            "openrouter" => OpenRouter,
            "lmstudio" or "lm-studio" => LmStudio,
            "vllm" => Vllm,
            _ => null,
        };
    }
}
