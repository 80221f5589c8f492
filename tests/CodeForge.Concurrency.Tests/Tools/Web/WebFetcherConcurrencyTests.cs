using System.Collections.Concurrent;
using CodeForge.Concurrency.Tests.Infrastructure;
using CodeForge.Core.Tools.Web;
using CodeForge.Core.Web;
using CodeForge.Testing;
using Microsoft.AspNetCore.Http;

namespace CodeForge.Concurrency.Tests.Tools.Web;

/// <summary>
/// Many WebFetch calls at once against a real server on 127.0.0.1. What is guaranteed: concurrent fetches of one URL share
/// one request (single flight), and later ones hit the cache, so the server sees exactly one request per URL while the
/// entry is cached; every caller gets the same content; a caller's cancellation affects only that caller.
/// </summary>
[Collection(NonParallel.Name)]
public sealed class WebFetcherConcurrencyTests : IAsyncLifetime
{
    private LocalWebServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await LocalWebServer.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private static WebFetcher Fetcher() => new(new WebCache(), WebToolOptions.Default with { AllowedHosts = ["127.0.0.1"] });

    /// <summary>The handler holds its answer until every caller has been started, so the callers really overlap.</summary>
    private void MapGated(string path, string body, int callers, out TaskCompletionSource allStarted)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        allStarted = started;
        _server.Map(path, async c =>
        {
            await started.Task.WaitAsync(c.RequestAborted);
            c.Response.ContentType = "text/html";
            await c.Response.WriteAsync($"<html><body><h1>{body}</h1><p>Paragraph of {body}.</p></body></html>", c.RequestAborted);
        });
    }

    [Fact]
    public async Task ParallelFetchesOfOneUrl_HitTheServerOnceAndAllGetTheSameContent()
    {
        const int callers = 64;
        MapGated("/same", "Shared", callers, out var allStarted);
        using var fetcher = Fetcher();
        var results = new WebFetchOutcome[callers];
        var started = 0;

        await Stress.GatherAsync(callers, async i =>
        {
            if (Interlocked.Increment(ref started) == callers)
            {
                allStarted.TrySetResult();
            }
            results[i] = await fetcher.FetchAsync(_server.Url("/same"), TestContext.Current.CancellationToken);
        });

        Assert.Equal(1, _server.CountOf("/same"));
        Assert.Equal(1, fetcher.NetworkFetches);
        Assert.All(results, r => Assert.Equal(WebFetchStatus.Fetched, r.Status));
        Assert.Single(results.Select(r => r.Response!.Content).Distinct());
        Assert.Contains("# Shared", results[0].Response!.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ParallelFetchesOfManyUrls_EachUrlIsRequestedExactlyOnce()
    {
        const int urls = 8;
        const int perUrl = 12;
        var gates = new TaskCompletionSource[urls];
        for (var u = 0; u < urls; u++)
        {
            MapGated($"/page{u}", $"Page {u}", perUrl, out gates[u]);
        }
        using var fetcher = Fetcher();
        var contents = new ConcurrentDictionary<int, ConcurrentBag<string>>();
        var started = new int[urls];

        await Stress.GatherAsync(urls * perUrl, async i =>
        {
            var u = i % urls;
            if (Interlocked.Increment(ref started[u]) == perUrl)
            {
                gates[u].TrySetResult();
            }
            var outcome = await fetcher.FetchAsync(_server.Url($"/page{u}"), TestContext.Current.CancellationToken);
            contents.GetOrAdd(u, _ => []).Add(outcome.Response!.Content);
        });

        for (var u = 0; u < urls; u++)
        {
            Assert.Equal(1, _server.CountOf($"/page{u}"));
            var distinct = Assert.Single(contents[u].Distinct());
            Assert.Contains($"# Page {u}", distinct, StringComparison.Ordinal);
            Assert.Equal(perUrl, contents[u].Count);
        }
    }

    [Fact]
    public async Task ACallerThatCancels_StopsWaitingWhileTheOthersGetThePage()
    {
        const int callers = 10;
        MapGated("/cancel", "Kept", callers, out var release);
        using var fetcher = Fetcher();
        using var cancelled = new CancellationTokenSource();
        var waiting = Enumerable.Range(0, callers - 1).Select(_ => fetcher.FetchAsync(_server.Url("/cancel"), TestContext.Current.CancellationToken)).ToArray();
        var quitter = fetcher.FetchAsync(_server.Url("/cancel"), cancelled.Token);

        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => quitter);
        release.TrySetResult();
        var outcomes = await Stress.WithinWatchdog(Task.WhenAll(waiting), what: "waiting callers");

        Assert.All(outcomes, o => Assert.Contains("# Kept", o.Response!.Content, StringComparison.Ordinal));
        Assert.Equal(1, _server.CountOf("/cancel"));
    }

    [Fact]
    public async Task AFailedSharedFetch_IsReportedToEveryWaiterAndNotCached()
    {
        const int callers = 16;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        _server.Map("/flaky", async c =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                await release.Task.WaitAsync(c.RequestAborted);
                c.Response.StatusCode = 503;
                return;
            }
            await c.Response.WriteAsync("recovered", c.RequestAborted);
        });
        using var fetcher = Fetcher();
        var first = Enumerable.Range(0, callers).Select(_ => fetcher.FetchAsync(_server.Url("/flaky"), TestContext.Current.CancellationToken)).ToArray();
        release.TrySetResult();
        var outcomes = await Stress.WithinWatchdog(Task.WhenAll(first), what: "failed flight");

        var again = await fetcher.FetchAsync(_server.Url("/flaky"), TestContext.Current.CancellationToken);

        Assert.All(outcomes, o => Assert.Contains("HTTP 503", o.Error, StringComparison.Ordinal));
        Assert.Equal("recovered", again.Response!.Content);
        Assert.Equal(2, _server.CountOf("/flaky"));
    }
}
