using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace CodeForge.Core.Tests.Agent;

/// <summary>
/// A model that answers each request with a handler chosen from the request itself (for parallel subagents, whose
/// requests arrive in any order). Records every request; thread-safe.
/// </summary>
internal sealed class RoutingChatClient(Func<IReadOnlyList<ChatMessage>, ChatOptions?, CancellationToken, Task<ChatMessage>> answer) : IChatClient
{
    private readonly object _gate = new();
    private readonly List<(List<ChatMessage> Messages, ChatOptions? Options)> _requests = [];

    public IReadOnlyList<(List<ChatMessage> Messages, ChatOptions? Options)> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public static ChatMessage Text(string text) => new(ChatRole.Assistant, text);

    public static ChatMessage Calls(params FunctionCallContent[] calls) => new(ChatRole.Assistant, [.. calls]);

    public static FunctionCallContent Call(string id, string name, params (string Key, object? Value)[] args) =>
        new(id, name, args.ToDictionary(a => a.Key, a => a.Value));

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages.ToList();
        lock (_gate)
        {
            _requests.Add((list, options));
        }
        var message = await answer(list, options, cancellationToken);
        return new ChatResponse(message) { Usage = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 5 } };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = await GetResponseAsync(messages, options, cancellationToken);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
