using CodeForge.Cli.Composition;
using CodeForge.Providers;
using CodeForge.Testing;
using Microsoft.Extensions.AI;

namespace CodeForge.Cli.Tests.Composition;

/// <summary>
/// <c>--fallback-model</c> over real clients (the Anthropic Messages client of the Native AOT build, its retry and error
/// mapping layers) talking to the fake model server on 127.0.0.1: which failures switch, to which model, how often the
/// switch is reported, and when the main model is tried again.
/// </summary>
public sealed class ModelFallbackChatClientTests : IAsyncLifetime
{
    private const string Main = "claude-sonnet-4-6";
    private const string Fallback = "claude-haiku-4-5";
    private const string Second = "claude-opus-4-6";

    private readonly List<ModelFallback> _reported = [];
    private FakeModelServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await FakeModelServer.StartAsync(cancellationToken: Ct);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private IChatClient Client(string model)
    {
        var config = new ProviderResolver(name => _server.EnvironmentVariables.GetValueOrDefault(name)).Resolve(new ProviderOptions("anthropic", model));
        return ChatClientFactory.Create(config, new ChatClientFactoryOptions
        {
            Retry = new RetryOptions { MaxAttempts = 2, BaseDelay = TimeSpan.Zero, MaxDelay = TimeSpan.Zero, MaxRetryAfter = TimeSpan.Zero, UseJitter = false },
        });
    }

    private ModelFallbackChatClient Create(params string[] fallbacks) =>
        new(Client(Main), Main, fallbacks.Select(f => (f, Client(f))), e =>
        {
            lock (_reported)
            {
                _reported.Add(e);
            }
        });

    private static ChatOptions MainOptions => new() { ModelId = Main };

    private static async Task<string> StreamAsync(ModelFallbackChatClient client, ChatOptions options) =>
        (await client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, "hi")], options, Ct).ToChatResponseAsync(Ct)).Text;

    [Fact]
    public async Task Streaming_WhenTheMainModelIsNotFound_SendsTheSameCallToTheFallbackAndKeepsItForTheTurn()
    {
        _server.Enqueue(ScriptedTurn.ModelNotFound(), ScriptedTurn.Reply("from the fallback"), ScriptedTurn.Reply("still the fallback"));
        using var client = Create(Fallback);

        var first = await StreamAsync(client, MainOptions);
        var second = await StreamAsync(client, MainOptions);

        Assert.Equal(("from the fallback", "still the fallback"), (first, second));
        Assert.Equal([Main, Fallback, Fallback], _server.Requests.Select(r => r.Model));
        var switched = Assert.Single(_reported);
        Assert.Equal((Main, Fallback, "model_not_found"), (switched.OriginalModel, switched.FallbackModel, switched.Trigger));
        Assert.Contains($"Switched to {Fallback} because {Main} is not available", switched.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponse_WhenTheMainModelStaysOverloadedAfterItsRetries_FallsBackWithTheOverloadedTrigger()
    {
        _server.Enqueue(ScriptedTurn.Overloaded(), ScriptedTurn.Overloaded(), ScriptedTurn.Reply("calm model"));
        using var client = Create(Fallback);

        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], MainOptions, Ct);

        Assert.Equal("calm model", response.Text);
        Assert.Equal([Main, Main, Fallback], _server.Requests.Select(r => r.Model));
        Assert.Equal("overloaded", Assert.Single(_reported).Trigger);
        Assert.Contains("due to high demand", _reported[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BeginTurn_AfterAFallback_TriesTheMainModelAgain()
    {
        _server.Enqueue(ScriptedTurn.ModelNotFound(), ScriptedTurn.Reply("fallback"), ScriptedTurn.Reply("main again"));
        using var client = Create(Fallback);

        await StreamAsync(client, MainOptions);
        client.BeginTurn();
        var next = await StreamAsync(client, MainOptions);

        Assert.Equal("main again", next);
        Assert.Equal([Main, Fallback, Main], _server.Requests.Select(r => r.Model));
        Assert.Equal(Main, client.CurrentModel);
    }

    [Fact]
    public async Task SeveralFallbacks_WhenTheFirstFailsToo_AreTriedInOrderAndEachSwitchIsReported()
    {
        _server.Enqueue(ScriptedTurn.ModelNotFound(), ScriptedTurn.ModelNotFound(), ScriptedTurn.Reply("third time"));
        using var client = Create(Fallback, Second);

        var text = await StreamAsync(client, MainOptions);

        Assert.Equal("third time", text);
        Assert.Equal([Main, Fallback, Second], _server.Requests.Select(r => r.Model));
        Assert.Equal([(Main, Fallback), (Fallback, Second)], _reported.Select(r => (r.OriginalModel, r.FallbackModel)));
    }

    [Fact]
    public async Task TheLastFallbackFailing_GivesItsErrorToTheCaller()
    {
        _server.Enqueue(ScriptedTurn.ModelNotFound(), ScriptedTurn.ModelNotFound());
        using var client = Create(Fallback);

        var error = await Assert.ThrowsAsync<ProviderException>(() => StreamAsync(client, MainOptions));

        Assert.Equal(ProviderErrorKind.ModelNotFound, error.Kind);
        Assert.Contains(Fallback, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAuthenticationError_IsNotAReasonToFallBack()
    {
        _server.Enqueue(ScriptedTurn.Unauthorized(), ScriptedTurn.Reply("never sent"));
        using var client = Create(Fallback);

        var error = await Assert.ThrowsAsync<ProviderException>(() => StreamAsync(client, MainOptions));

        Assert.Equal(ProviderErrorKind.AuthenticationFailed, error.Kind);
        Assert.Empty(_reported);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task AStreamThatFailsAfterItsFirstOutput_IsNotSentAgainToTheFallback()
    {
        _server.Enqueue(ScriptedTurn.ErrorMidStream(afterText: "half an answer"), ScriptedTurn.Reply("never sent"));
        using var client = Create(Fallback);

        await Assert.ThrowsAsync<ProviderException>(() => StreamAsync(client, MainOptions));

        Assert.Empty(_reported);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task ACallForAnotherModel_ASubagentsOwn_PassesThroughWithoutFallingBack()
    {
        _server.Enqueue(ScriptedTurn.ModelNotFound(), ScriptedTurn.Reply("never sent"));
        using var client = Create(Fallback);

        await Assert.ThrowsAsync<ProviderException>(() => StreamAsync(client, new ChatOptions { ModelId = Second }));

        Assert.Empty(_reported);
        Assert.Equal([Second], _server.Requests.Select(r => r.Model));
    }
}
