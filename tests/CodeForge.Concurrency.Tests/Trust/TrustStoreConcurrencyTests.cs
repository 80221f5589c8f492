using CodeForge.Concurrency.Tests.Infrastructure;
using CodeForge.Core.Trust;

namespace CodeForge.Concurrency.Tests.Trust;

/// <summary>
/// Folder trust is per user and shared by every forge process: trusting and forgetting folders from many threads (each
/// with its own store instance, as separate processes have) loses no entry, and readers always see a whole file.
/// </summary>
public sealed class TrustStoreConcurrencyTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("forge-trustconc-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task ConcurrentTrustAndRemove_FromSeparateInstances_LoseNoEntryAndReadersNeverSeeATornFile()
    {
        const int writers = 8, foldersEach = 6;
        var home = Path.Combine(_dir.FullName, "home");
        var folders = Enumerable.Range(0, writers).Select(w => Enumerable.Range(0, foldersEach)
            .Select(f => Directory.CreateDirectory(Path.Combine(_dir.FullName, $"w{w}", $"f{f}")).FullName).ToArray()).ToArray();
        var done = 0;

        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            var reader = TrustStore.ForUser(home);
            while (Volatile.Read(ref done) == 0)
            {
                var listed = reader.List(); // throws on a torn file
                Assert.All(listed, e => Assert.StartsWith(_dir.FullName, e.Folder, StringComparison.Ordinal));
            }
        }, TestContext.Current.CancellationToken)).ToArray();
        try
        {
            await Stress.GatherAsync(writers, async t =>
            {
                var store = TrustStore.ForUser(home);
                foreach (var folder in folders[t])
                {
                    await store.TrustAsync(folder, [$"hook: Stop: echo {t}  (.forge/settings.json)"]);
                }
                // Every odd folder is forgotten again: removals race other writers' additions.
                for (var f = 1; f < foldersEach; f += 2)
                {
                    Assert.True(await store.RemoveAsync(folders[t][f]));
                }
            });
        }
        finally
        {
            Volatile.Write(ref done, 1);
        }
        await Task.WhenAll(readers);

        var final = TrustStore.ForUser(home).List();
        var expected = folders.SelectMany(f => f.Where((_, i) => i % 2 == 0)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expected, final.Select(e => e.Folder).ToArray());
        Assert.All(final, e => Assert.Single(e.Lines));
    }
}
