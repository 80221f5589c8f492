using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Text.Json;
using CodeForge.Providers;
using Microsoft.Extensions.AI;

namespace CodeForge.Cli.Composition;

/// <summary>A switch to a fallback model (<c>--fallback-model</c>): from which model, to which, why, and the line a user reads.</summary>
/// <param name="OriginalModel">The model that failed.</param>
/// <param name="FallbackModel">The model the call went to instead.</param>
/// <param name="Trigger">Claude Code's reason: <c>model_not_found</c>, <c>overloaded</c> or <c>server_error</c>.</param>
/// <param name="Error">The error of the failed model (after its retries).</param>
/// <remarks>Immutable.</remarks>
internal sealed record ModelFallback(string OriginalModel, string FallbackModel, string Trigger, string Error)
{
    /// <summary>Claude Code's wording: "Switched to X because Y is not available" / "... due to high demand for Y".</summary>
    public string Message => Trigger == "model_not_found"
        ? $"Switched to {FallbackModel} because {OriginalModel} is not available ({Error})"
        : $"Switched to {FallbackModel} due to high demand for {OriginalModel} ({Error})";

    /// <summary>The stream-json line, in Claude Code's shape (<c>system/model_fallback</c>).</summary>
    public void Write(Utf8JsonWriter w, string sessionId)
    {
        ArgumentNullException.ThrowIfNull(w);
        w.WriteString("type", "system");
        w.WriteString("subtype", "model_fallback");
        w.WriteString("trigger", Trigger);
        w.WriteString("original_model", OriginalModel);
        w.WriteString("fallback_model", FallbackModel);
        w.WriteString("content", Message);
        w.WriteString("session_id", sessionId);
        w.WriteString("uuid", Guid.NewGuid().ToString());
    }
}

/// <summary>
/// <c>--fallback-model a,b</c>: when a call to the main model fails after its retries because the model is overloaded,
/// the server fails (5xx) or the model does not exist (404), the same call is made to the first fallback model (then the
/// next, if that fails the same way); the switch is reported once (<see cref="ModelFallback"/>). Like Claude Code, the
/// fallback holds for the rest of the user turn and the main model is tried again when the next turn starts
/// (<see cref="BeginTurn"/>). Calls for another model (a subagent's own) and failures of any other kind pass through
/// unchanged; a stream that already gave output is never re-sent to another model.
/// </summary>
/// <remarks>
/// Concurrency: thread-safe. The only state is the index of the model in use this turn (an <see cref="int"/> changed
/// with <see cref="Interlocked"/>: it only moves forward within a turn, so concurrent subagent calls that fail together
/// switch once and report once). The clients are thread-safe and owned (disposed) by this client.
/// </remarks>
internal sealed class ModelFallbackChatClient : IChatClient
{
    private readonly IChatClient _primary;
    private readonly string _primaryModel;
    private readonly ImmutableArray<(string Model, IChatClient Client)> _fallbacks;
    private readonly Action<ModelFallback> _notify;
    private int _index; // 0: the main model; i: _fallbacks[i - 1]

    public ModelFallbackChatClient(IChatClient primary, string primaryModel, IEnumerable<(string Model, IChatClient Client)> fallbacks, Action<ModelFallback> notify)
    {
        _primary = primary ?? throw new ArgumentNullException(nameof(primary));
        _primaryModel = primaryModel ?? throw new ArgumentNullException(nameof(primaryModel));
        _fallbacks = [.. fallbacks ?? throw new ArgumentNullException(nameof(fallbacks))];
        _notify = notify ?? throw new ArgumentNullException(nameof(notify));
    }

    /// <summary>The model the next call of the main thread goes to.</summary>
    public string CurrentModel => Volatile.Read(ref _index) is var i and > 0 ? _fallbacks[i - 1].Model : _primaryModel;

    /// <summary>A user turn starts: the main model is tried again.</summary>
    public void BeginTurn() => Volatile.Write(ref _index, 0);

    /// <summary>True when <paramref name="error"/> is a reason to fall back, and Claude Code's name for it.</summary>
    public static bool ShouldFallBack(Exception error, out string trigger)
    {
        trigger = error is ProviderException p ? p.Kind switch
        {
            ProviderErrorKind.ModelNotFound => "model_not_found",
            ProviderErrorKind.ServerUnavailable => p.StatusCode is 529 || p.ErrorCode == "overloaded_error" ? "overloaded" : "server_error",
            _ => "",
        } : "";
        return trigger.Length > 0;
    }

    private bool IsMainThread(ChatOptions? options) => options?.ModelId is null || options.ModelId == _primaryModel;

    private (IChatClient Client, ChatOptions? Options, int Index) Current(ChatOptions? options)
    {
        var index = Volatile.Read(ref _index);
        if (index == 0 || !IsMainThread(options))
        {
            return (_primary, options, 0);
        }
        var (model, client) = _fallbacks[index - 1];
        var changed = options?.Clone() ?? new ChatOptions();
        changed.ModelId = model;
        return (client, changed, index);
    }

    /// <summary>After the model at <paramref name="failed"/> failed with <paramref name="error"/>: moves to the next model
    /// (reporting the switch once) and returns true, or false when there is none left.</summary>
    private bool Advance(int failed, Exception error, string trigger)
    {
        if (failed >= _fallbacks.Length)
        {
            return false;
        }
        if (Interlocked.CompareExchange(ref _index, failed + 1, failed) == failed)
        {
            var from = failed == 0 ? _primaryModel : _fallbacks[failed - 1].Model;
            _notify(new ModelFallback(from, _fallbacks[failed].Model, trigger, error.Message));
        }
        return true;
    }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages as IList<ChatMessage> ?? [.. messages];
        while (true)
        {
            var (client, actual, index) = Current(options);
            try
            {
                return await client.GetResponseAsync(list, actual, cancellationToken).ConfigureAwait(false);
            }
            catch (ProviderException ex) when (IsMainThread(options) && ShouldFallBack(ex, out var trigger) && Advance(index, ex, trigger))
            {
                // The next model gets the same call.
            }
        }
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var list = messages as IList<ChatMessage> ?? [.. messages];
        while (true)
        {
            var (client, actual, index) = Current(options);
            var enumerator = client.GetStreamingResponseAsync(list, actual, cancellationToken).GetAsyncEnumerator(cancellationToken);
            await using (enumerator.ConfigureAwait(false))
            {
                bool hasFirst;
                try
                {
                    hasFirst = await enumerator.MoveNextAsync().ConfigureAwait(false);
                }
                catch (ProviderException ex) when (IsMainThread(options) && ShouldFallBack(ex, out var trigger) && Advance(index, ex, trigger))
                {
                    continue; // nothing was given yet: the next model gets the same call
                }
                if (!hasFirst)
                {
                    yield break;
                }
                yield return enumerator.Current;
                while (await enumerator.MoveNextAsync().ConfigureAwait(false))
                {
                    yield return enumerator.Current;
                }
                yield break;
            }
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType?.IsInstanceOfType(this) == true ? this : _primary.GetService(serviceType!, serviceKey);

    public void Dispose()
    {
        _primary.Dispose();
        foreach (var (_, client) in _fallbacks)
        {
            client.Dispose();
        }
    }
}
