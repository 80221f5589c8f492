using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace CodeForge.Providers;

/// <summary>
/// Records the usage of every call that goes through it in a <see cref="UsageTracker"/>: input, output, cached and
/// cache-write tokens, and the cost from the model's price.
/// </summary>
/// <remarks>
/// <para>A non-streaming call is recorded when it returns, and its <see cref="CallUsage"/> is attached to the response
/// (<see cref="GetCallUsage"/>). A stream is recorded once, when it ends, with the sum of its usage updates; a
/// stream that fails or is abandoned is recorded only if usage had already arrived. Failed non-streaming calls are
/// not recorded (providers do not bill them). Put this client outside retries, so it sees only the attempt that
/// produced the answer.</para>
/// <para>Every call's duration, from its start to the end of its response or stream (failed ones too), is added to
/// <see cref="UsageSnapshot.ApiDuration"/>; being outermost, that includes retries and their waits.</para>
/// <para>The call is attributed to the response's model id, else the request's, else the default given here. Its
/// price comes from the pricing function (default: <see cref="ModelCatalog.Find"/>).</para>
/// <para>Concurrency: holds no per-call state; concurrent calls are safe and the tracker's totals stay exact (see
/// <see cref="UsageTracker"/>). <c>GetService(typeof(UsageTracker))</c> returns the tracker.</para>
/// </remarks>
public sealed class UsageTrackingChatClient : DelegatingChatClient
{
    /// <summary>The key of the <see cref="CallUsage"/> in a response's additional properties.</summary>
    public const string CallUsageKey = "codeforge.call_usage";

    private readonly string _defaultModel;
    private readonly Func<string, ModelPrice?> _priceOf;
    private readonly TimeProvider _time;

    /// <summary>Wraps <paramref name="innerClient"/>, recording into <paramref name="tracker"/>; the time spent in
    /// calls is measured with <paramref name="timeProvider"/> (default: the system clock).</summary>
    public UsageTrackingChatClient(
        IChatClient innerClient, UsageTracker tracker, string defaultModel, Func<string, ModelPrice?>? priceOf = null,
        TimeProvider? timeProvider = null)
        : base(innerClient)
    {
        ArgumentNullException.ThrowIfNull(tracker);
        ArgumentException.ThrowIfNullOrEmpty(defaultModel);
        Tracker = tracker;
        _defaultModel = defaultModel;
        _priceOf = priceOf ?? (model => ModelCatalog.Find(model)?.Price);
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Where usage is recorded.</summary>
    public UsageTracker Tracker { get; }

    /// <summary>The usage this client attached to <paramref name="response"/>, or null.</summary>
    public static CallUsage? GetCallUsage(ChatResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.AdditionalProperties?.TryGetValue(CallUsageKey, out var value) == true ? value as CallUsage : null;
    }

    /// <inheritdoc/>
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var started = _time.GetTimestamp();
        ChatResponse response;
        try
        {
            response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Tracker.RecordApiTime(_time.GetElapsedTime(started));
        }
        var call = Record(response.ModelId ?? options?.ModelId, response.Usage);
        (response.AdditionalProperties ??= [])[CallUsageKey] = call;
        return response;
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        UsageDetails? usage = null;
        string? model = null;
        var completed = false;
        var started = _time.GetTimestamp();
        try
        {
            await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
            {
                model ??= update.ModelId;
                foreach (var content in update.Contents)
                {
                    if (content is UsageContent reported)
                    {
                        (usage ??= new UsageDetails()).Add(reported.Details);
                    }
                }
                yield return update;
            }
            completed = true;
        }
        finally
        {
            Tracker.RecordApiTime(_time.GetElapsedTime(started));
            if (completed || usage is not null)
            {
                Record(model ?? options?.ModelId, usage);
            }
        }
    }

    /// <inheritdoc/>
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType == typeof(UsageTracker) ? Tracker : base.GetService(serviceType, serviceKey);
    }

    private CallUsage Record(string? model, UsageDetails? usage)
    {
        var id = string.IsNullOrEmpty(model) ? _defaultModel : model;
        return Tracker.Record(id, usage, _priceOf(id));
    }
}
