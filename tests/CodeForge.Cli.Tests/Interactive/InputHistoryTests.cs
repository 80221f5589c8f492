using CodeForge.Cli.Interactive;

namespace CodeForge.Cli.Tests.Interactive;

public sealed class InputHistoryTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("forge-history-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Add_PersistsEntriesThatTheNextSessionLoads()
    {
        var path = Path.Combine(_dir, "history");
        var first = new InputHistory(path);
        first.Add("fix the bug");
        first.Add("line one\nline two");
        first.Add("line one\nline two");
        first.Add("   ");

        var second = new InputHistory(path);

        Assert.Equal(["fix the bug", "line one\nline two"], second.Entries);
    }

    [Fact]
    public void Load_WhenALineIsTornOrGarbage_SkipsItAndKeepsTheRest()
    {
        var path = Path.Combine(_dir, "history");
        File.WriteAllText(path, "\"good one\"\nnot json\n\"torn");

        Assert.Equal(["good one"], new InputHistory(path).Entries);
    }

    [Fact]
    public async Task Add_FromTwoSessionsAtOnce_KeepsEveryEntryWhole()
    {
        var path = Path.Combine(_dir, "history");
        var a = new InputHistory(path);
        var b = new InputHistory(path);

        using var start = new Barrier(2);
        void Writer(InputHistory h, int parity)
        {
            start.SignalAndWait();
            for (var i = parity; i < 200; i += 2)
            {
                h.Add($"entry {i} " + new string('x', i));
            }
        }
        var t1 = Task.Factory.StartNew(() => Writer(a, 0), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var t2 = Task.Factory.StartNew(() => Writer(b, 1), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await Task.WhenAll(t1, t2);

        var loaded = new InputHistory(path).Entries;
        Assert.Equal(200, loaded.Count);
        Assert.Equal(Enumerable.Range(0, 200).Select(i => $"entry {i} " + new string('x', i)).Order(StringComparer.Ordinal), loaded.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Add_WhenTheFileCannotBeWritten_KeepsTheEntryInMemory()
    {
        var history = new InputHistory(Path.Combine(_dir, "missing-dir-is-a-file", "history"));
        File.WriteAllText(Path.Combine(_dir, "missing-dir-is-a-file"), "");

        history.Add("still here");

        Assert.Equal(["still here"], history.Entries);
    }
}
