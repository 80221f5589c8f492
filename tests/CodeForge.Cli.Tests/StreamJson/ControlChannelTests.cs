using System.Text.Json;
using CodeForge.Cli.StreamJson;

namespace CodeForge.Cli.Tests.StreamJson;

public sealed class ControlChannelTests
{
    private readonly StringWriter _stdout = new();
    private readonly StringWriter _stderr = new();

    private static ControlResponse Success(string id, string json) =>
        new(id, true, JsonDocument.Parse(json).RootElement.Clone(), null);

    private JsonElement LastLine() => JsonDocument.Parse(_stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]).RootElement;

    [Fact]
    public async Task RequestAsync_WritesAControlRequestAndReturnsTheAnswerWithTheSameId()
    {
        var channel = new ControlChannel(_stdout, _stderr, debug: false);

        var pending = channel.RequestAsync("can_use_tool", w => w.WriteString("tool_name", "Write"), TestContext.Current.CancellationToken);
        var line = LastLine();
        var id = line.GetProperty("request_id").GetString()!;
        Assert.Equal("control_request", line.GetProperty("type").GetString());
        Assert.Equal("can_use_tool", line.GetProperty("request").GetProperty("subtype").GetString());
        Assert.Equal("Write", line.GetProperty("request").GetProperty("tool_name").GetString());
        Assert.True(channel.Complete(Success(id, """{"behavior":"allow"}""")));

        var answer = await pending;
        Assert.Equal("allow", answer.GetProperty("behavior").GetString());
        Assert.Equal(0, channel.PendingCount);
    }

    [Fact]
    public async Task Complete_WithAnErrorAnswer_FailsTheRequestWithTheSdksMessage()
    {
        var channel = new ControlChannel(_stdout, _stderr, debug: false);
        var pending = channel.RequestAsync("hook_callback", _ => { }, TestContext.Current.CancellationToken);
        var id = LastLine().GetProperty("request_id").GetString()!;

        channel.Complete(new ControlResponse(id, false, default, "callback threw"));

        var error = await Assert.ThrowsAsync<ControlRequestFailedException>(() => pending);
        Assert.Equal("callback threw", error.Message);
    }

    [Fact]
    public void Complete_ForAnUnknownId_IsIgnoredWithADebugNote()
    {
        var channel = new ControlChannel(_stdout, _stderr, debug: true);

        Assert.False(channel.Complete(Success("req_unknown", "{}")));

        Assert.Contains("unknown request id 'req_unknown' ignored", _stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal("", _stdout.ToString());
    }

    [Fact]
    public async Task Close_FailsEveryPendingRequestAndEveryLaterOne()
    {
        var channel = new ControlChannel(_stdout, _stderr, debug: false);
        var first = channel.RequestAsync("can_use_tool", _ => { }, TestContext.Current.CancellationToken);
        var second = channel.RequestAsync("hook_callback", _ => { }, TestContext.Current.CancellationToken);

        channel.Close("stdin closed");

        Assert.Equal("stdin closed", (await Assert.ThrowsAsync<ControlRequestFailedException>(() => first)).Message);
        Assert.Equal("stdin closed", (await Assert.ThrowsAsync<ControlRequestFailedException>(() => second)).Message);
        var later = await Assert.ThrowsAsync<ControlRequestFailedException>(() => channel.RequestAsync("can_use_tool", _ => { }, TestContext.Current.CancellationToken));
        Assert.Contains("stdin closed", later.Message, StringComparison.Ordinal);
        Assert.Equal(0, channel.PendingCount);
    }

    [Fact]
    public async Task RequestAsync_WhenCancelled_TellsTheSdkWithAControlCancelRequest()
    {
        var channel = new ControlChannel(_stdout, _stderr, debug: false);
        using var cts = new CancellationTokenSource();
        var pending = channel.RequestAsync("can_use_tool", _ => { }, cts.Token);
        var id = LastLine().GetProperty("request_id").GetString()!;

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
        var cancel = LastLine();
        Assert.Equal("control_cancel_request", cancel.GetProperty("type").GetString());
        Assert.Equal(id, cancel.GetProperty("request_id").GetString());
        Assert.False(channel.Complete(Success(id, "{}")));
    }

    [Fact]
    public void RespondError_WritesTheErrorShapeOfTheProtocol()
    {
        var channel = new ControlChannel(_stdout, _stderr, debug: false);

        channel.RespondError("req_9", "nope");

        var response = LastLine().GetProperty("response");
        Assert.Equal("error", response.GetProperty("subtype").GetString());
        Assert.Equal("req_9", response.GetProperty("request_id").GetString());
        Assert.Equal("nope", response.GetProperty("error").GetString());
    }
}
