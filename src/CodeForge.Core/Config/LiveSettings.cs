using System.Collections.Immutable;
using System.Threading.Channels;

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
/// Settings that apply while forge runs: every reload of a <see cref="SettingsStore"/> (its watcher, or an explicit
/// <see cref="SettingsStore.Reload"/>) is applied by the given <see cref="SettingsApplier"/>s inside one
/// <see cref="SettingsGate"/> change, then announced through <see cref="Changed"/> — once per version that changed
/// something or the problems found (a file touched without a real change announces nothing).
/// </summary>
/// <remarks>
/// <para>Thread-safe. The store's notifications are queued (never blocking its watcher thread) and applied by one pump
/// task, in version order; a version already superseded when its turn comes is skipped (the newer one contains it).
/// Decisions that hold the <see cref="Gate"/> finish on the version they started with; decisions that start after a
/// change was queued and picked up run on it.</para>
/// <para><see cref="Changed"/> and <see cref="ApplyFailed"/> are raised on the pump task, outside the gate, one at a time;
/// an exception from a handler or an applier is contained and reported through <see cref="ApplyFailed"/>.</para>
/// </remarks>
public sealed class LiveSettings : IAsyncDisposable
{
    private readonly SettingsStore _store;
    private readonly ImmutableArray<SettingsApplier> _appliers;
    private readonly Channel<SettingsSnapshot> _pending = Channel.CreateUnbounded<SettingsSnapshot>(new UnboundedChannelOptions { SingleReader = true });
    private SettingsSnapshot _applied;
    private Task _pump = Task.CompletedTask;
    private int _started;

    /// <summary>Starts from the store's current snapshot, which the caller has applied itself (start-up).</summary>
    public LiveSettings(SettingsStore store, IEnumerable<SettingsApplier> appliers)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        ArgumentNullException.ThrowIfNull(appliers);
        _appliers = [.. appliers];
        _applied = store.Current;
        Gate = new SettingsGate(_applied.Version);
    }

    /// <summary>The gate every tool-call decision holds while it decides.</summary>
    public SettingsGate Gate { get; }

    /// <summary>The settings version in force.</summary>
    public SettingsSnapshot Applied => Volatile.Read(ref _applied);

    /// <summary>Raised after a version was applied that changed something or the problems found.</summary>
    public event Action<SettingsChange>? Changed;

    /// <summary>Raised when an applier or a <see cref="Changed"/> handler throws.</summary>
    public event Action<Exception>? ApplyFailed;

    /// <summary>
    /// Starts applying reloads and watching the settings files (a reload after the files have been quiet for
    /// <paramref name="debounce"/>). Calling it again does nothing.
    /// </summary>
    public void Start(TimeSpan debounce)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            return;
        }
        _store.Changed += OnStoreChanged;
        _pump = Task.Run(PumpAsync);
        // A reload between construction and now is applied too.
        OnStoreChanged(_store.Current);
        _store.StartWatching(debounce);
        if (_store.UnwatchedDirectories is { IsEmpty: false } unwatched)
        {
            ApplyFailed?.Invoke(new IOException($"settings changes in {string.Join(", ", unwatched)} are not watched (no file watch available); they apply after a restart"));
        }
    }

    /// <summary>Stops applying; waits for a change being applied to finish.</summary>
    public async ValueTask DisposeAsync()
    {
        _store.Changed -= OnStoreChanged;
        _pending.Writer.TryComplete();
#pragma warning disable VSTHRD003 // the pump was started by Start on this object; forge has no synchronization context
        await _pump.ConfigureAwait(false);
#pragma warning restore VSTHRD003
    }

    private void OnStoreChanged(SettingsSnapshot snapshot) => _pending.Writer.TryWrite(snapshot);

    private async Task PumpAsync()
    {
        await foreach (var next in _pending.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            // Only the newest queued version matters: each snapshot is whole.
            var latest = next;
            while (_pending.Reader.TryRead(out var newer))
            {
                latest = newer.Version > latest.Version ? newer : latest;
            }
            if (latest.Version <= Applied.Version)
            {
                continue;
            }
            await ApplyAsync(latest).ConfigureAwait(false);
        }
    }

    private async Task ApplyAsync(SettingsSnapshot next)
    {
        var applied = Applied;
        var change = new SettingsChangeBuilder();
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
                    ApplyFailed?.Invoke(ex);
                }
            }
            Volatile.Write(ref _applied, next);
        }
        finally
        {
            Gate.CompleteChange(next.Version);
        }
        var problems = Problems(next).AddRange(change.Problems);
        if (change.Parts.IsEmpty && Problems(applied).Select(p => p.ToString()).SequenceEqual(Problems(next).Select(p => p.ToString()), StringComparer.Ordinal))
        {
            return;
        }
        try
        {
            Changed?.Invoke(new SettingsChange(next.Version, change.Parts, problems));
        }
        catch (Exception ex)
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
