using System.Collections.Concurrent;
using System.Globalization;
using CodeForge.Core.Config;
using CodeForge.Coyote.Tests.Infrastructure;
using Microsoft.Coyote.Specifications;

namespace CodeForge.Coyote.Tests.Config;

/// <summary>
/// Systematic scheduling of <see cref="SettingsStore.Reload"/> over a real project settings file in a temporary directory
/// (the store reads its files with synchronous I/O, so Coyote controls every interleaving): a writer rewrites the file
/// twice while three reloads race and an observer reads <see cref="SettingsStore.Current"/>. Memory-access races are on.
/// In every schedule a reload that starts after a write returned publishes that write or a newer one (no stale reload),
/// the observer never sees the version or the content go back, each reload gets its own version (1 + 3 at rest) and
/// <see cref="SettingsStore.Changed"/> reports strictly increasing versions. The real store reading its files before the
/// reload lock (the <see cref="SettingsStore.ReadOutsideLockForTests"/> seam) must be caught.
/// </summary>
public sealed class SettingsStoreCoyoteTests
{
    /// <summary>Writes generation <paramref name="generation"/> of the project settings (synchronously: Coyote does not control async file I/O).</summary>
    private static void Write(string file, int generation) =>
        File.WriteAllText(file, $$"""
            {
              "model": "m{{generation}}",
              "permissions": { "allow": ["Bash(echo {{generation}})", "Read"] }
            }
            """);

    private static int GenerationOf(SettingsSnapshot snapshot) =>
        int.Parse(snapshot.Settings.Model!.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture);

    private static async Task Scenario(bool readOutsideLock)
    {
        var directory = Directory.CreateTempSubdirectory("forge-coyote-settings-");
        try
        {
            var project = Path.Combine(directory.FullName, "project");
            var file = Path.Combine(project, ".forge", "settings.json");
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            Write(file, 0);
            var locations = new SettingsLocations(Path.Combine(directory.FullName, "home"), project, Path.Combine(directory.FullName, "managed.json"));
            using var store = new SettingsStore(locations) { ReadOutsideLockForTests = readOutsideLock };
            Specification.Assert(GenerationOf(store.Current) == 0 && store.Current.Diagnostics.IsEmpty,
                $"the first load read generation {store.Current.Settings.Model} with [{string.Join("; ", store.Current.Diagnostics)}]");
            var notified = new ConcurrentQueue<long>();
            store.Changed += snapshot => notified.Enqueue(snapshot.Version);

            var written = 0;
            var writer = Task.Run(async () =>
            {
                for (var generation = 1; generation <= 2; generation++)
                {
                    Write(file, generation);
                    Volatile.Write(ref written, generation);
                    await Task.Yield();
                }
            });
            var reloads = Enumerable.Range(0, 3).Select(_ => Task.Run(() =>
            {
                var before = Volatile.Read(ref written);
                var published = store.Reload();
                Specification.Assert(GenerationOf(published) >= before,
                    $"a reload that started after generation {before} was written published generation {GenerationOf(published)} (version {published.Version})");
            })).ToArray();
            var observer = Task.Run(async () =>
            {
                var last = store.Current;
                for (var i = 0; i < 4; i++)
                {
                    var now = store.Current;
                    Specification.Assert(now.Version >= last.Version && GenerationOf(now) >= GenerationOf(last),
                        $"the observer saw version {last.Version} (generation {GenerationOf(last)}) then version {now.Version} (generation {GenerationOf(now)})");
                    Specification.Assert(now.Version == last.Version ? GenerationOf(now) == GenerationOf(last) : true,
                        $"version {now.Version} was published with two contents (generations {GenerationOf(last)} and {GenerationOf(now)})");
                    last = now;
                    await Task.Yield();
                }
            });
            await Task.WhenAll(reloads.Append(writer).Append(observer).ToArray());

            Specification.Assert(store.Current.Version == 4, $"three reloads after the first load ended on version {store.Current.Version}, not 4");
            var versions = notified.ToArray();
            Specification.Assert(versions.Zip(versions.Skip(1)).All(p => p.First < p.Second),
                $"Changed reported versions [{string.Join(", ", versions)}]");
            Specification.Assert(versions.Length >= 1 && versions[^1] == 4, $"Changed reported [{string.Join(", ", versions)}], not ending on version 4");
            var final = store.Reload();
            Specification.Assert(GenerationOf(final) == 2 && final.Version == 5, $"a reload at rest published generation {GenerationOf(final)} as version {final.Version}");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void ConcurrentReloads_WhileTheFileChanges_PublishInOrderAndNeverStale() =>
        CoyoteRunner.AssertNoBug(() => Scenario(readOutsideLock: false), CoyoteStrategy.Probabilistic, iterations: 100, memoryAccessRaces: true);

    [Fact]
    public void ConcurrentReloads_WhenTheFilesAreReadBeforeTheLock_AreCaught()
    {
        var bug = CoyoteRunner.AssertFindsBug(() => Scenario(readOutsideLock: true), CoyoteStrategy.Probabilistic, iterations: 100, memoryAccessRaces: true);

        Assert.Matches("published generation|the observer saw|published with two contents|ended on version|Changed reported", bug);
    }
}
