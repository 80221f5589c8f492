using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using Microsoft.Extensions.AI;

namespace CodeForge.Core.Tokens;

/// <summary>The result of one cached count: the tokens, and whether the call was a hit.</summary>
internal readonly record struct CachedCount(int Tokens, bool Hit);

/// <summary>
/// An exact least-recently-used cache of token counts in front of another <see cref="ITokenCounter"/>, keyed by the text
/// itself (ordinal comparison).
/// </summary>
/// <remarks>
/// <para>
/// Concurrency contract: every member is safe from any number of threads. One private lock guards the cache, the recency
/// list, the in-flight table and the statistics; the inner counter is never called under it, so a slow count of a long
/// text never blocks hits on other texts. Observable guarantees:
/// </para>
/// <list type="bullet">
/// <item><see cref="Size"/> never exceeds <see cref="Capacity"/> at any moment a caller can observe: the least recent entry
/// is evicted and the new one inserted in one critical section.</item>
/// <item>Exact LRU: a hit makes its text the most recent; inserting at capacity evicts exactly the least recent text.
/// Every call is linearizable against a sequential LRU of <see cref="Capacity"/> texts.</item>
/// <item>Each text is tokenized once however many threads ask for it at once: the first caller to miss computes it outside
/// the lock; callers that ask for the same text meanwhile wait for that result and count as hits (they did not tokenize).
/// If the count throws, the waiters rethrow the same exception and nothing is cached.</item>
/// <item>Every call adds exactly 1 to <see cref="TokenCacheStats.Hits"/> or <see cref="TokenCacheStats.Misses"/>, when it
/// starts, so once no call is in flight, Hits + Misses equals the calls since construction or the last <see cref="Clear"/>.
/// <see cref="GetStats"/> reads all fields in one critical section.</item>
/// <item>Texts longer than the cacheable limit (<see cref="DefaultMaxCachedTextLength"/> characters, 64 KiB of UTF-16, by
/// default) bypass the cache to bound its memory: they are counted as misses and are neither cached nor deduplicated. The
/// cache therefore retains at most Capacity × limit characters of keys.</item>
/// <item><see cref="Clear"/> empties the cache and resets the statistics atomically; a count already in flight is not
/// cancelled and may insert its (correct) result after Clear returns.</item>
/// </list>
/// <para>
/// <see cref="CountMessages"/> is not cached as a whole: it counts each message part with this cache (see
/// <see cref="ChatMessageTokens"/>). A hand-written lock, dictionary and linked list is used rather than BitFaster's
/// ConcurrentLru, whose eviction is approximate (its hot/warm/cold queues) and would not meet the exact-LRU contract.
/// </para>
/// </remarks>
public sealed class CachingCounter : ITokenCounter
{
    /// <summary>The default longest cacheable text, in UTF-16 characters (64 KiB of memory).</summary>
    public const int DefaultMaxCachedTextLength = 32 * 1024;

    private readonly object _gate = new();
    private readonly ITokenCounter _inner;
    private readonly int _maxCachedTextLength;

    // Guarded by _gate. _recency runs from most recent (First) to least recent (Last); _entries indexes its nodes.
    private readonly Dictionary<string, LinkedListNode<Entry>> _entries;
    private readonly LinkedList<Entry> _recency = new();
    private readonly Dictionary<string, InFlight?> _inFlight = new(StringComparer.Ordinal);
    private long _hits;
    private long _misses;

    /// <summary>Creates a cache of at most <paramref name="capacity"/> texts in front of <paramref name="inner"/>.</summary>
    /// <param name="inner">The counter that does the real counting.</param>
    /// <param name="capacity">The most texts cached; at least 1.</param>
    /// <param name="maxCachedTextLength">Longer texts bypass the cache; at least 0.</param>
    /// <exception cref="ArgumentNullException"><paramref name="inner"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is 0 or less, or
    /// <paramref name="maxCachedTextLength"/> is negative.</exception>
    public CachingCounter(ITokenCounter inner, int capacity = 1000, int maxCachedTextLength = DefaultMaxCachedTextLength)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (capacity <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "The cache capacity must be at least 1 text.");
        }
        if (maxCachedTextLength < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxCachedTextLength), maxCachedTextLength,
                "The longest cacheable text cannot be negative.");
        }
        _inner = inner;
        Capacity = capacity;
        _maxCachedTextLength = maxCachedTextLength;
        _entries = new Dictionary<string, LinkedListNode<Entry>>(Math.Min(capacity, 1024), StringComparer.Ordinal);
    }

    /// <summary>The most texts the cache holds.</summary>
    public int Capacity { get; }

    /// <summary>The number of texts cached now (at most <see cref="Capacity"/>).</summary>
    public int Size
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>The counter that does the real counting (never called for a cached text).</summary>
    public ITokenCounter Inner => _inner;

    /// <inheritdoc />
    public int Count(string text) => CountWithHit(text).Tokens;

    /// <inheritdoc />
    public int CountMessages(IEnumerable<ChatMessage> messages) => ChatMessageTokens.Count(this, messages);

    /// <summary>A consistent snapshot of hits, misses, size and capacity.</summary>
    public TokenCacheStats GetStats()
    {
        lock (_gate)
        {
            return new TokenCacheStats(_hits, _misses, _entries.Count, Capacity);
        }
    }

    /// <summary>Empties the cache and resets the statistics, atomically.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _entries.Clear();
            _recency.Clear();
            _hits = 0;
            _misses = 0;
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"CachingCounter({_inner}, capacity {Capacity})";

    /// <summary>Counts <paramref name="text"/> and reports whether the call was a hit (for tests and diagnostics).</summary>
    internal CachedCount CountWithHit(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > _maxCachedTextLength)
        {
            lock (_gate)
            {
                _misses++;
            }
            return new CachedCount(_inner.Count(text), Hit: false);
        }

        InFlight? joined;
        lock (_gate)
        {
            if (_entries.TryGetValue(text, out var node))
            {
                _hits++;
                if (node != _recency.First)
                {
                    _recency.Remove(node);
                    _recency.AddFirst(node);
                }
                return new CachedCount(node.Value.Tokens, Hit: true);
            }
            // One hash for "is it in flight?" and "mark it in flight". The slot holds null until a second caller joins:
            // the common, uncontended miss allocates and signals nothing.
            ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_inFlight, text, out var running);
            if (running)
            {
                // Another caller is counting this text: wait for its result instead of tokenizing twice.
                _hits++;
                joined = slot ??= new InFlight();
            }
            else
            {
                _misses++;
                joined = null;
            }
        }
        if (joined is not null)
        {
            return new CachedCount(joined.Wait(), Hit: true);
        }

        int tokens;
        InFlight? waiters;
        try
        {
            tokens = _inner.Count(text);
        }
        catch (Exception ex)
        {
            lock (_gate)
            {
                _inFlight.Remove(text, out waiters);
            }
            waiters?.Fail(ex);
            throw;
        }
        lock (_gate)
        {
            _inFlight.Remove(text, out waiters);
            Insert(text, tokens);
        }
        // Once removed from the table under the lock, no caller can join any more: waiters is the final set.
        waiters?.Complete(tokens);
        return new CachedCount(tokens, Hit: false);
    }

    /// <summary>The cached texts from most to least recent (a snapshot, for tests and diagnostics).</summary>
    internal string[] KeysMostRecentFirst()
    {
        lock (_gate)
        {
            return [.. _recency.Select(e => e.Text)];
        }
    }

    // Caller holds _gate. The in-flight table guarantees one computation per text, so the text is never cached already.
    private void Insert(string text, int tokens)
    {
        LinkedListNode<Entry> node;
        if (_entries.Count >= Capacity)
        {
            // Evict the least recent entry and reuse its node for the new one, in the same critical section.
            node = _recency.Last!;
            _recency.RemoveLast();
            _entries.Remove(node.Value.Text);
            node.Value = new Entry(text, tokens);
        }
        else
        {
            node = new LinkedListNode<Entry>(new Entry(text, tokens));
        }
        _recency.AddFirst(node);
        _entries.Add(text, node);
    }

    private readonly record struct Entry(string Text, int Tokens);

    /// <summary>The result of a count in progress, for the callers of the same text that wait for it.</summary>
    private sealed class InFlight
    {
        private readonly object _gate = new();
        private bool _done;
        private int _tokens;
        private ExceptionDispatchInfo? _error;

        public void Complete(int tokens)
        {
            lock (_gate)
            {
                _tokens = tokens;
                _done = true;
                Monitor.PulseAll(_gate);
            }
        }

        public void Fail(Exception error)
        {
            lock (_gate)
            {
                _error = ExceptionDispatchInfo.Capture(error);
                _done = true;
                Monitor.PulseAll(_gate);
            }
        }

        public int Wait()
        {
            lock (_gate)
            {
                while (!_done)
                {
                    Monitor.Wait(_gate);
                }
                _error?.Throw();
                return _tokens;
            }
        }
    }
}
