using System.Collections.Concurrent;
using CodeForge.Concurrency.Tests.Infrastructure;
using CodeForge.Concurrency.Tests.Linearizability;
using CodeForge.Core.Config;

namespace CodeForge.Concurrency.Tests.Config;

/// <summary>
/// The seed's second future area: config reloads racing readers. A reader must always see one whole snapshot (no torn
/// read: every field from one file version), versions never go backwards for a reader, and no reload is lost: once the
/// writers stop, the store converges to the file's final content.
/// </summary>
[Collection(NonParallel.Name)]
public sealed class SettingsStoreConcurrencyTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("forge-reload-");

    private string Project => Path.Combine(_root.FullName, "project");

    private string SettingsPath => Path.Combine(Project, ".forge", "settings.json");

    private SettingsLocations Locations => new(Path.Combine(_root.FullName, "home"), Project, Path.Combine(_root.FullName, "managed.json"));

    public void Dispose() => _root.Delete(recursive: true);

    /// <summary>Writes version <paramref name="n"/> atomically: three fields that must always agree.</summary>
    internal static void WriteVersion(string path, int n)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Environment.CurrentManagedThreadId}.{n}.tmp";
        File.WriteAllText(temp, $$$"""{"model": "v{{{n}}}", "env": {"N": "{{{n}}}"}, "permissions": {"allow": ["Bash(echo {{{n}}})"]}}""");
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>The version a snapshot shows, after checking its three fields come from one file version.</summary>
    internal static int VersionOf(Settings s)
    {
        var n = int.Parse(s.Model!.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(n.ToString(System.Globalization.CultureInfo.InvariantCulture), s.Env["N"]);
        Assert.Equal($"Bash(echo {n})", Assert.Single(s.Allow).Text);
        return n;
    }

    [Fact]
    public void ConcurrentReloadsAndReads_NeverTearAndNeverGoBackwards()
    {
        WriteVersion(SettingsPath, 0);
        using var store = new SettingsStore(Locations);
        var done = 0;
        var observations = new ConcurrentBag<int>();

        Stress.RunThreads(10, t =>
        {
            if (t < 2)
            {
                // Writers: 2 threads each publish 40 versions and reload after each.
                for (var i = 1; i <= 40; i++)
                {
                    WriteVersion(SettingsPath, t * 1000 + i);
                    store.Reload();
                }
                Interlocked.Increment(ref done);
                return;
            }
            if (t < 4)
            {
                // Extra reloaders with no write of their own.
                while (Volatile.Read(ref done) < 2)
                {
                    store.Reload();
                }
                return;
            }
            // Readers: each snapshot whole, versions non-decreasing per reader.
            long lastVersion = 0;
            while (Volatile.Read(ref done) < 2)
            {
                var snapshot = store.Current;
                Assert.True(snapshot.Version >= lastVersion, $"version went back from {lastVersion} to {snapshot.Version}");
                lastVersion = snapshot.Version;
                observations.Add(VersionOf(snapshot.Settings));
            }
        });

        // No lost reload: after the writers' last reload, the snapshot is the file's final content.
        var final = VersionOf(SettingsParser.ParseFile(new SettingsSource(SettingsScope.Project, SettingsPath)).Fragment is var f
            ? Settings.Merge([f]) : throw new InvalidOperationException());
        Assert.Equal(final, VersionOf(store.Current.Settings));
        Assert.NotEmpty(observations);
    }

    [Fact]
    public async Task Watching_WhenFilesChangeRapidly_ConvergesToTheLastWrite()
    {
        WriteVersion(SettingsPath, 0);
        using var store = new SettingsStore(Locations);
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.Changed += s =>
        {
            if (s.Settings.Model == "v200")
            {
                reached.TrySetResult();
            }
        };
        store.StartWatching(TimeSpan.Zero);

        Stress.RunThreads(4, t =>
        {
            for (var i = 0; i < 10; i++)
            {
                WriteVersion(SettingsPath, 100 + t * 10 + i);
            }
        });
        WriteVersion(SettingsPath, 200);

        await Stress.WithinWatchdog(reached.Task.ContinueWith(_ => 0, TaskScheduler.Default), Stress.DefaultWatchdog, "convergence");
        Assert.Equal(200, VersionOf(store.Current.Settings));
    }

    public sealed record ReloadOp(string Kind, int Value)
    {
        public override string ToString() => Kind == "write" ? $"Write(v{Value})" : $"{Kind}()";
    }

    /// <summary>
    /// An output: the version a reload published (or a read saw), and for a reload the file versions whose writes had
    /// returned before it was called (it must not publish anything older than those).
    /// </summary>
    public sealed record ReloadOutput(int Version, System.Collections.Immutable.ImmutableHashSet<int> WrittenBefore)
    {
        public override string ToString() => WrittenBefore.IsEmpty ? $"v{Version}" : $"v{Version} (after {WrittenBefore.Count} writes)";
    }

    /// <summary>
    /// State: the versions the file has held, in order, and which of them the published snapshot came from. A reload takes
    /// effect when it publishes; a file writer outside the process can change the file between the reload's read and its
    /// publication, so what it publishes may already be superseded, but never older than the snapshot it replaces
    /// (snapshots follow file order) and never older than any write that had returned before the reload was called (it
    /// reads the file after its call: a stale reload is impossible). Reads return the published snapshot.
    /// </summary>
    private sealed class ReloadModel : SequentialModel<ReloadState, ReloadOp, ReloadOutput>
    {
        public override ReloadState Init() => new([0], 0);

        public override IEnumerable<ReloadState> Step(ReloadState s, ReloadOp input, ReloadOutput output)
        {
            switch (input.Kind)
            {
                case "write":
                    return Legal(s with { File = s.File.Add(input.Value) });
                case "reload":
                    var floor = 0;
                    foreach (var written in output.WrittenBefore)
                    {
                        var at = s.File.IndexOf(written);
                        if (at < 0)
                        {
                            return Illegal; // that write returned before the reload was called, so it takes effect first
                        }
                        floor = Math.Max(floor, at);
                    }
                    var j = s.File.LastIndexOf(output.Version, s.File.Count - 1, s.File.Count, EqualityComparer<int>.Default);
                    return j >= s.Source && j >= floor ? Legal(s with { Source = j }) : Illegal;
                default:
                    return LegalIf(output.Version == s.File[s.Source], s);
            }
        }

        public override IEqualityComparer<ReloadState> StateComparer { get; } = new ReloadStateComparer();
    }

    public sealed record ReloadState(System.Collections.Immutable.ImmutableList<int> File, int Source)
    {
        public override string ToString() => $"file [{string.Join(", ", File)}], snapshot from #{Source}";
    }

    private sealed class ReloadStateComparer : IEqualityComparer<ReloadState>
    {
        public bool Equals(ReloadState? x, ReloadState? y) =>
            x is not null && y is not null && x.Source == y.Source && x.File.SequenceEqual(y.File);

        public int GetHashCode(ReloadState s) => HashCode.Combine(s.Source, s.File.Count, s.File.Count > 0 ? s.File[^1] : 0);
    }

    private interface IReloadable
    {
        int Reload();

        int Read();
    }

    private sealed class RealStore(SettingsStore store) : IReloadable
    {
        public int Reload() => VersionOf(store.Reload().Settings);

        public int Read() => VersionOf(store.Current.Settings);
    }

    /// <summary>A broken store: reads the files outside the lock, then publishes, so an older read can land last.</summary>
    private sealed class UnlockedStore(SettingsLocations locations) : IReloadable
    {
        private Settings _current = Load(locations);

        public int Reload()
        {
            var loaded = Load(locations);
            // Widen the window between reading the files and publishing, so a newer reload can publish in between.
            Thread.Sleep(2);
            Volatile.Write(ref _current, loaded);
            return VersionOf(loaded);
        }

        public int Read() => VersionOf(Volatile.Read(ref _current));

        private static Settings Load(SettingsLocations l) =>
            Settings.Merge(l.FilesBeforeCommandLine.Select(f => SettingsParser.ParseFile(f).Fragment));
    }

    private Func<ReloadOp, ReloadOutput> Executor(IReloadable store)
    {
        var written = System.Collections.Immutable.ImmutableHashSet<int>.Empty;
        return op =>
        {
            switch (op.Kind)
            {
                case "write":
                    WriteVersion(SettingsPath, op.Value);
                    System.Collections.Immutable.ImmutableInterlocked.Update(ref written, w => w.Add(op.Value));
                    return new ReloadOutput(0, []);
                case "reload":
                    var before = Volatile.Read(ref written);
                    return new ReloadOutput(store.Reload(), before);
                default:
                    return new ReloadOutput(store.Read(), []);
            }
        };
    }

    private static ReloadOp Generate(int client, Random random)
    {
        var roll = random.Next(4);
        return roll switch
        {
            0 => new ReloadOp("write", client * 100_000 + random.Next(1, 99_999)),
            1 => new ReloadOp("reload", 0),
            _ => new ReloadOp("read", 0),
        };
    }

    [Fact]
    public void ReloadModel_RejectsAReloadOlderThanAWriteThatReturnedBeforeIt()
    {
        // write(5) returns, then a reload is called and publishes v0: stale (the old model accepted it, since 0 >= the
        // published source). Overlapping the write instead, v0 is legal (the reload may have read first).
        var written = System.Collections.Immutable.ImmutableHashSet.Create(5);
        var none = System.Collections.Immutable.ImmutableHashSet<int>.Empty;
        Operation<ReloadOp, ReloadOutput>[] stale =
        [
            new(0, new ReloadOp("write", 5), new ReloadOutput(0, none), 1, 2),
            new(1, new ReloadOp("reload", 0), new ReloadOutput(0, written), 3, 4),
        ];
        Operation<ReloadOp, ReloadOutput>[] overlapping =
        [
            new(0, new ReloadOp("write", 5), new ReloadOutput(0, none), 1, 3),
            new(1, new ReloadOp("reload", 0), new ReloadOutput(0, none), 2, 4),
        ];

        Assert.Equal(Verdict.NotLinearizable, LinearizabilityChecker.Check(new ReloadModel(), stale).Verdict);
        Assert.Equal(Verdict.Linearizable, LinearizabilityChecker.Check(new ReloadModel(), overlapping).Verdict);
    }

    [Fact]
    public void Reload_IsLinearizableAsARegisterOfSnapshots()
    {
        LinearizabilityRun.AssertLinearizable(new ReloadModel(), () =>
        {
            WriteVersion(SettingsPath, 0);
            var store = new SettingsStore(Locations);
            return Executor(new RealStore(store));
        }, Generate, TimeSpan.FromSeconds(2), threads: 4, opsPerThread: 12);
    }

    [Fact]
    public void Reload_CheckCatchesAStoreThatPublishesOutsideTheLock()
    {
        LinearizabilityRun.AssertFindsViolation(new ReloadModel(), () =>
        {
            WriteVersion(SettingsPath, 0);
            return Executor(new UnlockedStore(Locations));
        }, Generate, TimeSpan.FromSeconds(40), threads: 8, opsPerThread: 12);
    }

    [Fact]
    public async Task ConcurrentWriters_NeverLoseEachOthersRules()
    {
        var path = Path.Combine(Project, ".forge", "settings.local.json");

        await Stress.GatherAsync(20, i => SettingsWriter.AddPermissionRuleAsync(path, "allow", $"Bash(tool-{i})"));

        var (fragment, diagnostics) = SettingsParser.ParseFile(new SettingsSource(SettingsScope.Local, path));
        Assert.Empty(diagnostics);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"Bash(tool-{i})").Order(),
            fragment.Allow.Select(r => r.Text).Order());
    }
}
