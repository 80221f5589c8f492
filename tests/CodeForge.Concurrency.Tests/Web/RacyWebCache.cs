using static CodeForge.Concurrency.Tests.Web.WebCacheLinearizabilityTests;

namespace CodeForge.Concurrency.Tests.Web;

/// <summary>
/// A deliberately broken byte-budget LRU in the shape of the Python original's <c>set</c>: every step is locked, but
/// "drop the old entry", "evict until it fits" and "insert" are three critical sections, with a (widened) gap between
/// making room and inserting. Two concurrent sets can both make room for themselves and then both insert (over budget),
/// or insert one key twice (a duplicate that the size counts twice). Used to show the tests catch the pattern.
/// </summary>
internal sealed class RacyWebCache(long budget)
{
    private readonly object _gate = new();
    private readonly Dictionary<int, LinkedListNode<(int Key, int Variant, long Size)>> _map = [];
    private readonly LinkedList<(int Key, int Variant, long Size)> _recency = new();
    private long _size;

    public string Execute(CacheOp op, Func<int, int, string> content, long[,] sizes)
    {
        switch (op.Kind)
        {
            case Kind.Set:
                return Set(op.Key, op.Variant, sizes[op.Key, op.Variant]) ? "stored" : "refused";
            case Kind.Get:
                lock (_gate)
                {
                    if (!_map.TryGetValue(op.Key, out var node))
                    {
                        return "miss";
                    }
                    _recency.Remove(node);
                    _recency.AddFirst(node);
                    return content(node.Value.Key, node.Value.Variant);
                }
            case Kind.Delete:
                lock (_gate)
                {
                    return RemoveKey(op.Key) ? "removed" : "absent";
                }
            default:
                lock (_gate)
                {
                    _map.Clear();
                    _recency.Clear();
                    _size = 0;
                    return "cleared";
                }
        }
    }

    private bool Set(int key, int variant, long size)
    {
        if (size > budget)
        {
            return false;
        }
        lock (_gate)
        {
            RemoveKey(key);
        }
        lock (_gate)
        {
            while (_size + size > budget && _recency.Last is { } last)
            {
                RemoveNode(last);
            }
        }
        Thread.Sleep(1); // the gap between making room and inserting
        lock (_gate)
        {
            _map[key] = _recency.AddFirst((key, variant, size));
            _size += size;
        }
        return true;
    }

    private bool RemoveKey(int key)
    {
        if (!_map.TryGetValue(key, out var node))
        {
            return false;
        }
        RemoveNode(node);
        return true;
    }

    private void RemoveNode(LinkedListNode<(int Key, int Variant, long Size)> node)
    {
        if (node.List == _recency)
        {
            _recency.Remove(node);
            _size -= node.Value.Size;
        }
        if (_map.TryGetValue(node.Value.Key, out var mapped) && mapped == node)
        {
            _map.Remove(node.Value.Key);
        }
    }

    /// <summary>The real cache's invariants: Σ entry sizes == size ≤ budget, map and list the same entries.</summary>
    public bool InvariantsHold(out string detail)
    {
        lock (_gate)
        {
            var sum = _recency.Sum(e => e.Size);
            detail = $"Σ={sum} size={_size} budget={budget} map={_map.Count} list={_recency.Count}";
            return sum == _size && _size <= budget && _map.Count == _recency.Count;
        }
    }
}
