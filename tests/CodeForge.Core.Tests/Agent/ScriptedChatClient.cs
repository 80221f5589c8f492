using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace CodeForge.Core.Tests.Agent;

/// <summary>An in-memory model: replays scripted responses (as streamed updates) and records every request.</summary>
internal sealed class ScriptedChatClient : IChatClient
{
    private readonly ConcurrentQueue<Func<CancellationToken, IAsyncEnumerable<ChatResponseUpdate>>> _script = new();

    public List<List<ChatMessage>> Requests { get; } = [];

    public List<ChatOptions?> Options { get; } = [];

    public ScriptedChatClient Text(string text, int chunks = 1)
    {
        var size = Math.Max(1, text.Length / chunks);
        var parts = Enumerable.Range(0, (text.Length + size - 1) / size).Select(i => text.Substring(i * size, Math.Min(size, text.Length - i * size))).ToList();
        _script.Enqueue(_ => Updates(parts.Select(p => new ChatResponseUpdate(ChatRole.Assistant, p)).ToList()));
        return this;
    }

    public ScriptedChatClient ToolCalls(params FunctionCallContent[] calls)
    {
        _script.Enqueue(_ => Updates([new ChatResponseUpdate(ChatRole.Assistant, [.. calls]) { FinishReason = ChatFinishReason.ToolCalls }]));
        return this;
    }

    public ScriptedChatClient Then(Func<CancellationToken, IAsyncEnumerable<ChatResponseUpdate>> step)
    {
        _script.Enqueue(step);
        return this;
    }

    public ScriptedChatClient Fails(Exception error)
    {
        _script.Enqueue(ct => Throw(error, ct));
        return this;
    }

    public static FunctionCallContent Call(string id, string name, params (string Key, object? Value)[] args) =>
        new(id, name, args.ToDictionary(a => a.Key, a => a.Value));

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        lock (Requests)
        {
            Requests.Add([.. messages]);
            Options.Add(options);
        }
        if (!_script.TryDequeue(out var step))
        {
            throw new InvalidOperationException("The scripted model has no more responses.");
        }
        return step(cancellationToken);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Updates(List<ChatResponseUpdate> updates)
    {
        foreach (var u in updates)
        {
            await Task.Yield();
            yield return u;
        }
    }

#pragma warning disable CS1998 // an iterator that only throws
    private static async IAsyncEnumerable<ChatResponseUpdate> Throw(Exception error, [EnumeratorCancellation] CancellationToken ct = default)
    {
        throw error;
#pragma warning disable CS0162
        yield break;
#pragma warning restore CS0162
    }
#pragma warning restore CS1998
}
