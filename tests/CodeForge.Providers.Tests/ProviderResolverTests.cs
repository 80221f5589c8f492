namespace CodeForge.Providers.Tests;

public sealed class ProviderResolverTests
{
    private static ProviderResolver Resolver(params (string Name, string Value)[] env)
    {
        var vars = env.ToDictionary(e => e.Name, e => e.Value);
        return new ProviderResolver(name => vars.TryGetValue(name, out var v) ? v : null);
    }

    private static ProviderConfigurationException Fails(Action resolve)
    {
        var error = Assert.Throws<ProviderConfigurationException>(resolve);
        Assert.DoesNotContain('\n', error.Message);
        return error;
    }

    [Fact]
    public void Resolve_WithOnlyAnAnthropicKey_ChoosesAnthropicAndTheSonnetAlias()
    {
        var config = Resolver(("ANTHROPIC_API_KEY", "sk-ant")).Resolve();

        Assert.Equal(ProviderKind.Anthropic, config.Kind);
        Assert.Equal(ModelCatalog.FindAlias("sonnet")!.ModelId, config.Model);
        Assert.Equal("sk-ant", config.ApiKey);
        Assert.Equal("ANTHROPIC_API_KEY", config.ApiKeyVariable);
        Assert.Equal(new Uri("https://api.anthropic.com"), config.BaseUrl);
        Assert.Equal("ANTHROPIC_BASE_URL", config.BaseUrlVariable);
        Assert.NotNull(config.ModelInfo);
        Assert.NotNull(config.MaxOutputTokens);
    }

    [Fact]
    public void Resolve_WithBothKeys_PrefersAnthropic()
    {
        var config = Resolver(("OPENAI_API_KEY", "sk-oa"), ("ANTHROPIC_API_KEY", "sk-ant")).Resolve();

        Assert.Equal(ProviderKind.Anthropic, config.Kind);
    }

    [Fact]
    public void Resolve_WithOnlyAnOpenAIKey_ChoosesOpenAIAndTheGptAlias()
    {
        var config = Resolver(("OPENAI_API_KEY", "sk-oa")).Resolve();

        Assert.Equal(ProviderKind.OpenAI, config.Kind);
        Assert.Equal(ModelCatalog.FindAlias("gpt")!.ModelId, config.Model);
        Assert.Equal(new Uri("https://api.openai.com/v1"), config.BaseUrl);
        Assert.Equal("OPENAI_API_KEY", config.ApiKeyVariable);
        Assert.Null(config.MaxOutputTokens);
    }

    [Fact]
    public void Resolve_WithOnlyOllamaHost_ChoosesOllamaWithNoKey()
    {
        var config = Resolver(("OLLAMA_HOST", "http://gpu-box:11434")).Resolve();

        Assert.Equal(ProviderKind.Ollama, config.Kind);
        Assert.Equal("llama3.2", config.Model);
        Assert.Equal(new Uri("http://gpu-box:11434"), config.BaseUrl);
        Assert.Null(config.ApiKey);
        Assert.Null(config.ApiKeyVariable);
        Assert.Equal("OLLAMA_HOST", config.BaseUrlVariable);
    }

    [Fact]
    public void Resolve_WithNothingSet_SaysWhichKeysToSet()
    {
        var error = Fails(() => Resolver().Resolve());

        Assert.Equal(
            "No model provider configured: set ANTHROPIC_API_KEY or OPENAI_API_KEY (or OLLAMA_HOST for a local Ollama server), " +
            "or choose one with --provider or FORGE_PROVIDER.", error.Message);
    }

    [Fact]
    public void Resolve_AnthropicWithoutKey_SaysExactlyWhatToSet()
    {
        var error = Fails(() => Resolver(("OPENAI_API_KEY", "sk-oa")).Resolve(new ProviderOptions(Provider: "anthropic")));

        Assert.Equal("No API key for Anthropic: set ANTHROPIC_API_KEY (or choose another provider with --provider/FORGE_PROVIDER).", error.Message);
    }

    [Fact]
    public void Resolve_OpenAIModelWithoutKey_NamesTheKeyAndTheKeylessAlternative()
    {
        var error = Fails(() => Resolver().Resolve(new ProviderOptions(Model: "gpt-4o")));

        Assert.StartsWith("No API key for OpenAI: set OPENAI_API_KEY", error.Message);
        Assert.Contains("--provider openai-compatible", error.Message);
    }

    [Theory]
    [InlineData("sonnet", ProviderKind.Anthropic, "claude-sonnet-5-5")]
    [InlineData("SONNET", ProviderKind.Anthropic, "claude-sonnet-5-5")]
    [InlineData("opus", ProviderKind.Anthropic, "claude-opus-5-5")]
    [InlineData("haiku", ProviderKind.Anthropic, "claude-haiku-5-5")]
    [InlineData("fable", ProviderKind.Anthropic, "claude-fable-5-2")]
    [InlineData("best", ProviderKind.Anthropic, "claude-opus-5-5")]
    [InlineData("gpt", ProviderKind.OpenAI, "gpt-5.5")]
    [InlineData("gpt-mini", ProviderKind.OpenAI, "gpt-5.4-mini")]
    [InlineData("gpt-nano", ProviderKind.OpenAI, "gpt-5.4-nano")]
    public void Resolve_Alias_ResolvesToTheCurrentModelIdAndItsProvider(string alias, ProviderKind provider, string modelId)
    {
        var config = Resolver(("ANTHROPIC_API_KEY", "a"), ("OPENAI_API_KEY", "o")).Resolve(new ProviderOptions(Model: alias));

        Assert.Equal(provider, config.Kind);
        Assert.Equal(modelId, config.Model);
        Assert.Equal(modelId, config.ModelInfo?.Id);
    }

    [Theory]
    [InlineData("claude-3-7-sonnet-latest", ProviderKind.Anthropic)]
    [InlineData("claude-haiku-4-5-20251001", ProviderKind.Anthropic)]
    [InlineData("gpt-4o", ProviderKind.OpenAI)]
    [InlineData("gpt-6-preview", ProviderKind.OpenAI)]
    [InlineData("chatgpt-4o-latest", ProviderKind.OpenAI)]
    [InlineData("o1", ProviderKind.OpenAI)]
    [InlineData("o3", ProviderKind.OpenAI)]
    [InlineData("o4-mini", ProviderKind.OpenAI)]
    public void Resolve_ModelWithoutProvider_InfersTheProviderFromTheName(string model, ProviderKind provider)
    {
        var config = Resolver(("ANTHROPIC_API_KEY", "a"), ("OPENAI_API_KEY", "o")).Resolve(new ProviderOptions(Model: model));

        Assert.Equal(provider, config.Kind);
        Assert.Equal(model, config.Model);
    }

    [Fact]
    public void Resolve_OllamaPrefixedModel_ChoosesOllamaAndStripsThePrefix()
    {
        var config = Resolver(("ANTHROPIC_API_KEY", "a")).Resolve(new ProviderOptions(Model: "ollama/qwen3:8b"));

        Assert.Equal(ProviderKind.Ollama, config.Kind);
        Assert.Equal("qwen3:8b", config.Model);
        Assert.Equal(new Uri("http://localhost:11434"), config.BaseUrl);
    }

    [Fact]
    public void Resolve_UnknownModelWithOllamaHost_ChoosesOllama()
    {
        var config = Resolver(("OLLAMA_HOST", "127.0.0.1:9999")).Resolve(new ProviderOptions(Model: "qwen3:8b"));

        Assert.Equal(ProviderKind.Ollama, config.Kind);
        Assert.Equal(new Uri("http://127.0.0.1:9999"), config.BaseUrl);
    }

    [Theory]
    [InlineData("gpu-box", "http://gpu-box:11434/")]
    [InlineData("gpu-box:8080", "http://gpu-box:8080/")]
    [InlineData("https://ollama.example.com", "https://ollama.example.com/")]
    [InlineData("http://0.0.0.0:11434", "http://0.0.0.0:11434/")]
    public void Resolve_OllamaHostInTheFormsOllamaAccepts_BecomesAUrl(string host, string expected)
    {
        var config = Resolver(("OLLAMA_HOST", host)).Resolve(new ProviderOptions(Provider: "ollama"));

        Assert.Equal(expected, config.BaseUrl.ToString());
    }

    [Fact]
    public void Resolve_UnknownModelWithOpenAIBaseUrl_ChoosesACompatibleServerThatNeedsNoKey()
    {
        var config = Resolver(("OPENAI_BASE_URL", "http://localhost:1234/v1")).Resolve(new ProviderOptions(Model: "qwen2.5-coder-32b"));

        Assert.Equal(ProviderKind.OpenAICompatible, config.Kind);
        Assert.Equal("qwen2.5-coder-32b", config.Model);
        Assert.Equal(new Uri("http://localhost:1234/v1"), config.BaseUrl);
        Assert.Null(config.ApiKey);
        Assert.Equal("OPENAI_API_KEY", config.ApiKeyVariable);
        Assert.Equal("the OpenAI-compatible server at localhost:1234", config.DisplayName);
    }

    [Fact]
    public void Resolve_OpenAIBaseUrlWithAGptModel_StaysOpenAIThroughTheProxy()
    {
        var config = Resolver(("OPENAI_API_KEY", "o"), ("OPENAI_BASE_URL", "https://proxy.example.com/v1")).Resolve(new ProviderOptions(Model: "gpt-4o"));

        Assert.Equal(ProviderKind.OpenAI, config.Kind);
        Assert.Equal(new Uri("https://proxy.example.com/v1"), config.BaseUrl);
    }

    [Fact]
    public void Resolve_UnknownModelAndNoServer_AsksForAProvider()
    {
        var error = Fails(() => Resolver(("ANTHROPIC_API_KEY", "a")).Resolve(new ProviderOptions(Model: "mistral-large")));

        Assert.StartsWith("Cannot tell which provider serves model 'mistral-large' (from --model): choose one with --provider or FORGE_PROVIDER", error.Message);
    }

    [Fact]
    public void Resolve_CommandLineBeatsEnvironmentBeatsSettings()
    {
        var resolver = Resolver(("ANTHROPIC_API_KEY", "a"), ("OPENAI_API_KEY", "o"), ("FORGE_PROVIDER", "openai"), ("FORGE_MODEL", "gpt-4o"));
        var settings = new ProviderSettings(Provider: "ollama", Model: "llama3.2");

        var fromFlags = resolver.Resolve(new ProviderOptions("anthropic", "haiku"), settings);
        var fromEnv = resolver.Resolve(null, settings);
        var fromSettings = Resolver(("OLLAMA_HOST", "h")).Resolve(null, settings);

        Assert.Equal((ProviderKind.Anthropic, "claude-haiku-5-5"), (fromFlags.Kind, fromFlags.Model));
        Assert.Equal((ProviderKind.OpenAI, "gpt-4o"), (fromEnv.Kind, fromEnv.Model));
        Assert.Equal((ProviderKind.Ollama, "llama3.2"), (fromSettings.Kind, fromSettings.Model));
    }

    [Fact]
    public void Resolve_ForgeModelAlone_ChoosesTheProviderFromTheModel()
    {
        var config = Resolver(("ANTHROPIC_API_KEY", "a"), ("OPENAI_API_KEY", "o"), ("FORGE_MODEL", "gpt-mini")).Resolve();

        Assert.Equal((ProviderKind.OpenAI, "gpt-5.4-mini"), (config.Kind, config.Model));
    }

    [Fact]
    public void Resolve_AnthropicBaseUrl_IsUsed()
    {
        var config = Resolver(("ANTHROPIC_API_KEY", "a"), ("ANTHROPIC_BASE_URL", "http://127.0.0.1:8080")).Resolve();

        Assert.Equal(new Uri("http://127.0.0.1:8080"), config.BaseUrl);
    }

    [Fact]
    public void Resolve_BaseUrlFromCommandLineOrSettings_BeatsTheVariable()
    {
        var resolver = Resolver(("ANTHROPIC_API_KEY", "a"), ("ANTHROPIC_BASE_URL", "http://env:1"));

        var flag = resolver.Resolve(new ProviderOptions(BaseUrl: "http://flag:2"), new ProviderSettings(BaseUrl: "http://settings:3"));
        var settings = resolver.Resolve(null, new ProviderSettings(BaseUrl: "http://settings:3"));

        Assert.Equal(new Uri("http://flag:2"), flag.BaseUrl);
        Assert.Equal(new Uri("http://settings:3"), settings.BaseUrl);
    }

    [Fact]
    public void Resolve_MalformedBaseUrl_NamesTheVariableAndAnExample()
    {
        var error = Fails(() => Resolver(("ANTHROPIC_API_KEY", "a"), ("ANTHROPIC_BASE_URL", "api.anthropic.com/v1")).Resolve());

        Assert.Equal(
            "The base URL 'api.anthropic.com/v1' (from ANTHROPIC_BASE_URL) is not an http(s) URL: set ANTHROPIC_BASE_URL to e.g. https://api.anthropic.com.",
            error.Message);
    }

    [Fact]
    public void Resolve_SettingsNameTheKeyVariable_ThatVariableIsReadAndNamedWhenMissing()
    {
        var settings = new ProviderSettings(Provider: "anthropic", ApiKeyEnv: "WORK_ANTHROPIC_KEY");

        var config = Resolver(("WORK_ANTHROPIC_KEY", "sk-work"), ("ANTHROPIC_API_KEY", "sk-home")).Resolve(null, settings);
        var error = Fails(() => Resolver(("ANTHROPIC_API_KEY", "sk-home")).Resolve(null, settings));

        Assert.Equal(("sk-work", "WORK_ANTHROPIC_KEY"), (config.ApiKey, config.ApiKeyVariable));
        Assert.Contains("set WORK_ANTHROPIC_KEY", error.Message);
    }

    [Fact]
    public void Resolve_UnknownProvider_ListsTheKnownOnesAndWhereTheNameCameFrom()
    {
        var error = Fails(() => Resolver(("FORGE_PROVIDER", "gemini")).Resolve());

        Assert.Equal(
            "Unknown provider 'gemini' (from FORGE_PROVIDER): use one of anthropic, openai, ollama, openai-compatible, openrouter, lmstudio, vllm.",
            error.Message);
    }

    [Fact]
    public void Resolve_AliasOfAnotherProvider_SaysTheyConflict()
    {
        var error = Fails(() => Resolver(("OPENAI_API_KEY", "o")).Resolve(new ProviderOptions("openai", "sonnet")));

        Assert.StartsWith("The model alias 'sonnet' (from --model) belongs to Anthropic, but the provider is OpenAI (from --provider)", error.Message);
    }

    [Fact]
    public void Resolve_CompatibleProviderWithoutBaseUrl_AsksForOpenAIBaseUrl()
    {
        var error = Fails(() => Resolver().Resolve(new ProviderOptions("openai-compatible", "m")));

        Assert.Contains("set OPENAI_BASE_URL (e.g. http://localhost:8000/v1) or pass --base-url", error.Message);
    }

    [Fact]
    public void Resolve_CompatibleProviderWithoutModel_AsksForAModel()
    {
        var error = Fails(() => Resolver(("OPENAI_BASE_URL", "http://localhost:8000/v1")).Resolve(new ProviderOptions("vllm")));

        Assert.Equal("vLLM needs a model name: pass --model or FORGE_MODEL.", error.Message);
    }

    [Fact]
    public void Resolve_OpenRouter_NeedsItsOwnKeyAndUsesItsUrl()
    {
        var error = Fails(() => Resolver(("OPENAI_API_KEY", "o")).Resolve(new ProviderOptions("openrouter", "anthropic/claude-sonnet-4.6")));
        var config = Resolver(("OPENROUTER_API_KEY", "or"), ("OPENAI_BASE_URL", "http://unrelated/v1"))
            .Resolve(new ProviderOptions("openrouter", "openai/gpt-5.4"));

        Assert.Equal("No API key for OpenRouter: set OPENROUTER_API_KEY (or choose another provider with --provider/FORGE_PROVIDER).", error.Message);
        Assert.Equal(ProviderKind.OpenAICompatible, config.Kind);
        Assert.Equal(new Uri("https://openrouter.ai/api/v1"), config.BaseUrl);
        Assert.Equal("openai/gpt-5.4", config.Model);
        Assert.Equal("gpt-5.4", config.ModelInfo?.Id);
    }

    [Theory]
    [InlineData("lmstudio", "http://localhost:1234/v1")]
    [InlineData("vllm", "http://localhost:8000/v1")]
    public void Resolve_LocalCompatiblePresets_HaveDefaultUrlsAndNeedNoKey(string provider, string url)
    {
        var config = Resolver().Resolve(new ProviderOptions(provider, "some-model"));

        Assert.Equal((ProviderKind.OpenAICompatible, new Uri(url), (string?)null), (config.Kind, config.BaseUrl, config.ApiKey));
    }

    [Fact]
    public void Resolve_BlankValues_CountAsUnset()
    {
        var config = Resolver(("ANTHROPIC_API_KEY", "   "), ("OPENAI_API_KEY", "o"), ("FORGE_PROVIDER", ""), ("FORGE_MODEL", " "))
            .Resolve(new ProviderOptions(" ", ""));

        Assert.Equal(ProviderKind.OpenAI, config.Kind);
    }

    [Fact]
    public void Resolve_ReadsTheEnvironmentOnlyThroughTheLookup()
    {
        var asked = new List<string>();
        var resolver = new ProviderResolver(name =>
        {
            asked.Add(name);
            return name == "ANTHROPIC_API_KEY" ? "a" : null;
        });

        resolver.Resolve();

        Assert.Contains("ANTHROPIC_API_KEY", asked);
        Assert.Contains("FORGE_PROVIDER", asked);
        Assert.Contains("FORGE_MODEL", asked);
    }

    [Fact]
    public void ToString_NeverShowsTheKey()
    {
        var config = Resolver(("ANTHROPIC_API_KEY", "sk-ant-secret-123")).Resolve();

        Assert.DoesNotContain("secret", config.ToString(), StringComparison.Ordinal);
        Assert.Contains("ANTHROPIC_API_KEY", config.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_WithoutLookup_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => new ProviderResolver(null!));
    }
}
