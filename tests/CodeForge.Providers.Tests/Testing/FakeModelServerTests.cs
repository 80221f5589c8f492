using System.Net;
using System.Text;
using CodeForge.Testing;

namespace CodeForge.Providers.Tests.Testing;

/// <summary>The fake server's own contract, as the end-to-end tests of later components will rely on it.</summary>
public sealed class FakeModelServerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<(HttpStatusCode Status, string Body)> PostAsync(HttpClient http, string url, string json, params (string, string)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        using var response = await http.SendAsync(request, Ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Requests_AreRecordedWithMethodPathHeadersAndParsedBody()
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.Reply("hi"));
        using var http = new HttpClient();

        var (status, body) = await PostAsync(http, server.AnthropicBaseUrl + "/v1/messages",
            """{"model":"claude-x","max_tokens":5,"messages":[{"role":"user","content":"hello"}]}""", ("x-api-key", "k1"));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("\"text\":\"hi\"", body, StringComparison.Ordinal);
        var request = Assert.Single(server.Requests);
        Assert.Equal((1, "POST", "/v1/messages", ModelProtocol.Anthropic, "claude-x", false),
            (request.Sequence, request.Method, request.Path, request.Protocol, request.Model, request.Stream));
        Assert.Equal("k1", request.Header("X-API-KEY"));
        Assert.Equal("hello", request.Node()!["messages"]![0]!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task EmptyQueue_AnswersWithAnErrorSayingSo_AndCountsIt()
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        using var http = new HttpClient();

        var (status, body) = await PostAsync(http, server.OpenAIBaseUrl + "/chat/completions", """{"model":"m","messages":[]}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("no scripted turn left for request #1", body, StringComparison.Ordinal);
        Assert.Equal(1, server.UnscriptedRequests);
    }

    [Fact]
    public async Task ConcurrentRequests_EachGetADistinctTurn()
    {
        const int Requests = 20;
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(Enumerable.Range(0, Requests).Select(i => ScriptedTurn.Reply($"turn-{i}")).ToArray());
        using var http = new HttpClient();

        var bodies = await Task.WhenAll(Enumerable.Range(0, Requests)
            .Select(_ => PostAsync(http, server.OllamaHost + "/api/chat", """{"model":"m","stream":false,"messages":[]}""")).ToArray());

        var turns = bodies.Select(b => System.Text.Json.JsonDocument.Parse(b.Body).RootElement.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal(Enumerable.Range(0, Requests).Select(i => $"turn-{i}").Order(), turns.Order());
        Assert.Equal(Enumerable.Range(1, Requests), server.Requests.Select(r => r.Sequence).Order());
        Assert.Equal(0, server.PendingTurns);
    }

    [Fact]
    public async Task ExpectedApiKey_RejectsOtherKeysWithoutConsumingATurn()
    {
        await using var server = await FakeModelServer.StartAsync(new FakeModelServerOptions { ExpectedApiKey = "right" }, Ct);
        server.Enqueue(ScriptedTurn.Reply("ok"));
        using var http = new HttpClient();

        var wrong = await PostAsync(http, server.OpenAIBaseUrl + "/chat/completions", """{"model":"m"}""", ("Authorization", "Bearer wrong"));
        var right = await PostAsync(http, server.OpenAIBaseUrl + "/chat/completions", """{"model":"m"}""", ("Authorization", "Bearer right"));

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        Assert.Contains("invalid_api_key", wrong.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, right.Status);
    }

    [Fact]
    public async Task UnknownPath_Is404AndStillRecorded()
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        using var http = new HttpClient();

        var (status, _) = await PostAsync(http, server.AnthropicBaseUrl + "/v2/nothing", "{}");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(ModelProtocol.Unknown, Assert.Single(server.Requests).Protocol);
    }

    [Fact]
    public async Task WaitForRequests_CompletesOnceThatManyArrived()
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        server.Enqueue(ScriptedTurn.Reply("a"), ScriptedTurn.Reply("b"));
        using var http = new HttpClient();

        var waiting = server.WaitForRequestsAsync(2, Ct);
        await PostAsync(http, server.OpenAIBaseUrl + "/chat/completions", """{"model":"m"}""");
        var afterOne = waiting.IsCompleted;
        await PostAsync(http, server.OpenAIBaseUrl + "/chat/completions", """{"model":"m"}""");
        await waiting;

        Assert.False(afterOne);
        Assert.True(server.WaitForRequestsAsync(1, Ct).IsCompleted);
    }

    [Fact]
    public async Task EnvironmentVariables_PointEveryVendorAtTheServer()
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        var env = server.EnvironmentVariables;

        Assert.Equal(server.OpenAIBaseUrl, env["OPENAI_BASE_URL"]);
        Assert.Equal(server.AnthropicBaseUrl, env["ANTHROPIC_BASE_URL"]);
        Assert.Equal(server.OllamaHost, env["OLLAMA_HOST"]);
        Assert.Equal(FakeModelServer.FakeApiKey, env["ANTHROPIC_API_KEY"]);
        Assert.StartsWith("http://127.0.0.1:", server.AnthropicBaseUrl, StringComparison.Ordinal);
        Assert.EndsWith("/v1", server.OpenAIBaseUrl, StringComparison.Ordinal);
    }
}
