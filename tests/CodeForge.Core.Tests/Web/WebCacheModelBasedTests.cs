using CodeForge.Core.Web;
using CsCheck;
using Microsoft.Extensions.Time.Testing;

namespace CodeForge.Core.Tests.Web;

/// <summary>
/// Random operation sequences (CsCheck, shrinking to a minimal failing sequence) against a small sequential model of the
/// memory tier: an LRU list bounded in bytes, with lazy TTL expiry. After every operation the outputs, the size, the
/// count and the recency order must agree with the model, and the cache's own invariants must hold.
/// </summary>
public sealed class WebCacheModelBasedTests
{
    private const int Keys = 5;
    private static readonly int[] VariantLengths = [5, 100, 300, 2000]; // the last one never fits the budget
    private const long Budget = 2000;
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(60);
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public enum Kind
    {
        Set,
        Get,
        Delete,
        Clear,
        Advance,
    }

    public sealed record Op(Kind Kind, int Key = 0, int Variant = 0, int Millis = 0)
    {
        public override string ToString() => Kind switch
        {
            Kind.Set => $"Set(k{Key}, v{Variant})",
            Kind.Get => $"Get(k{Key})",
            Kind.Delete => $"Delete(k{Key})",
            Kind.Advance => $"Advance({Millis} ms)",
            _ => "Clear()",
        };
    }

    private static readonly Gen<Op> GenOp = Gen.Frequency(
        (6, from k in Gen.Int[0, Keys - 1] from v in Gen.Int[0, VariantLengths.Length - 1] select new Op(Kind.Set, k, v)),
        (6, Gen.Int[0, Keys - 1].Select(k => new Op(Kind.Get, k))),
        (1, Gen.Int[0, Keys - 1].Select(k => new Op(Kind.Delete, k))),
        (2, Gen.Int[1, 45_000].Select(ms => new Op(Kind.Advance, Millis: ms))),
        (1, Gen.Const(new Op(Kind.Clear))));

    private static string KeyOf(int k) => WebCacheTests.Key($"k{k}");

    private static string ContentOf(int k, int v) => $"k{k}v{v}:" + new string('.', VariantLengths[v]);

    private static FetchResponse ResponseOf(int k, int v) => WebCacheTests.Page($"k{k}", ContentOf(k, v));

    /// <summary>Entry sizes, measured once (they depend only on key, variant and the digits of the store time).</summary>
    private static readonly long[,] Sizes = MeasureSizes();

    private static long[,] MeasureSizes()
    {
        var sizes = new long[Keys, VariantLengths.Length];
        for (var k = 0; k < Keys; k++)
        {
            for (var v = 0; v < VariantLengths.Length; v++)
            {
                var probe = new WebCache(new WebCacheOptions { MaxMemoryBytes = 1 << 20 }, new FakeTimeProvider(Start));
                probe.Set(KeyOf(k), ResponseOf(k, v));
                sizes[k, v] = probe.Size;
            }
        }
        return sizes;
    }

    /// <summary>The sequential model: entries most recently used first.</summary>
    private sealed class Model
    {
        private readonly List<(int Key, int Variant, long StoredAt, long Size)> _entries = [];
        private long _now;

        public long Size => _entries.Sum(e => e.Size);

        public int Count => _entries.Count;

        public IEnumerable<string> Order => _entries.Select(e => KeyOf(e.Key));

        public bool Set(int k, int v)
        {
            var size = Sizes[k, v];
            if (size > Budget)
            {
                return false;
            }
            _entries.RemoveAll(e => e.Key == k);
            while (Size + size > Budget)
            {
                _entries.RemoveAt(_entries.Count - 1);
            }
            _entries.Insert(0, (k, v, _now, size));
            return true;
        }

        public string? Get(int k)
        {
            var i = _entries.FindIndex(e => e.Key == k);
            if (i < 0)
            {
                return null;
            }
            var entry = _entries[i];
            _entries.RemoveAt(i);
            if (_now - entry.StoredAt >= (long)Ttl.TotalMilliseconds)
            {
                return null;
            }
            _entries.Insert(0, entry);
            return ContentOf(k, entry.Variant);
        }

        public bool Delete(int k) => _entries.RemoveAll(e => e.Key == k) > 0;

        public void Clear() => _entries.Clear();

        public void Advance(int ms) => _now += ms;
    }

    private static void Run(Op[] ops)
    {
        var time = new FakeTimeProvider(Start);
        var cache = new WebCache(new WebCacheOptions { MaxMemoryBytes = Budget, Ttl = Ttl }, time);
        var model = new Model();
        for (var i = 0; i < ops.Length; i++)
        {
            var op = ops[i];
            switch (op.Kind)
            {
                case Kind.Set:
                    Assert.True(model.Set(op.Key, op.Variant) == cache.Set(KeyOf(op.Key), ResponseOf(op.Key, op.Variant)), $"step {i}: {op}");
                    break;
                case Kind.Get:
                    Assert.True(model.Get(op.Key) == cache.Get(KeyOf(op.Key))?.Content, $"step {i}: {op}");
                    break;
                case Kind.Delete:
                    Assert.True(model.Delete(op.Key) == cache.Delete(KeyOf(op.Key)), $"step {i}: {op}");
                    break;
                case Kind.Clear:
                    model.Clear();
                    cache.Clear();
                    break;
                case Kind.Advance:
                    model.Advance(op.Millis);
                    time.Advance(TimeSpan.FromMilliseconds(op.Millis));
                    break;
            }
            cache.CheckInvariants();
            Assert.True(model.Size == cache.Size, $"step {i}: {op}: size {cache.Size}, model {model.Size}");
            Assert.True(model.Count == cache.Count, $"step {i}: {op}: count {cache.Count}, model {model.Count}");
            Assert.True(model.Order.SequenceEqual(cache.KeysByRecency()), $"step {i}: {op}: recency order differs from the model");
        }
    }

    [Fact]
    public void RandomOperationSequences_AgreeWithTheLruByteBudgetModel()
    {
        Assert.True(Sizes[0, 2] * 3 < Budget, "the budget must hold several entries");
        Assert.True(Sizes[0, 2] * 5 > Budget, "the budget must force evictions");
        Assert.True(Sizes[0, 3] > Budget, "one variant must be refused");

        GenOp.Array[1, 80].Sample(Run, iter: 400);
    }
}
