using System.Net;
using System.Threading.Channels;
using Microsoft.Extensions.AI;
using static CodeForge.Providers.Tests.TestChatClient;

namespace CodeForge.Providers.Tests;

public sealed class RetryingChatClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static RetryOptions Fast(int attempts = 4, Action<RetryEvent>? onRetry = null) => Vendors.FastRetry(attempts) with { OnRetry = onRetry };

    private static async Task<List<ChatResponseUpdate>> DrainAsync(IChatClient client)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync("hi", null, Ct))
        {
            updates.Add(update);
        }
        return updates;
    }

    [Fact]
    public async Task TransientFailureThenSuccess_ReturnsTheSuccessAfterOneRetry()
    {
        var retries = new List<RetryEvent>();
        var inner = new TestChatClient
        {
            Response = (n, _, _, _) => n == 1 ? throw Transient() : Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok"))),
        };
        using var client = new RetryingChatClient(inner, Fast(onRetry: retries.Add));

        var response = await client.GetResponseAsync("hi", cancellationToken: Ct);

        Assert.Equal("ok", response.Text);
        Assert.Equal(2, inner.Calls);
        var retry = Assert.Single(retries);
        Assert.Equal(1, retry.Attempt);
        Assert.Equal(ProviderErrorKind.ServerUnavailable, Assert.IsType<ProviderException>(retry.Error).Kind);
    }

    [Fact]
    public async Task PermanentFailure_IsNotRetriedAndPropagatesUnchanged()
    {
        var failure = Permanent();
        var inner = new TestChatClient { Response = (_, _, _, _) => throw failure };
        using var client = new RetryingChatClient(inner, Fast());

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync("hi", cancellationToken: Ct));

        Assert.Same(failure, error);
        Assert.Equal(1, inner.Calls);
    }

    [Fact]
    public async Task EveryAttemptFailing_GivesUpAfterMaxAttemptsAndSaysSo()
    {
        var inner = new TestChatClient { Response = (n, _, _, _) => throw Transient() };
        using var client = new RetryingChatClient(inner, Fast(attempts: 3));

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync("hi", cancellationToken: Ct));

        Assert.Equal(3, inner.Calls);
        Assert.Equal(3, error.Attempts);
        Assert.Equal(ProviderErrorKind.ServerUnavailable, error.Kind);
        Assert.Equal("ServerUnavailable (test) (gave up after 3 attempts).", error.Message);
        Assert.IsNotType<ProviderException>(error.InnerException);
    }

    [Fact]
    public async Task RetryAfter_IsTheDelay_AndTheRetryWaitsForTheClock()
    {
        var time = new ObservedTimeProvider();
        var inner = new TestChatClient
        {
            Response = (n, _, _, _) => n == 1
                ? throw Transient(ProviderErrorKind.RateLimited, retryAfter: TimeSpan.FromSeconds(5))
                : Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok"))),
        };
        using var client = new RetryingChatClient(inner, new RetryOptions { BaseDelay = TimeSpan.FromMilliseconds(10) }, time);

        var call = client.GetResponseAsync("hi", cancellationToken: Ct);
        var due = await time.Timers.ReadAsync(Ct);
        time.Fake.Advance(due - TimeSpan.FromMilliseconds(1));
        var completedEarly = call.IsCompleted;
        time.Fake.Advance(TimeSpan.FromMilliseconds(1));
        var response = await call;

        Assert.Equal(TimeSpan.FromSeconds(5), due);
        Assert.False(completedEarly);
        Assert.Equal("ok", response.Text);
        Assert.Equal(2, inner.Calls);
    }

    [Fact]
    public async Task RetryAfterLongerThanTheCap_IsCutToTheCap()
    {
        var retries = new List<RetryEvent>();
        var inner = new TestChatClient
        {
            Response = (n, _, _, _) => n == 1
                ? throw Transient(ProviderErrorKind.RateLimited, retryAfter: TimeSpan.FromHours(1))
                : Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok"))),
        };
        var time = new ObservedTimeProvider();
        using var client = new RetryingChatClient(inner, new RetryOptions { MaxRetryAfter = TimeSpan.FromSeconds(20), OnRetry = retries.Add }, time);

        var call = client.GetResponseAsync("hi", cancellationToken: Ct);
        var waited = await time.ElapseNextTimerAsync(Ct);
        await call;

        Assert.Equal(TimeSpan.FromSeconds(20), waited);
        Assert.Equal(TimeSpan.FromSeconds(20), Assert.Single(retries).Delay);
    }

    [Fact]
    public async Task WithoutRetryAfter_DelaysGrowExponentiallyUpToTheMaximum()
    {
        var time = new ObservedTimeProvider();
        var inner = new TestChatClient { Response = (_, _, _, _) => throw Transient() };
        var options = new RetryOptions { MaxAttempts = 6, BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(5), UseJitter = false };
        using var client = new RetryingChatClient(inner, options, time);

        var call = client.GetResponseAsync("hi", cancellationToken: Ct);
        var delays = new List<TimeSpan>();
        for (var i = 0; i < 5; i++)
        {
            delays.Add(await time.ElapseNextTimerAsync(Ct));
        }
        await Assert.ThrowsAsync<ProviderException>(() => call);

        Assert.Equal(new[] { 1, 2, 4, 5, 5 }.Select(s => TimeSpan.FromSeconds(s)), delays);
        Assert.Equal(6, inner.Calls);
    }

    [Fact]
    public async Task WithJitter_DelaysStayWithinTheMaximum()
    {
        var retries = new List<RetryEvent>();
        var time = new ObservedTimeProvider();
        var inner = new TestChatClient { Response = (_, _, _, _) => throw Transient() };
        var options = new RetryOptions { MaxAttempts = 5, BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(3), OnRetry = retries.Add };
        using var client = new RetryingChatClient(inner, options, time);

        var call = client.GetResponseAsync("hi", cancellationToken: Ct);
        for (var i = 0; i < 4; i++)
        {
            await time.ElapseNextTimerAsync(Ct);
        }
        await Assert.ThrowsAsync<ProviderException>(() => call);

        Assert.Equal(4, retries.Count);
        Assert.All(retries, r => Assert.InRange(r.Delay, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)));
        Assert.Equal([1, 2, 3, 4], retries.Select(r => r.Attempt));
    }

    [Fact]
    public async Task ManyAttemptsWithoutJitter_SaturateAtTheMaximumInsteadOfOverflowing()
    {
        var retries = new List<RetryEvent>();
        var time = new ObservedTimeProvider();
        var inner = new TestChatClient { Response = (_, _, _, _) => throw Transient() };
        var options = new RetryOptions { MaxAttempts = 80, BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(5), UseJitter = false, OnRetry = retries.Add };
        using var client = new RetryingChatClient(inner, options, time);

        var call = client.GetResponseAsync("hi", cancellationToken: Ct);
        for (var i = 0; i < 79; i++)
        {
            await time.ElapseNextTimerAsync(Ct);
        }
        var error = await Assert.ThrowsAsync<ProviderException>(() => call);

        Assert.Equal(80, error.Attempts);
        Assert.All(retries.Skip(3), r => Assert.Equal(TimeSpan.FromSeconds(5), r.Delay));
    }

    [Fact]
    public async Task CancellationDuringTheDelay_StopsWithoutAnotherAttempt()
    {
        var time = new ObservedTimeProvider();
        var inner = new TestChatClient { Response = (_, _, _, _) => throw Transient() };
        using var client = new RetryingChatClient(inner, new RetryOptions(), time);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var call = client.GetResponseAsync("hi", cancellationToken: cts.Token);
        await time.Timers.ReadAsync(Ct);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal(1, inner.Calls);
    }

    [Fact]
    public async Task CancellationByTheCaller_IsNeverRetried()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var inner = new TestChatClient
        {
            Response = async (_, _, _, token) =>
            {
                await cts.CancelAsync();
                token.ThrowIfCancellationRequested();
                return new ChatResponse();
            },
        };
        using var client = new RetryingChatClient(inner, Fast());

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetResponseAsync("hi", cancellationToken: cts.Token));
        Assert.Equal(1, inner.Calls);
    }

    [Fact]
    public async Task MaxAttemptsOne_MeansNoRetries()
    {
        var inner = new TestChatClient { Response = (_, _, _, _) => throw Transient() };
        using var client = new RetryingChatClient(inner, RetryOptions.NoRetries);

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync("hi", cancellationToken: Ct));

        Assert.Equal(1, inner.Calls);
        Assert.Equal(1, error.Attempts);
    }

    [Fact]
    public async Task EveryAttempt_SendsTheSameMessagesEvenFromAOneShotSequence()
    {
        var seen = new List<string>();
        var inner = new TestChatClient
        {
            Response = (n, messages, _, _) =>
            {
                seen.Add(string.Join("|", messages.Select(m => m.Text)));
                return n == 1 ? throw Transient() : Task.FromResult(new ChatResponse());
            },
        };
        using var client = new RetryingChatClient(inner, Fast());
        static IEnumerable<ChatMessage> OneShot()
        {
            yield return new ChatMessage(ChatRole.System, "be brief");
            yield return new ChatMessage(ChatRole.User, "hi");
        }

        await client.GetResponseAsync(OneShot(), cancellationToken: Ct);

        Assert.Equal(["be brief|hi", "be brief|hi"], seen);
    }

    [Fact]
    public async Task Stream_FailingBeforeAnyOutput_IsRetriedAndTheFailedAttemptsUpdatesAreDropped()
    {
        var inner = new TestChatClient
        {
            Stream = (n, _, _, ct) => n == 1
                ? Updates([Usage(100, 0), Text("")], Transient(ProviderErrorKind.Network), ct)
                : Updates([Usage(100, 0), Text("Hel"), Text("lo"), Finish()], cancellationToken: ct),
        };
        using var client = new RetryingChatClient(inner, Fast());

        var updates = await DrainAsync(client);

        Assert.Equal(2, inner.Calls);
        Assert.Equal("Hello", string.Concat(updates.Select(u => u.Text)));
        Assert.Single(updates.SelectMany(u => u.Contents).OfType<UsageContent>());
        Assert.Equal(4, updates.Count);
    }

    [Fact]
    public async Task Stream_FailingAfterOutput_PropagatesWithoutReplaying()
    {
        var failure = Transient(ProviderErrorKind.Network);
        var inner = new TestChatClient { Stream = (_, _, _, ct) => Updates([Text("partial")], failure, ct) };
        using var client = new RetryingChatClient(inner, Fast());
        var seen = new List<string>();

        var error = await Assert.ThrowsAsync<ProviderException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("hi", null, Ct))
            {
                seen.Add(update.Text);
            }
        });

        Assert.Same(failure, error);
        Assert.Equal(["partial"], seen);
        Assert.Equal(1, inner.Calls);
    }

    [Fact]
    public async Task Stream_AToolCallCountsAsOutput()
    {
        var inner = new TestChatClient
        {
            Stream = (_, _, _, ct) => Updates(
                [new ChatResponseUpdate(ChatRole.Assistant, [new FunctionCallContent("c1", "read_file")])], Transient(ProviderErrorKind.Network), ct),
        };
        using var client = new RetryingChatClient(inner, Fast());

        await Assert.ThrowsAsync<ProviderException>(() => DrainAsync(client));

        Assert.Equal(1, inner.Calls);
    }

    [Fact]
    public async Task Stream_EndingWithoutOutput_YieldsWhatCameAndIsNotRetried()
    {
        var inner = new TestChatClient { Stream = (_, _, _, ct) => Updates([Usage(5, 0), Finish()], cancellationToken: ct) };
        using var client = new RetryingChatClient(inner, Fast());

        var updates = await DrainAsync(client);

        Assert.Equal(2, updates.Count);
        Assert.Equal(1, inner.Calls);
    }

    [Fact]
    public async Task Stream_FailingOnEveryAttempt_GivesUpWithTheAttemptCount()
    {
        var inner = new TestChatClient { Stream = (_, _, _, ct) => Updates([], Transient(), ct) };
        using var client = new RetryingChatClient(inner, Fast(attempts: 2));

        var error = await Assert.ThrowsAsync<ProviderException>(() => DrainAsync(client));

        Assert.Equal(2, error.Attempts);
        Assert.Equal(2, inner.Calls);
    }

    [Fact]
    public async Task ConcurrentCalls_RetryIndependently()
    {
        const int Calls = 16;
        var failedOnce = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
        var inner = new TestChatClient
        {
            Response = async (_, messages, _, _) =>
            {
                await Task.Yield();
                var key = messages.Single().Text;
                return failedOnce.TryAdd(key, true) ? throw Transient() : new ChatResponse(new ChatMessage(ChatRole.Assistant, key));
            },
        };
        using var client = new RetryingChatClient(inner, Fast(attempts: 2));
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var calls = Enumerable.Range(0, Calls).Select(i => Task.Run(async () =>
        {
            await start.Task;
            return (await client.GetResponseAsync($"call {i}", cancellationToken: Ct)).Text;
        }, Ct)).ToArray();
        start.SetResult();
        var answers = await Task.WhenAll(calls);

        Assert.Equal(Enumerable.Range(0, Calls).Select(i => $"call {i}"), answers);
        Assert.Equal(2 * Calls, inner.Calls);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.RequestTimeout, true)]
    [InlineData(HttpStatusCode.BadGateway, true)]
    [InlineData(HttpStatusCode.Unauthorized, false)]
    [InlineData(HttpStatusCode.BadRequest, false)]
    public void IsTransient_ClassifiesRawHttpErrorsByStatus(HttpStatusCode? status, bool transient)
    {
        Assert.Equal(transient, RetryingChatClient.IsTransient(new HttpRequestException("x", null, status), CancellationToken.None));
    }

    [Fact]
    public void IsTransient_IOErrorsYes_ProgrammingErrorsAndRequestedCancellationNo()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.True(RetryingChatClient.IsTransient(new IOException("reset"), CancellationToken.None));
        Assert.False(RetryingChatClient.IsTransient(new InvalidOperationException(), CancellationToken.None));
        Assert.False(RetryingChatClient.IsTransient(new OperationCanceledException(cts.Token), cts.Token));
        Assert.False(RetryingChatClient.IsTransient(Permanent(), CancellationToken.None));
    }

    [Theory]
    [InlineData(0, 1, 30, 60)]
    [InlineData(3, -1, 30, 60)]
    [InlineData(3, 10, 5, 60)]
    [InlineData(3, 1, 30, -1)]
    [InlineData(3, 90_000, 100_000, 60)]
    public void Constructor_RejectsNonsensicalOptions(int attempts, int baseSeconds, int maxSeconds, int maxRetryAfterSeconds)
    {
        var options = new RetryOptions
        {
            MaxAttempts = attempts,
            BaseDelay = TimeSpan.FromSeconds(baseSeconds),
            MaxDelay = TimeSpan.FromSeconds(maxSeconds),
            MaxRetryAfter = TimeSpan.FromSeconds(maxRetryAfterSeconds),
        };

        Assert.Throws<ArgumentOutOfRangeException>(() => new RetryingChatClient(new TestChatClient(), options));
    }
}
