using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace CodeForge.Providers.Tests;

/// <summary>A scripted inner <see cref="IChatClient"/> for decorator tests: each call runs the callback with its
/// 1-based call number. Thread-safe (the counter is atomic).</summary>
internal sealed class TestChatClient : IChatClient
{
    private int _calls;

    public Func<int, IEnumerable<ChatMessage>, ChatOptions?, CancellationToken, Task<ChatResponse>>? Response { get; init; }

    public Func<int, IEnumerable<ChatMessage>, ChatOptions?, CancellationToken, IAsyncEnumerable<ChatResponseUpdate>>? Stream { get; init; }

    public int Calls => Volatile.Read(ref _calls);

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        (Response ?? throw new InvalidOperationException("no Response callback"))(Interlocked.Increment(ref _calls), messages, options, cancellationToken);

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        (Stream ?? throw new InvalidOperationException("no Stream callback"))(Interlocked.Increment(ref _calls), messages, options, cancellationToken);

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }

    /// <summary>A stream of the given updates, then optionally an exception.</summary>
    public static async IAsyncEnumerable<ChatResponseUpdate> Updates(IEnumerable<ChatResponseUpdate> updates, Exception? thenThrow = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var update in updates)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return update;
        }
        if (thenThrow is not null)
        {
            throw thenThrow;
        }
    }

    public static ChatResponseUpdate Text(string text) => new(ChatRole.Assistant, text);

    public static ChatResponseUpdate Finish(string text = "") => new(ChatRole.Assistant, text) { FinishReason = ChatFinishReason.Stop };

    public static ChatResponseUpdate Usage(long input, long output, long cached = 0) =>
        new(ChatRole.Assistant, [new UsageContent(new UsageDetails { InputTokenCount = input, OutputTokenCount = output, CachedInputTokenCount = cached })]);

    public static ProviderException Transient(ProviderErrorKind kind = ProviderErrorKind.ServerUnavailable, TimeSpan? retryAfter = null) =>
        new(kind, $"{kind} (test)", isTransient: true, statusCode: 503, retryAfter: retryAfter);

    public static ProviderException Permanent(ProviderErrorKind kind = ProviderErrorKind.AuthenticationFailed) =>
        new(kind, $"{kind} (test)", isTransient: false, statusCode: 401);
}
