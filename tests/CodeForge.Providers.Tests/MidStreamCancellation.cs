using CodeForge.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;

namespace CodeForge.Providers.Tests;

/// <summary>The check shared by the wire clients' tests that cancelling mid-stream stops the stream: a local endpoint
/// sends one event and then holds the response open until the client aborts the request.</summary>
internal static class MidStreamCancellation
{
    /// <summary>Streams from a client made by <paramref name="create"/> (given the HTTP client and the base URL
    /// <c>…/v1</c>) against <paramref name="path"/>, which sends <paramref name="firstEvent"/> (whose text is
    /// <c>first</c>) and hangs; asserts that the first update arrives, that cancelling then ends the stream with
    /// <see cref="OperationCanceledException"/>, and that the server sees the request aborted.</summary>
    public static async Task AssertCancellingStopsTheStreamAsync(string path, string firstEvent,
        Func<HttpClient, string, IChatClient> create, CancellationToken ct)
    {
        await using var web = await LocalWebServer.StartAsync(ct);
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        web.Map(path, async c =>
        {
            c.Response.ContentType = "text/event-stream";
            await c.Response.WriteAsync(firstEvent, c.RequestAborted);
            await c.Response.Body.FlushAsync(c.RequestAborted);
            var never = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            try
            {
                await never.Task.WaitAsync(c.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                aborted.TrySetResult();
            }
        });
        using var http = new HttpClient();
        using var client = create(http, web.Url("/v1"));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);

        await using var updates = client.GetStreamingResponseAsync("hi", null, cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await updates.MoveNextAsync());
        Assert.Equal("first", updates.Current.Text);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await updates.MoveNextAsync());
        await aborted.Task.WaitAsync(ct);
    }
}
