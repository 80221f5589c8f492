using System.Collections.Immutable;

namespace CodeForge.Core.Config;

/// <summary>
/// Applies one part of a new settings version (permission rules, hooks, environment, model) to the running agent.
/// Runs inside the <see cref="SettingsGate"/> change, so no decision sees the part half applied; it must be quick, must
/// not wait for a decision, and reports what it changed and what was wrong through <paramref name="change"/>.
/// </summary>
/// <param name="applied">The version in force until now.</param>
/// <param name="next">The version being applied.</param>
/// <param name="change">Collects the names of the parts that changed and the problems found.</param>
public delegate void SettingsApplier(SettingsSnapshot applied, SettingsSnapshot next, SettingsChangeBuilder change);

/// <summary>What applying one settings version did, as the front ends show it.</summary>
/// <param name="Version">The settings version now in force.</param>
/// <param name="Changed">The parts that changed (<c>permissions</c>, <c>hooks</c>, <c>env</c>, <c>model</c>, ...), in order.</param>
/// <param name="Problems">What is wrong in the settings now, each naming its file and line: a broken file (whose last
/// good content stays in effect) or a rule that was rejected.</param>
public sealed record SettingsChange(long Version, ImmutableArray<string> Changed, ImmutableArray<SettingsDiagnostic> Problems);

/// <summary>Collects the parts a <see cref="SettingsApplier"/> changed and the problems it found. Used by one pump at a time.</summary>
public sealed class SettingsChangeBuilder
{
    private readonly List<string> _changed = [];
    private readonly List<SettingsDiagnostic> _problems = [];

    /// <summary>Records that <paramref name="part"/> changed (recorded once however often it is named).</summary>
    public void Changed(string part)
    {
        if (!_changed.Contains(part))
        {
            _changed.Add(part);
        }
    }

    public void Problem(SettingsDiagnostic problem) => _problems.Add(problem);

    internal ImmutableArray<string> Parts => [.. _changed];

    internal ImmutableArray<SettingsDiagnostic> Problems => [.. _problems];
}

/// <summary>
/// A slow part of the settings — the MCP server set, whose new servers may take up to their start-up timeout to answer —
/// applied off the settings pump by <see cref="LiveSettings"/>' own serial worker, so permission rules, hooks, env and
/// model never wait for it. It publishes what tool-call decisions see through <see cref="LiveSettings.ChangeUnderGateAsync"/>
/// (each publication atomic for decisions) and returns what to announce (null: nothing changed and no new problem).
/// </summary>
/// <param name="next">The newest settings version applied by the pump (the applier reads its own files for it too).</param>
/// <param name="cancellationToken">Cancelled when the <see cref="LiveSettings"/> is disposed.</param>
public delegate Task<SettingsChange?> SlowSettingsApplier(SettingsSnapshot next, CancellationToken cancellationToken);

/// <summary>
/// Settings that apply while forge runs: every reload of a <see cref="SettingsStore"/> (its watcher, or an explicit
/// <see cref="SettingsStore.Reload"/>) is applied by the given <see cref="SettingsApplier"/>s inside one
/// <see cref="SettingsGate"/> change, then announced through <see cref="Changed"/> — once per version that changed
/// something or the problems found (a file touched without a real change announces nothing). A
/// <see cref="SlowSettingsApplier"/> (the MCP server set) is then handed the version and applied by a worker of its own.
/// </summary>
/// <remarks>
/// <para>Thread-safe. The store's notifications are posted to a latest-wins mailbox (never blocking its watcher thread)
/// and applied by one pump task, in version order; a version already superseded when its turn comes is skipped (the newer
/// one contains it). Decisions that hold the <see cref="Gate"/> finish on the version they started with; decisions that
/// start after a change was queued and picked up run on it.</para>
/// <para>The pump never waits for the slow applier: after applying a version it posts it to the worker's own latest-wins
/// mailbox and goes on. The worker runs the slow applier for one version at a time, always the newest posted (versions
/// posted while it works are coalesced into the newest), so once the pump is quiet the slow part ends on the last
/// version: the final MCP set is the last desired one. Every gate change (the pump's, and each
/// <see cref="ChangeUnderGateAsync"/> of the worker) is serialized by one writer lock, so the gate keeps its single
/// writer and a decision sees each publication wholly or not at all.</para>
/// <para><see cref="Changed"/> and <see cref="ApplyFailed"/> are raised on the pump or the worker, outside the gate, one
/// at a time (under a notification lock); the slow part of a version is announced after the rest of that version. An
/// exception from a handler or an applier is contained and reported through <see cref="ApplyFailed"/>.</para>
/// </remarks>
public sealed class LiveSettings : IAsyncDisposable
{
    private readonly SettingsStore _store;
    private readonly ImmutableArray<SettingsApplier> _appliers;
    private readonly SlowSettingsApplier? _slow;
    private readonly SnapshotMailbox _pending = new();
    private readonly SnapshotMailbox _slowPending = new();
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly object _notifyGate = new();
    private readonly CancellationTokenSource _stopping = new();
    private SettingsSnapshot _applied;
    private long _slowApplied;
    private Task _pump = Task.CompletedTask;
    private Task _worker = Task.CompletedTask;
    private int _started;
    private int _disposed;

    /// <summary>Starts from the store's current snapshot, which the caller has applied itself (start-up).</summary>
    public LiveSettings(SettingsStore store, IEnumerable<SettingsApplier> appliers, SlowSettingsApplier? slow = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        ArgumentNullException.ThrowIfNull(appliers);
        _appliers = [.. appliers];
        _slow = slow;
        _applied = store.Current;
        _slowApplied = _applied.Version;
        Gate = new SettingsGate(_applied.Version);
    }

    /// <summary>The gate every tool-call decision holds while it decides.</summary>
    public SettingsGate Gate { get; }

    /// <summary>The settings version in force.</summary>
    public SettingsSnapshot Applied => Volatile.Read(ref _applied);

    /// <summary>The newest settings version whose slow part (the MCP server set) has been applied.</summary>
    public long SlowAppliedVersion => Interlocked.Read(ref _slowApplied);

    /// <summary>Raised after a version was applied that changed something or the problems found.</summary>
    public event Action<SettingsChange>? Changed;

    /// <summary>Raised when an applier or a <see cref="Changed"/> handler throws.</summary>
    public event Action<Exception>? ApplyFailed;

    /// <summary>
    /// Test seam: a deliberately broken variant of the real class for the systematic-scheduling tests, whose worker drops
    /// the version posted while it was applying an older one (coalescing too eagerly), so the slow part can end on a stale
    /// version. Set once, before <see cref="StartApplying"/>; never set in the product.
    /// </summary>
    internal bool DropsVersionsPostedDuringSlowApplyForTests { get; set; }

    /// <summary>
    /// Starts applying reloads and watching the settings files (a reload after the files have been quiet for
    /// <paramref name="debounce"/>). Calling it again does nothing.
    /// </summary>
    public void Start(TimeSpan debounce)
    {
        if (!StartApplying())
        {
            return;
        }
        _store.StartWatching(debounce);
        if (_store.UnwatchedDirectories is { IsEmpty: false } unwatched)
        {
            ApplyFailed?.Invoke(new IOException(
                $"settings changes in {string.Join(", ", unwatched)} are not watched ({_store.UnwatchedReason}); they apply after a restart"));
        }
    }

    /// <summary>
    /// Starts applying reloads without watching the files (changes apply on an explicit <see cref="SettingsStore.Reload"/>).
    /// False when already started.
    /// </summary>
    public bool StartApplying()
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            return false;
        }
        _store.Changed += OnStoreChanged;
        _pump = Task.Run(PumpAsync);
        if (_slow is not null)
        {
            _worker = Task.Run(WorkAsync);
        }
        // A reload between construction and now is applied too.
        OnStoreChanged(_store.Current);
        return true;
    }

    /// <summary>
    /// Runs <paramref name="publish"/> inside a <see cref="SettingsGate"/> change that keeps the settings version: it waits
    /// until no decision holds the gate and keeps new ones out meanwhile, so every decision sees all of
    /// <paramref name="publish"/>'s effect or none. For the <see cref="SlowSettingsApplier"/>; must be quick and must not
    /// wait for a decision.
    /// </summary>
    public async Task ChangeUnderGateAsync(Action publish)
    {
        ArgumentNullException.ThrowIfNull(publish);
        await _writer.WaitAsync().ConfigureAwait(false);
        try
        {
            await Gate.EnterChangeAsync().ConfigureAwait(false);
            try
            {
                publish();
            }
            finally
            {
                Gate.CompleteChange(Gate.Version);
            }
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>Stops applying; waits for a change being applied to finish (a slow apply in progress is cancelled).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _store.Changed -= OnStoreChanged;
        _pending.Complete();
#pragma warning disable VSTHRD003 // the pump and worker were started by StartApplying on this object; forge has no synchronization context
        await _pump.ConfigureAwait(false);
        _slowPending.Complete();
        // Cancel, not CancelAsync: the callbacks are token links; CancelAsync runs them on a task Coyote does not control.
#pragma warning disable VSTHRD103
        _stopping.Cancel();
#pragma warning restore VSTHRD103
        await _worker.ConfigureAwait(false);
#pragma warning restore VSTHRD003
        _stopping.Dispose();
        _writer.Dispose();
    }

    private void OnStoreChanged(SettingsSnapshot snapshot) => _pending.Post(snapshot);

    private async Task PumpAsync()
    {
        // Only the newest posted version matters: each snapshot is whole.
        while (await _pending.TakeAsync().ConfigureAwait(false) is { } latest)
        {
            if (latest.Version <= Applied.Version)
            {
                continue;
            }
            await ApplyAsync(latest).ConfigureAwait(false);
            if (_slow is not null)
            {
                _slowPending.Post(latest);
            }
        }
    }

    private async Task WorkAsync()
    {
        while (await _slowPending.TakeAsync().ConfigureAwait(false) is { } latest)
        {
            if (latest.Version <= SlowAppliedVersion)
            {
                continue;
            }
            SettingsChange? change = null;
            try
            {
                change = await _slow!(latest, _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Report(ex);
            }
            Interlocked.Exchange(ref _slowApplied, latest.Version);
            if (DropsVersionsPostedDuringSlowApplyForTests)
            {
                _slowPending.Clear();
            }
            if (change is not null)
            {
                Announce(change);
            }
        }
    }

    private async Task ApplyAsync(SettingsSnapshot next)
    {
        var applied = Applied;
        var change = new SettingsChangeBuilder();
        await _writer.WaitAsync().ConfigureAwait(false);
        try
        {
            await Gate.EnterChangeAsync().ConfigureAwait(false);
            try
            {
                foreach (var applier in _appliers)
                {
                    try
                    {
                        applier(applied, next, change);
                    }
                    catch (Exception ex)
                    {
                        Report(ex);
                    }
                }
                Volatile.Write(ref _applied, next);
            }
            finally
            {
                Gate.CompleteChange(next.Version);
            }
        }
        finally
        {
            _writer.Release();
        }
        var problems = Problems(next).AddRange(change.Problems);
        if (change.Parts.IsEmpty && Problems(applied).Select(p => p.ToString()).SequenceEqual(Problems(next).Select(p => p.ToString()), StringComparer.Ordinal))
        {
            return;
        }
        Announce(new SettingsChange(next.Version, change.Parts, problems));
    }

    private void Announce(SettingsChange change)
    {
        lock (_notifyGate)
        {
            try
            {
                Changed?.Invoke(change);
            }
            catch (Exception ex)
            {
                ApplyFailed?.Invoke(ex);
            }
        }
    }

    private void Report(Exception ex)
    {
        lock (_notifyGate)
        {
            ApplyFailed?.Invoke(ex);
        }
    }

    /// <summary>The problems worth announcing: errors, and the notes that a broken file's last good content stays in effect.</summary>
    public static ImmutableArray<SettingsDiagnostic> Problems(SettingsSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return [.. snapshot.Diagnostics.Where(d => d.IsError || d.Key.Length == 0)];
    }
}
