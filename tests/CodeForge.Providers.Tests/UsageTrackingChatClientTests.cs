using Microsoft.Extensions.AI;
using static CodeForge.Providers.Tests.TestChatClient;

namespace CodeForge.Providers.Tests;

public sealed class UsageTrackingChatClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ChatResponse Answer(string model, long input, long output, long cached = 0) =>
        new(new ChatMessage(ChatRole.Assistant, "ok"))
        {
            ModelId = model,
            Usage = new UsageDetails { InputTokenCount = input, OutputTokenCount = output, CachedInputTokenCount = cached },
        };

    [Fact]
    public async Task Response_IsRecordedWithTheCatalogPriceAndCarriesItsCallUsage()
    {
        var tracker = new UsageTracker();
        var inner = new TestChatClient { Response = (_, _, _, _) => Task.FromResult(Answer("claude-haiku-4-5-20251001", 2_000, 300, 1_000)) };
        using var client = new UsageTrackingChatClient(inner, tracker, "fallback");

        var response = await client.GetResponseAsync("hi", cancellationToken: Ct);

        var price = ModelCatalog.Find("claude-haiku-4-5")!.Price!;
        var expected = new CallUsage("claude-haiku-4-5-20251001", 2_000, 300, 1_000, 0, price.Cost(2_000, 300, 1_000));
        Assert.Equal(expected, UsageTrackingChatClient.GetCallUsage(response));
        Assert.Equal((1, expected.Cost), (tracker.Snapshot.Calls, (decimal?)tracker.Snapshot.Cost));
    }

    [Fact]
    public async Task Response_WithoutAModelId_IsAttributedToTheRequestOrTheDefaultModel()
    {
        var tracker = new UsageTracker();
        var inner = new TestChatClient { Response = (_, _, _, _) => Task.FromResult(Answer(null!, 1, 1)) };
        using var client = new UsageTrackingChatClient(inner, tracker, "default-model", _ => null);

        await client.GetResponseAsync("hi", new ChatOptions { ModelId = "requested-model" }, Ct);
        await client.GetResponseAsync("hi", cancellationToken: Ct);

        Assert.Equal(["default-model", "requested-model"], tracker.Snapshot.ByModel.Keys.Order());
    }

    [Fact]
    public async Task FailedResponse_IsNotRecorded()
    {
        var tracker = new UsageTracker();
        var inner = new TestChatClient { Response = (_, _, _, _) => throw Permanent() };
        using var client = new UsageTrackingChatClient(inner, tracker, "m");

        await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync("hi", cancellationToken: Ct));

        Assert.Equal(0, tracker.Snapshot.Calls);
    }

    [Fact]
    public async Task Stream_IsRecordedOnceWithTheSumOfItsUsageUpdates()
    {
        var tracker = new UsageTracker();
        var inner = new TestChatClient
        {
            Stream = (_, _, _, ct) => Updates([Usage(100, 1), Text("a"), Text("b"), Usage(0, 49, cached: 0), Finish()], cancellationToken: ct),
        };
        using var client = new UsageTrackingChatClient(inner, tracker, "m", _ => ModelPrice.Free);

        var count = 0;
        await foreach (var _ in client.GetStreamingResponseAsync("hi", null, Ct))
        {
            Assert.Equal(0, tracker.Snapshot.Calls); // nothing is recorded before the stream ends
            count++;
        }

        Assert.Equal(5, count);
        Assert.Equal((1, 100, 50), (tracker.Snapshot.Calls, tracker.Snapshot.InputTokens, tracker.Snapshot.OutputTokens));
    }

    [Fact]
    public async Task Stream_FailingAfterUsageArrived_RecordsWhatArrived_AndWithoutUsageRecordsNothing()
    {
        var tracker = new UsageTracker();
        var inner = new TestChatClient
        {
            Stream = (n, _, _, ct) => n == 1
                ? Updates([Usage(70, 0), Text("a")], new IOException("reset"), ct)
                : Updates([Text("a")], new IOException("reset"), ct),
        };
        using var client = new UsageTrackingChatClient(inner, tracker, "m");

        await Assert.ThrowsAsync<IOException>(async () => { await foreach (var _ in client.GetStreamingResponseAsync("hi", null, Ct)) { } });
        await Assert.ThrowsAsync<IOException>(async () => { await foreach (var _ in client.GetStreamingResponseAsync("hi", null, Ct)) { } });

        Assert.Equal((1, 70), (tracker.Snapshot.Calls, tracker.Snapshot.InputTokens));
    }

    [Fact]
    public async Task ConcurrentCalls_TotalsAreExact()
    {
        const int Calls = 40;
        var tracker = new UsageTracker();
        var inner = new TestChatClient
        {
            Response = async (n, _, _, _) =>
            {
                await Task.Yield();
                return Answer("gpt-5.4", 1_000, 100, 500);
            },
            Stream = (n, _, _, ct) => Updates([Text("x"), Usage(1_000, 100, cached: 500), Finish()], cancellationToken: ct),
        };
        using var client = new UsageTrackingChatClient(inner, tracker, "gpt-5.4");
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var calls = Enumerable.Range(0, Calls).Select(i => Task.Run(async () =>
        {
            await start.Task;
            if (i % 2 == 0)
            {
                await client.GetResponseAsync("hi", cancellationToken: Ct);
            }
            else
            {
                await foreach (var _ in client.GetStreamingResponseAsync("hi", null, Ct))
                {
                }
            }
        }, Ct)).ToArray();
        start.SetResult();
        await Task.WhenAll(calls);

        var totals = tracker.Snapshot;
        Assert.Equal((Calls, Calls * 1_000L, Calls * 100L, Calls * 500L), (totals.Calls, totals.InputTokens, totals.OutputTokens, totals.CachedInputTokens));
        Assert.Equal(Calls * ModelCatalog.Find("gpt-5.4")!.Price!.Cost(1_000, 100, 500), totals.Cost);
    }

    [Fact]
    public async Task ApiDuration_AddsTheTimeOfEveryCall_StreamedFailedAndPlain()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var tracker = new UsageTracker();
        var inner = new TestChatClient
        {
            Response = (n, _, _, _) =>
            {
                time.Advance(TimeSpan.FromMilliseconds(300));
                return n == 1 ? Task.FromResult(Answer("m", 1, 1)) : throw Transient();
            },
            Stream = (_, _, _, ct) => Slow(time, ct),
        };
        using var client = new UsageTrackingChatClient(inner, tracker, "m", _ => null, time);

        await client.GetResponseAsync("hi", cancellationToken: Ct);
        await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync("hi", cancellationToken: Ct));
        await foreach (var _ in client.GetStreamingResponseAsync("hi", cancellationToken: Ct))
        {
        }

        Assert.Equal(TimeSpan.FromMilliseconds(300 + 300 + 1200), tracker.Snapshot.ApiDuration);

        static async IAsyncEnumerable<ChatResponseUpdate> Slow(Microsoft.Extensions.Time.Testing.FakeTimeProvider time,
            [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
        {
            await Task.Yield();
            time.Advance(TimeSpan.FromMilliseconds(700));
            yield return Text("a");
            time.Advance(TimeSpan.FromMilliseconds(500));
            yield return Finish();
            ct.ThrowIfCancellationRequested();
        }
    }

    [Fact]
    public void RecordApiTime_RejectsNegativeTime() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new UsageTracker().RecordApiTime(TimeSpan.FromTicks(-1)));

    [Fact]
    public void GetService_ReturnsTheTracker()
    {
        var tracker = new UsageTracker();
        using var client = new UsageTrackingChatClient(new TestChatClient(), tracker, "m");

        Assert.Same(tracker, client.GetService<UsageTracker>());
        Assert.Same(tracker, client.Tracker);
    }

    [Fact]
    public void Constructor_RejectsMissingArguments()
    {
        Assert.Throws<ArgumentNullException>(() => new UsageTrackingChatClient(new TestChatClient(), null!, "m"));
        Assert.Throws<ArgumentException>(() => new UsageTrackingChatClient(new TestChatClient(), new UsageTracker(), ""));
    }
}
