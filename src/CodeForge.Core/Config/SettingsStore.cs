using System.Collections.Immutable;

namespace CodeForge.Core.Config;

/// <summary>
/// Loads the layered settings of a project and keeps them current: <see cref="Reload"/> re-reads every file, and
/// <see cref="StartWatching"/> reloads when a settings file (or one of <see cref="SettingsLocations.AlsoWatched"/>) changes.
/// </summary>
/// <remarks>
/// <para>Thread-safe. <see cref="Current"/> is one immutable <see cref="SettingsSnapshot"/> behind a volatile reference:
/// readers never lock and never see a mix of two loads (no torn read).</para>
/// <para>Reloads are serialized under one lock, and each reads the files <em>inside</em> it, so snapshots are published in
/// the order their files were read: a reload that starts after a file change has completed publishes a snapshot that
/// contains it, and no slower, older reload can overwrite it afterwards (no lost reload). Versions increase by one per
/// reload.</para>
/// <para>A file that becomes unusable (invalid JSON, not an object, unreadable) keeps the last good content this store
/// read from it, and the snapshot carries both the error (with its line) and a warning saying the old content stays in
/// effect; a file that was never good contributes nothing. A deleted file contributes nothing.</para>
/// <para><see cref="Changed"/> is raised after publication, outside the reload lock, one handler call at a time with
/// strictly increasing versions (a snapshot superseded before its notification is skipped); a handler that reloads does
/// not deadlock. A handler exception is contained and reported through <see cref="HandlerFailed"/>.</para>
/// </remarks>
public sealed class SettingsStore : IDisposable
{
    private readonly object _reloadGate = new();
    private readonly object _notifyGate = new();
    private readonly SettingsLocations _locations;
    private readonly SettingsFragment _commandLine;
    private readonly TimeProvider _time;
    private readonly Func<SettingsFileContent, SettingsFileContent>? _filter;
    private readonly List<FileSystemWatcher> _watchers = [];
    private readonly List<string> _unwatched = [];
    private string? _unwatchedReason;
    private readonly Dictionary<string, SettingsFileContent> _lastGood = new(StringComparer.Ordinal);
    private SettingsSnapshot _current;
    private ITimer? _debounce;
    private long _notifiedVersion;
    private bool _disposed;

    public SettingsStore(SettingsLocations locations, SettingsFragment? commandLine = null, TimeProvider? timeProvider = null)
        : this(locations, commandLine, timeProvider, filter: null)
    {
    }

    /// <summary>
    /// A store whose every file passes through <paramref name="filter"/> before it takes part in a load (e.g.
    /// <see cref="Trust.UntrustedProjectSettings.Restrict(SettingsFileContent)"/> for a folder that is not trusted): the
    /// snapshot's merge and its <see cref="SettingsSnapshot.Files"/> both see the filtered content.
    /// </summary>
    public SettingsStore(SettingsLocations locations, SettingsFragment? commandLine, TimeProvider? timeProvider,
        Func<SettingsFileContent, SettingsFileContent>? filter)
    {
        _filter = filter;
        _locations = locations ?? throw new ArgumentNullException(nameof(locations));
        _commandLine = commandLine ?? SettingsFragment.Empty;
        _time = timeProvider ?? TimeProvider.System;
        _current = Load(1);
    }

    /// <summary>The latest snapshot.</summary>
    public SettingsSnapshot Current => Volatile.Read(ref _current);

    /// <summary>The files this store reads.</summary>
    public SettingsLocations Locations => _locations;

    /// <summary>Raised after each reload with the new snapshot.</summary>
    public event Action<SettingsSnapshot>? Changed;

    /// <summary>Raised when a <see cref="Changed"/> handler throws.</summary>
    public event Action<Exception>? HandlerFailed;

    /// <summary>Re-reads every settings file and publishes a new snapshot.</summary>
    public SettingsSnapshot Reload()
    {
        SettingsSnapshot published;
        if (ReadOutsideLockForTests)
        {
            // The broken variant: files read (and the version chosen) before the lock, so an older read can publish last.
            var loaded = Load(Volatile.Read(ref _current).Version + 1);
            lock (_reloadGate)
            {
                published = loaded;
                Volatile.Write(ref _current, published);
            }
            Notify(published);
            return published;
        }
        lock (_reloadGate)
        {
            published = Load(_current.Version + 1);
            Volatile.Write(ref _current, published);
        }
        Notify(published);
        return published;
    }

    /// <summary>
    /// Test seam: a deliberately broken variant of the real class for the systematic-scheduling tests, whose
    /// <see cref="Reload"/> reads the files and picks the next version before taking the reload lock. Set once, before
    /// any reload; never set in the product.
    /// </summary>
    internal bool ReadOutsideLockForTests { get; set; }

    /// <summary>
    /// Test seam: called with a directory just before its watcher is created, so a test can make the creation fail the
    /// way an exhausted inotify limit does (an <see cref="IOException"/>). Set once, before
    /// <see cref="StartWatching"/>; never set in the product.
    /// </summary>
    internal Action<string>? BeforeWatchForTests { get; set; }

    /// <summary>
    /// Watches the settings directories and reloads after a change, once the files have been quiet for
    /// <paramref name="debounce"/> (zero reloads at once). A settings directory that does not exist yet (a project with
    /// no <c>.forge/</c>) is watched for from its parent: when it appears it is watched too, and the settings reloaded.
    /// </summary>
    public void StartWatching(TimeSpan debounce)
    {
        lock (_reloadGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_debounce is not null)
            {
                return;
            }
            _debounce = _time.CreateTimer(_ => Reload(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            var missing = new List<string>();
            foreach (var directory in WatchedDirectories())
            {
                if (Directory.Exists(directory))
                {
                    WatchDirectory(directory, debounce);
                }
                else
                {
                    missing.Add(directory);
                }
            }
            // One watcher per parent for the settings directories that do not exist yet.
            foreach (var parent in missing.Select(Path.GetDirectoryName).OfType<string>().Distinct(StringComparer.Ordinal).Where(Directory.Exists))
            {
                TryWatch(parent, () =>
                {
                    var parentWatcher = new FileSystemWatcher(parent) { NotifyFilter = NotifyFilters.DirectoryName };
                    parentWatcher.Created += (_, e) => OnDirectoryCreated(e.FullPath, debounce);
                    parentWatcher.Renamed += (_, e) => OnDirectoryCreated(e.FullPath, debounce);
                    return parentWatcher;
                });
            }
        }
    }

    /// <summary>Directories that could not be watched (e.g. the system's limit on file watches was reached); their
    /// changes are picked up by the next <see cref="Reload"/> only. <see cref="UnwatchedReason"/> says why.</summary>
    public ImmutableArray<string> UnwatchedDirectories
    {
        get
        {
            lock (_reloadGate)
            {
                return [.. _unwatched];
            }
        }
    }

    /// <summary>The error of the first watch that could not be created; null while every watch could.</summary>
    public string? UnwatchedReason
    {
        get
        {
            lock (_reloadGate)
            {
                return _unwatchedReason;
            }
        }
    }

    private IEnumerable<string> WatchedDirectories() =>
        WatchedFiles().Select(f => Path.GetDirectoryName(f)!).Distinct(StringComparer.Ordinal);

    /// <summary>Every file whose change reloads: the settings files and <see cref="SettingsLocations.AlsoWatched"/>.</summary>
    private IEnumerable<string> WatchedFiles() =>
        _locations.FilesBeforeCommandLine.Add(_locations.Managed).Select(f => f.Path).Concat(_locations.AlsoWatched);

    /// <summary>Creates and starts the watcher of <paramref name="directory"/>; one that cannot be created or started is
    /// disposed, and the directory recorded as unwatched. Called under the reload lock.</summary>
    private void TryWatch(string directory, Func<FileSystemWatcher> create)
    {
        FileSystemWatcher? watcher = null;
        try
        {
            BeforeWatchForTests?.Invoke(directory);
            watcher = create();
            watcher.EnableRaisingEvents = true;
            _watchers.Add(watcher);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or PlatformNotSupportedException)
        {
            watcher?.Dispose();
            _unwatched.Add(directory);
            _unwatchedReason ??= ex.Message;
        }
    }

    /// <summary>Adds a watcher for <paramref name="directory"/>'s JSON files. Called under the reload lock.</summary>
    private void WatchDirectory(string directory, TimeSpan debounce)
    {
        if (_disposed || _watchers.Any(w => w.Filter == "*.json" && string.Equals(w.Path, directory, StringComparison.Ordinal)))
        {
            return;
        }
        TryWatch(directory, () =>
        {
            var watcher = new FileSystemWatcher(directory, "*.json")
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size,
            };
            FileSystemEventHandler onChange = (_, e) => OnFileEvent(e.FullPath, debounce);
            watcher.Changed += onChange;
            watcher.Created += onChange;
            watcher.Deleted += onChange;
            watcher.Renamed += (_, e) => OnFileEvent(e.FullPath, debounce);
            return watcher;
        });
    }

    private void OnDirectoryCreated(string directory, TimeSpan debounce)
    {
        lock (_reloadGate)
        {
            if (!WatchedDirectories().Contains(directory, StringComparer.Ordinal) || !Directory.Exists(directory))
            {
                return;
            }
            WatchDirectory(directory, debounce);
        }
        // A file may have been written into the new directory before its watcher started.
        if (WatchedFiles().FirstOrDefault(f => Path.GetDirectoryName(f) == directory) is { } file)
        {
            OnFileEvent(file, debounce);
        }
    }

    public void Dispose()
    {
        lock (_reloadGate)
        {
            _disposed = true;
            foreach (var w in _watchers)
            {
                w.Dispose();
            }
            _watchers.Clear();
            _debounce?.Dispose();
        }
    }

    private void OnFileEvent(string path, TimeSpan debounce)
    {
        if (!WatchedFiles().Any(f => string.Equals(f, path, StringComparison.Ordinal)))
        {
            return;
        }
        if (debounce <= TimeSpan.Zero)
        {
            Reload();
        }
        else
        {
            _debounce?.Change(debounce, Timeout.InfiniteTimeSpan);
        }
    }

    private SettingsSnapshot Load(long version)
    {
        var fragments = ImmutableArray.CreateBuilder<SettingsFragment>();
        var diagnostics = ImmutableArray.CreateBuilder<SettingsDiagnostic>();
        var files = ImmutableArray.CreateBuilder<SettingsFileContent>();
        foreach (var source in _locations.FilesBeforeCommandLine)
        {
            fragments.Add(LoadFile(source, diagnostics, files));
        }
        fragments.Add(_commandLine);
        fragments.Add(LoadFile(_locations.Managed, diagnostics, files));
        var settings = Settings.Merge(fragments);
        if (settings.DisableBypassPermissionsMode && settings.DefaultMode == "bypassPermissions")
        {
            diagnostics.Add(new SettingsDiagnostic(_locations.Managed, 0, "permissions.defaultMode",
                "bypassPermissions is disabled by managed settings; using default"));
            settings = settings with { DefaultMode = "default" };
        }
        return new SettingsSnapshot(settings, diagnostics.ToImmutable(), version) { Files = files.ToImmutable() };
    }

    /// <summary>
    /// Reads one file. A file that cannot be used as a whole (not JSON, not an object, unreadable) keeps the last good
    /// content this store read from it, with a warning saying so; a deleted file contributes nothing. Called under the
    /// reload lock (or from the constructor), which guards <see cref="_lastGood"/>.
    /// </summary>
    private SettingsFragment LoadFile(SettingsSource source, ImmutableArray<SettingsDiagnostic>.Builder diagnostics,
        ImmutableArray<SettingsFileContent>.Builder files)
    {
        var (text, problem) = SettingsParser.ReadFile(source);
        ImmutableArray<SettingsDiagnostic> found;
        if (text is not null)
        {
            var (fragment, parsed) = SettingsParser.Parse(text, source);
            diagnostics.AddRange(parsed);
            if (!parsed.Any(SettingsParser.IsWholeFileProblem))
            {
                var content = new SettingsFileContent(source, text, fragment);
                _lastGood[source.Path] = content;
                var used = _filter?.Invoke(content) ?? content;
                files.Add(used);
                return used.Fragment;
            }
            found = parsed;
        }
        else if (problem is null)
        {
            _lastGood.Remove(source.Path);
            return SettingsFragment.Empty;
        }
        else
        {
            diagnostics.Add(problem);
            found = [problem];
        }
        if (!_lastGood.TryGetValue(source.Path, out var good))
        {
            return SettingsFragment.Empty;
        }
        diagnostics.Add(new SettingsDiagnostic(source, found.Select(d => d.Line).FirstOrDefault(), "",
            "the last good settings of this file stay in effect until it is fixed", IsError: false));
        var kept = _filter?.Invoke(good) ?? good;
        files.Add(kept);
        return kept.Fragment;
    }

    private void Notify(SettingsSnapshot snapshot)
    {
        // One notification at a time, versions strictly increasing: a snapshot already superseded is skipped. The reload
        // lock is never held here, so a handler may reload (Monitor is re-entrant for this thread).
        lock (_notifyGate)
        {
            if (snapshot.Version <= _notifiedVersion)
            {
                return;
            }
            _notifiedVersion = snapshot.Version;
            try
            {
                Changed?.Invoke(snapshot);
            }
            catch (Exception ex)
            {
                HandlerFailed?.Invoke(ex);
            }
        }
    }
}
