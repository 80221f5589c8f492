using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace CodeForge.Providers;

/// <summary>Retry policy of a <see cref="RetryingChatClient"/>.</summary>
public sealed record RetryOptions
{
    /// <summary>Attempts in all, the first included (1 turns retries off).</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>The first backoff delay; later ones grow exponentially (with jitter, if on).</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest computed backoff delay.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait a server's <c>Retry-After</c> can impose; a longer request is cut to this.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Randomise backoff delays (decorrelated jitter), so that clients do not retry in lockstep.</summary>
    public bool UseJitter { get; init; } = true;

    /// <summary>Called before each retry's delay (for a status line: "rate limited, retrying in 5s"). Runs on the
    /// calling flow; keep it short and do not throw.</summary>
    public Action<RetryEvent>? OnRetry { get; init; }

    /// <summary>No retries at all.</summary>
    public static RetryOptions NoRetries { get; } = new() { MaxAttempts = 1 };

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAttempts, 1, nameof(MaxAttempts));
        ArgumentOutOfRangeException.ThrowIfLessThan(BaseDelay, TimeSpan.Zero, nameof(BaseDelay));
        // A backoff that starts above a day is a unit mistake, not a policy (the bound Polly used to enforce here).
        ArgumentOutOfRangeException.ThrowIfGreaterThan(BaseDelay, TimeSpan.FromDays(1), nameof(BaseDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDelay, BaseDelay, nameof(MaxDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRetryAfter, TimeSpan.Zero, nameof(MaxRetryAfter));
    }
}

/// <summary>A retry about to happen: attempt <see cref="Attempt"/> (1-based) failed with <see cref="Error"/> and the
/// next one starts after <see cref="Delay"/>.</summary>
public readonly record struct RetryEvent(int Attempt, TimeSpan Delay, Exception Error);

/// <summary>
/// Retries transient failures of the inner client with exponential backoff and jitter, honouring the server's
/// <c>Retry-After</c> (seconds or HTTP date, via <see cref="ProviderException.RetryAfter"/>) up to
/// <see cref="RetryOptions.MaxRetryAfter"/>. All waiting goes through the given <see cref="TimeProvider"/>.
/// </summary>
/// <remarks>
/// <para>Transient: a <see cref="ProviderException"/> with <see cref="ProviderException.IsTransient"/> (429 rate
/// limits, 5xx and 529, dropped or refused connections, timeouts, streams cut short), and, for inner clients without
/// error mapping, <see cref="HttpRequestException"/> with no status or 408/429/5xx and <see cref="IOException"/>.
/// Cancellation through the caller's token is never retried, and cancels a backoff wait at once. When every attempt
/// fails the last <see cref="ProviderException"/> is rethrown with <see cref="ProviderException.Attempts"/> set and the
/// count in its message.</para>
/// <para>Delays: without <c>Retry-After</c>, retry <em>n</em> waits <c>BaseDelay · 2^(n-1)</c> capped at
/// <see cref="RetryOptions.MaxDelay"/>; with jitter, a decorrelated one — a random delay between
/// <see cref="RetryOptions.BaseDelay"/> and three times the previous delay, capped the same — so that clients that
/// failed together do not retry together. A <c>Retry-After</c> replaces the computed delay (cut to
/// <see cref="RetryOptions.MaxRetryAfter"/>).</para>
/// <para>Streaming: a stream is retried only until it has produced visible output. Updates are held back until the
/// first one that carries text, reasoning or a tool call (updates with only usage or empty text are buffered); a
/// failure before that point starts a new attempt and the buffer of the failed one is dropped, so the caller sees
/// one clean stream. Once output has been yielded, a failure propagates: replaying would duplicate what the caller
/// already showed.</para>
/// <para>Concurrency: the client holds only its immutable options; each call keeps its own attempt count and delay in
/// locals of its own loop, so concurrent calls retry independently, and jitter draws from <see cref="Random.Shared"/>
/// (thread-safe). Messages are materialised once and sent unchanged on every attempt. The loop is our own rather than
/// a Polly pipeline: Polly validates its options with DataAnnotations, which under Native AOT kept attribute
/// reflection and System.ComponentModel in the binary (1.1 MB of it) and ran them before every run's first request
/// (docs/benchmarks.md, "The retry loop without Polly").</para>
/// </remarks>
public sealed class RetryingChatClient : DelegatingChatClient
{
    private readonly RetryOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Wraps <paramref name="innerClient"/> with the given policy (defaults: 4 attempts, 1 s base delay).</summary>
    public RetryingChatClient(IChatClient innerClient, RetryOptions? options = null, TimeProvider? timeProvider = null)
        : base(innerClient)
    {
        _options = options ?? new RetryOptions();
        _options.Validate();
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Runs <paramref name="attempt"/> until it succeeds, fails for good, or the attempts run out.</summary>
    private async Task<T> RetryAsync<T>(Func<Call, CancellationToken, ValueTask<T>> attempt, Call call, CancellationToken cancellationToken)
    {
        var previous = _options.BaseDelay;
        for (var number = 1; ; number++)
        {
            try
            {
                return await attempt(call, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception error) when (number < _options.MaxAttempts && IsTransient(error, cancellationToken))
            {
                var delay = Delay(number, error, ref previous);
                _options.OnRetry?.Invoke(new RetryEvent(number, delay, error));
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                }
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
    }

    /// <summary>The wait before the retry that follows failed attempt <paramref name="number"/> (1-based).</summary>
    private TimeSpan Delay(int number, Exception error, ref TimeSpan previous)
    {
        if (error is ProviderException { RetryAfter: { } after })
        {
            return after < _options.MaxRetryAfter ? after : _options.MaxRetryAfter;
        }
        var (baseDelay, maxDelay) = (_options.BaseDelay, _options.MaxDelay);
        if (!_options.UseJitter)
        {
            // BaseDelay · 2^(number-1), in doubles so that a long run of attempts saturates at the cap, not overflows.
            var ticks = baseDelay.Ticks * Math.Pow(2, number - 1);
            return ticks >= maxDelay.Ticks ? maxDelay : TimeSpan.FromTicks((long)ticks);
        }
        var upper = Math.Min(previous.Ticks * 3.0, maxDelay.Ticks);
        var jittered = upper <= baseDelay.Ticks ? baseDelay.Ticks : baseDelay.Ticks + (Random.Shared.NextDouble() * (upper - baseDelay.Ticks));
        previous = TimeSpan.FromTicks((long)Math.Min(jittered, maxDelay.Ticks));
        return previous;
    }

    /// <inheritdoc/>
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var call = new Call(this, Materialize(messages), options);
        try
        {
            return await RetryAsync(
                static async (call, ct) =>
                {
                    call.Attempts++;
                    return await call.Owner.InnerClient.GetResponseAsync(call.Messages, call.Options, ct).ConfigureAwait(false);
                },
                call, cancellationToken).ConfigureAwait(false);
        }
        catch (ProviderException e) when (call.Attempts > 1)
        {
            throw e.AfterAttempts(call.Attempts);
        }
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var call = new Call(this, Materialize(messages), options);
        OpenedStream opened;
        try
        {
            opened = await RetryAsync(static (call, ct) => call.Owner.OpenAsync(call, ct), call, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (ProviderException e) when (call.Attempts > 1)
        {
            throw e.AfterAttempts(call.Attempts);
        }

        await using (opened.Updates.ConfigureAwait(false))
        {
            foreach (var update in opened.Prefix)
            {
                yield return update;
            }
            if (!opened.Ended)
            {
                while (await opened.Updates.MoveNextAsync().ConfigureAwait(false))
                {
                    yield return opened.Updates.Current;
                }
            }
        }
    }

    /// <summary>One attempt of a stream: start it and read until the first visible output (or its end).</summary>
    private async ValueTask<OpenedStream> OpenAsync(Call call, CancellationToken cancellationToken)
    {
        call.Attempts++;
        var updates = InnerClient.GetStreamingResponseAsync(call.Messages, call.Options, cancellationToken)
            .GetAsyncEnumerator(cancellationToken);
        var prefix = new List<ChatResponseUpdate>();
        try
        {
            while (await updates.MoveNextAsync().ConfigureAwait(false))
            {
                prefix.Add(updates.Current);
                if (CarriesOutput(updates.Current))
                {
                    return new OpenedStream(updates, prefix, Ended: false);
                }
            }
            return new OpenedStream(updates, prefix, Ended: true);
        }
        catch
        {
            await updates.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Whether trying again may help.</summary>
    internal static bool IsTransient(Exception error, CancellationToken cancellationToken) => error switch
    {
        OperationCanceledException when cancellationToken.IsCancellationRequested => false,
        ProviderException provider => provider.IsTransient,
        HttpRequestException { StatusCode: null } => true,
        HttpRequestException { StatusCode: { } status } =>
            status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500,
        IOException => true,
        _ => false,
    };

    private static bool CarriesOutput(ChatResponseUpdate update)
    {
        foreach (var content in update.Contents)
        {
            var visible = content switch
            {
                UsageContent => false,
                TextContent text => !string.IsNullOrEmpty(text.Text),
                TextReasoningContent reasoning => !string.IsNullOrEmpty(reasoning.Text),
                _ => true,
            };
            if (visible)
            {
                return true;
            }
        }
        return false;
    }

    private static IReadOnlyList<ChatMessage> Materialize(IEnumerable<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
    }

    private sealed class Call(RetryingChatClient owner, IReadOnlyList<ChatMessage> messages, ChatOptions? options)
    {
        public RetryingChatClient Owner { get; } = owner;
        public IReadOnlyList<ChatMessage> Messages { get; } = messages;
        public ChatOptions? Options { get; } = options;
        public int Attempts { get; set; }
    }

    private sealed record OpenedStream(IAsyncEnumerator<ChatResponseUpdate> Updates, List<ChatResponseUpdate> Prefix, bool Ended);
}
