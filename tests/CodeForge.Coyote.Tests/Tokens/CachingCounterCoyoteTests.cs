using CodeForge.Coyote.Tests.Infrastructure;
using CodeForge.Core.Tokens;
using Microsoft.Coyote.Specifications;
using Microsoft.Extensions.AI;

namespace CodeForge.Coyote.Tests.Tokens;

/// <summary>
/// Systematic exploration of CachingCounter's interleavings (Coyote controls every task, lock and Monitor wait, and with
/// memory-access race checking also every field access in the rewritten CodeForge.Core): workers count overlapping texts
/// on a cache of 2 while an observer reads the statistics. The same scenario must find a bug in an unlocked LRU.
/// </summary>
public sealed class CachingCounterCoyoteTests
{
    private static readonly string[] Texts = ["a", "bb", "ccc"];

    /// <summary>A counter the scenario can trust: tokens = length; counts its calls.</summary>
    private sealed class LengthCounter : ITokenCounter
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public int Count(string text)
        {
            Interlocked.Increment(ref _calls);
            return text.Length;
        }

        public int CountMessages(IEnumerable<ChatMessage> messages) => ChatMessageTokens.Count(this, messages);
    }

    /// <summary>
    /// Three workers each count the three texts (9 calls) on a cache of 2 while an observer samples. Checks at every
    /// observation: right values, size within capacity; at rest: 9 calls accounted, size 2, tokenizations equal misses.
    /// </summary>
    private static async Task Scenario(Func<LengthCounter, (Func<string, int> Count, Func<int> Size, Func<(long Hits, long Misses)> Stats)> create)
    {
        var inner = new LengthCounter();
        var (count, size, stats) = create(inner);
        var workers = Enumerable.Range(0, 3).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < 3; i++)
            {
                var text = Texts[(w + i) % 3];
                var tokens = count(text);
                Specification.Assert(tokens == text.Length, $"Count({text}) returned {tokens}");
                Specification.Assert(size() <= 2, $"size {size()} over capacity 2");
            }
        }));
        var observer = Task.Run(() =>
        {
            // A few samples placed anywhere in the schedule (Coyote decides where); an unbounded loop would only add steps.
            for (var sample = 0; sample < 4; sample++)
            {
                var (hits, misses) = stats();
                Specification.Assert(hits + misses <= 9, $"{hits + misses} calls accounted of 9");
                Specification.Assert(size() <= 2, $"observer saw size {size()} over capacity 2");
            }
        });
        await Task.WhenAll(workers.Append(observer).ToArray());

        var (h, m) = stats();
        Specification.Assert(h + m == 9, $"hits {h} + misses {m} != 9 calls");
        Specification.Assert(size() == 2, $"size {size()} at rest, expected 2");
        Specification.Assert(inner.Calls == m, $"{inner.Calls} tokenizations but {m} misses");
    }

    [Fact]
    public void CachingCounter_UnderEveryExploredSchedule_KeepsItsInvariants()
    {
        CoyoteRunner.AssertNoBug(() => Scenario(inner =>
        {
            var cache = new CachingCounter(inner, capacity: 2);
            return (cache.Count, () => cache.Size, () => { var s = cache.GetStats(); return (s.Hits, s.Misses); });
        }), CoyoteStrategy.Random, memoryAccessRaces: true);
    }

    [Fact]
    public void CachingCounter_WhenTwoTasksCountOneTextAtOnce_TokenizesItOnce()
    {
        CoyoteRunner.AssertNoBug(async () =>
        {
            var inner = new LengthCounter();
            var cache = new CachingCounter(inner, capacity: 2);
            var results = await Task.WhenAll(new[] { Task.Run(() => cache.CountWithHit("abc")), Task.Run(() => cache.CountWithHit("abc")) });

            Specification.Assert(inner.Calls == 1, $"tokenized {inner.Calls} times");
            Specification.Assert(results.Count(r => r.Hit) == 1 && results.All(r => r.Tokens == 3), $"results {results[0]}, {results[1]}");
            var stats = cache.GetStats();
            Specification.Assert(stats is { Hits: 1, Misses: 1, Size: 1 }, $"stats {stats}");
        }, CoyoteStrategy.Prioritization, memoryAccessRaces: true);
    }

    [Fact]
    public void UnlockedLru_IsCaughtByTheSameScenario()
    {
        var bug = CoyoteRunner.AssertFindsBug(() => Scenario(inner =>
        {
            var lru = new UnlockedLru(inner, capacity: 2);
            return (lru.Count, () => lru.Size, () => (lru.Hits, lru.Misses));
        }), CoyoteStrategy.Random, memoryAccessRaces: true);
        TestContext.Current.TestOutputHelper?.WriteLine(bug);
    }

    /// <summary>A deliberately broken LRU: the same structure as CachingCounter with no lock at all.</summary>
    private sealed class UnlockedLru(ITokenCounter inner, int capacity)
    {
        private readonly Dictionary<string, LinkedListNode<(string Text, int Tokens)>> _entries = new(StringComparer.Ordinal);
        private readonly LinkedList<(string Text, int Tokens)> _recency = new();

        public long Hits { get; private set; }

        public long Misses { get; private set; }

        public int Size => _entries.Count;

        public int Count(string text)
        {
            if (_entries.TryGetValue(text, out var node))
            {
                Hits++;
                _recency.Remove(node);
                _recency.AddFirst(node);
                return node.Value.Tokens;
            }
            Misses++;
            var tokens = inner.Count(text);
            if (_entries.Count >= capacity)
            {
                var last = _recency.Last!;
                _recency.RemoveLast();
                _entries.Remove(last.Value.Text);
            }
            _entries[text] = _recency.AddFirst((text, tokens));
            return tokens;
        }
    }
}
