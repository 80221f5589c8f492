using System.Threading.Channels;
using CodeForge.Mcp.Client;
using Microsoft.Extensions.Time.Testing;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace CodeForge.Mcp.Tests.Client;

public sealed class ExitReportingClientTransportTests
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(9);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly JsonRpcRequest Initialize = new() { Id = new RequestId(1), Method = "initialize" };

    /// <summary>A connected transport whose send fails as a write to a dead server's stdin does, and whose channel the test closes.</summary>
    private sealed class DeadServerTransport(Exception? sendError) : ITransport
    {
        public Channel<JsonRpcMessage> Channel { get; } = System.Threading.Channels.Channel.CreateUnbounded<JsonRpcMessage>();

        public int Sends { get; private set; }

        public string? SessionId => null;

        public ChannelReader<JsonRpcMessage> MessageReader => Channel.Reader;

        public Task SendMessageAsync(JsonRpcMessage message, CancellationToken cancellationToken = default)
        {
            Sends++;
            return sendError is null ? Task.CompletedTask : Task.FromException(sendError);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class Connecting(ITransport session) : IClientTransport
    {
        public string Name => "dead";

        public Task<ITransport> ConnectAsync(CancellationToken cancellationToken = default) => Task.FromResult(session);
    }

    private static async Task<ITransport> ConnectAsync(ITransport inner, TimeProvider? time = null) =>
        await new ExitReportingClientTransport(new Connecting(inner), Grace, time ?? TimeProvider.System).ConnectAsync(Ct);

    private static ClientTransportClosedException Exited(int? code, params string[] stderr) => new(new StdioClientCompletionDetails
    {
        ExitCode = code,
        StandardErrorTail = stderr.Length == 0 ? null : stderr,
        Exception = new IOException("MCP server process exited unexpectedly"),
    });

    [Fact]
    public async Task SendMessageAsync_WhenTheSendFailsBeforeTheExitIsKnown_WaitsForItAndThrowsTheExitWithItsStderr()
    {
        var inner = new DeadServerTransport(new IOException("Failed to send message."));
        var transport = await ConnectAsync(inner);

        var sending = transport.SendMessageAsync(Initialize, Ct);
        Assert.False(sending.IsCompleted); // waiting for the read loop to learn of the exit
        inner.Channel.Writer.TryComplete(Exited(1, "Error: Cannot find module", "  code: 'MODULE_NOT_FOUND'"));

        var thrown = await Assert.ThrowsAsync<ClientTransportClosedException>(() => sending);
        var details = Assert.IsType<StdioClientCompletionDetails>(thrown.Details);
        Assert.Equal(1, details.ExitCode);
        Assert.Contains("  code: 'MODULE_NOT_FOUND'", details.StandardErrorTail!);
    }

    [Fact]
    public async Task SendMessageAsync_WhenTheChannelClosesWithOnlyAnExitCode_ThrowsTheExit()
    {
        var inner = new DeadServerTransport(new IOException("Failed to send message."));
        var transport = await ConnectAsync(inner);

        var sending = transport.SendMessageAsync(Initialize, Ct);
        inner.Channel.Writer.TryComplete(Exited(3));

        var thrown = await Assert.ThrowsAsync<ClientTransportClosedException>(() => sending);
        Assert.Equal(3, Assert.IsType<StdioClientCompletionDetails>(thrown.Details).ExitCode);
    }

    [Fact]
    public async Task SendMessageAsync_WhenTheChannelClosesWithoutProcessDetails_ThrowsTheSendError()
    {
        var sendError = new IOException("Failed to send message.");
        var inner = new DeadServerTransport(sendError);
        var transport = await ConnectAsync(inner);

        var sending = transport.SendMessageAsync(Initialize, Ct);
        inner.Channel.Writer.TryComplete(Exited(null));

        Assert.Same(sendError, await Assert.ThrowsAsync<IOException>(() => sending));
    }

    [Fact]
    public async Task SendMessageAsync_WhenTheChannelClosesWithoutAnError_ThrowsTheSendError()
    {
        var sendError = new IOException("Failed to send message.");
        var inner = new DeadServerTransport(sendError);
        var transport = await ConnectAsync(inner);

        var sending = transport.SendMessageAsync(Initialize, Ct);
        inner.Channel.Writer.TryComplete();

        Assert.Same(sendError, await Assert.ThrowsAsync<IOException>(() => sending));
    }

    [Fact]
    public async Task SendMessageAsync_WhenTheChannelStaysOpenPastTheGrace_ThrowsTheSendError()
    {
        var time = new FakeTimeProvider();
        var sendError = new IOException("Failed to send message.");
        var inner = new DeadServerTransport(sendError);
        var transport = await ConnectAsync(inner, time);

        var sending = transport.SendMessageAsync(Initialize, Ct);
        time.Advance(Grace - TimeSpan.FromMilliseconds(1));
        Assert.False(sending.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Same(sendError, await Assert.ThrowsAsync<IOException>(() => sending));
    }

    [Fact]
    public async Task SendMessageAsync_WhenCancelledWhileWaiting_ThrowsTheSendError()
    {
        using var cancel = new CancellationTokenSource();
        var sendError = new IOException("Failed to send message.");
        var transport = await ConnectAsync(new DeadServerTransport(sendError));

        var sending = transport.SendMessageAsync(Initialize, cancel.Token);
        await cancel.CancelAsync();

        Assert.Same(sendError, await Assert.ThrowsAsync<IOException>(() => sending));
    }

    [Fact]
    public async Task SendMessageAsync_WhenTheSendFailsWithTheSdksClosedError_ThrowsItWithoutWaiting()
    {
        var closed = Exited(1, "boom");
        var inner = new DeadServerTransport(closed);
        var transport = await ConnectAsync(inner);

        var sending = transport.SendMessageAsync(Initialize, Ct);

        Assert.True(sending.IsCompleted);
        Assert.Same(closed, await Assert.ThrowsAsync<ClientTransportClosedException>(() => sending));
    }

    [Fact]
    public async Task SendMessageAsync_WhenTheSendSucceeds_ReturnsWithoutWaitingForTheChannel()
    {
        var inner = new DeadServerTransport(null);
        var transport = await ConnectAsync(inner);

        await transport.SendMessageAsync(Initialize, Ct);

        Assert.Equal(1, inner.Sends);
        Assert.False(inner.Channel.Reader.Completion.IsCompleted);
    }

    [Fact]
    public async Task SendMessageAsync_WhenTheSendFailsForAnotherReason_ThrowsItWithoutWaiting()
    {
        var inner = new DeadServerTransport(new InvalidOperationException("not connected"));
        var transport = await ConnectAsync(inner);

        var sending = transport.SendMessageAsync(Initialize, Ct);

        Assert.True(sending.IsCompleted);
        await Assert.ThrowsAsync<InvalidOperationException>(() => sending);
    }
}
