using CodeForge.Core.Tokens;

namespace CodeForge.Concurrency.Tests.Tokens;

/// <summary>
/// The original Code-Forge's split-lock LRU, deliberately broken: the "make room" decision and the insertion happen in two
/// critical sections with the count in between, so concurrent misses each see room, none evicts, and the cache over-fills.
/// </summary>
internal sealed class SplitLockLru(ITokenCounter inner, int capacity)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, LinkedListNode<(string Text, int Tokens)>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Text, int Tokens)> _recency = new();

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

    public CachedCount Count(string text)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(text, out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                return new CachedCount(node.Value.Tokens, Hit: true);
            }
            if (_entries.Count >= capacity)
            {
                var last = _recency.Last!;
                _recency.RemoveLast();
                _entries.Remove(last.Value.Text);
            }
        }
        var tokens = inner.Count(text);
        lock (_gate)
        {
            if (_entries.TryGetValue(text, out var existing))
            {
                _recency.Remove(existing);
            }
            _entries[text] = _recency.AddFirst((text, tokens));
            return new CachedCount(tokens, Hit: false);
        }
    }
}

/// <summary>
/// An LRU that counts outside the lock and re-checks presence on insert (never over-fills, never evicts for a present key)
/// but has no in-flight deduplication: two concurrent first calls of one text both tokenize and both report a miss, which
/// no sequential LRU allows.
/// </summary>
internal sealed class NoDedupLru(ITokenCounter inner, int capacity)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, LinkedListNode<(string Text, int Tokens)>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Text, int Tokens)> _recency = new();

    public CachedCount Count(string text)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(text, out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                return new CachedCount(node.Value.Tokens, Hit: true);
            }
        }
        var tokens = inner.Count(text);
        lock (_gate)
        {
            if (_entries.TryGetValue(text, out var existing))
            {
                _recency.Remove(existing);
                _recency.AddFirst(existing);
                return new CachedCount(tokens, Hit: false);
            }
            if (_entries.Count >= capacity)
            {
                var last = _recency.Last!;
                _recency.RemoveLast();
                _entries.Remove(last.Value.Text);
            }
            _entries[text] = _recency.AddFirst((text, tokens));
            return new CachedCount(tokens, Hit: false);
        }
    }
}
