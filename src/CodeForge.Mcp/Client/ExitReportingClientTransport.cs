using System.Threading.Channels;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace CodeForge.Mcp.Client;

/// <summary>
/// Wraps a stdio client transport so that a message that could not be sent because the server has gone reports why it
/// went: its exit code and the end of its stderr, not a bare "Failed to send message.".
/// </summary>
/// <remarks>
/// <para>
/// Why: when a server exits at once, the SDK's first write to its stdin fails with a broken pipe. The SDK's transport asks
/// whether the process has exited, and if the kernel has not reaped it yet the answer is no, so the bare I/O error is
/// thrown. The transport's read loop, which saw the end of the server's output at the same time, is meanwhile waiting for
/// the exit and draining stderr; it then closes the message channel with a <see cref="ClientTransportClosedException"/>
/// that carries the exit code and the stderr tail. The SDK's client disposes the transport as soon as the send fails,
/// and that disposal closes the channel first, without details, and before stderr is drained. So the reason a user needs
/// was lost, depending on which thread got there first (a clean-clone CI run saw it once).
/// </para>
/// <para>
/// What: a failed send waits (bounded by its token and by <paramref name="grace"/>) for the inner transport's message
/// channel to close, which its read loop does after the exit is known, and then throws the channel's
/// <see cref="ClientTransportClosedException"/> when it carries process details; otherwise the original error.
/// </para>
/// <para>
/// Concurrency: stateless beyond the inner transport; every member may be called from any thread as the inner
/// transport allows. The wait reads <see cref="ChannelReader{T}.Completion"/>, which is safe alongside the SDK's reader.
/// </para>
/// </remarks>
internal sealed class ExitReportingClientTransport(IClientTransport inner, TimeSpan grace, TimeProvider timeProvider) : IClientTransport
{
    public string Name => inner.Name;

    public async Task<ITransport> ConnectAsync(CancellationToken cancellationToken = default) =>
        new Session(await inner.ConnectAsync(cancellationToken).ConfigureAwait(false), grace, timeProvider);

    /// <summary>The connected transport; see the enclosing type.</summary>
    internal sealed class Session(ITransport inner, TimeSpan grace, TimeProvider timeProvider) : ITransport
    {
        public string? SessionId => inner.SessionId;

        public ChannelReader<JsonRpcMessage> MessageReader => inner.MessageReader;

        public async Task SendMessageAsync(JsonRpcMessage message, CancellationToken cancellationToken = default)
        {
            try
            {
                await inner.SendMessageAsync(message, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException sendError) when (sendError is not ClientTransportClosedException)
            {
                if (await ClosedWithProcessDetailsAsync(cancellationToken).ConfigureAwait(false) is { } closed)
                {
                    throw closed;
                }
                throw;
            }
        }

        private async Task<ClientTransportClosedException?> ClosedWithProcessDetailsAsync(CancellationToken cancellationToken)
        {
            try
            {
                await inner.MessageReader.Completion.WaitAsync(grace, timeProvider, cancellationToken).ConfigureAwait(false);
                return null; // closed without an error: nothing more to say than the send's own error
            }
            catch (ClientTransportClosedException closed) when (closed.Details is StdioClientCompletionDetails { ExitCode: not null } or StdioClientCompletionDetails { StandardErrorTail.Count: > 0 })
            {
                return closed;
            }
            catch (Exception ex) when (ex is TimeoutException or OperationCanceledException or ChannelClosedException or IOException)
            {
                return null; // still open after the grace, cancelled, or closed for another reason: the send's error stands
            }
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
