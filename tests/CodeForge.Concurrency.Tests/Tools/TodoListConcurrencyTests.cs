using CodeForge.Concurrency.Tests.Infrastructure;
using CodeForge.Core.Todos;

namespace CodeForge.Concurrency.Tests.Tools;

[Collection(NonParallel.Name)]
public sealed class TodoListConcurrencyTests
{
    [Fact]
    public void ConcurrentWritersAndReaders_NeverSeeATornList_AndHandlersSeeIncreasingVersions()
    {
        var list = new TodoList();
        var delivered = new List<long>();
        list.Subscribe(s => delivered.Add(s.Version)); // one delivery at a time: no lock needed
        const int Writers = 4, Readers = 4, Writes = 300;

        Stress.RunThreads(Writers + Readers, t =>
        {
            if (t < Writers)
            {
                for (var i = 0; i < Writes; i++)
                {
                    var tag = $"w{t}-{i}";
                    list.Replace(Enumerable.Range(0, 1 + (i % 5)).Select(k => new TodoItem(tag, TodoStatus.Pending, Id: k.ToString(System.Globalization.CultureInfo.InvariantCulture))));
                }
                return;
            }
            long last = -1;
            for (var i = 0; i < Writes * 2; i++)
            {
                var s = list.Current;
                Assert.True(s.Version >= last, "a reader saw the version go back");
                last = s.Version;
                if (!s.Items.IsEmpty)
                {
                    var tag = s.Items[0].Content;
                    Assert.All(s.Items, item => Assert.Equal(tag, item.Content));
                    var n = int.Parse(tag[(tag.IndexOf('-', StringComparison.Ordinal) + 1)..], System.Globalization.CultureInfo.InvariantCulture);
                    Assert.Equal(1 + (n % 5), s.Items.Length);
                }
            }
        });

        Assert.Equal(Writers * Writes, list.Current.Version);
        Assert.Equal(delivered.Order().ToList(), delivered);
        Assert.Equal(delivered.Distinct().Count(), delivered.Count);
        Assert.Equal(list.Current.Version, delivered[^1]);
    }
}
