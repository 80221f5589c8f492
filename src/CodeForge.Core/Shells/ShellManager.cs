using System.Collections.Concurrent;

namespace CodeForge.Core.Shells;

/// <summary>
/// Owns the background shells of one host: creates them, finds them by id, kills them, cleans up finished ones and, when
/// disposed, kills every process it started.
/// </summary>
/// <remarks>
/// <para>
/// Thread safety: every member may be called concurrently from any thread. The table is a
/// <see cref="ConcurrentDictionary{TKey,TValue}"/>; <see cref="List"/> and <see cref="ListRunning"/> return snapshots.
/// A shell is registered (status <see cref="ShellStatus.Pending"/>) before its process is started, so no process ever
/// exists that the table does not know about: <see cref="KillAllAsync"/> and <see cref="DisposeAsync"/> cannot miss one.
/// Ids are unique within the manager (a bijective generator, and a <c>TryAdd</c> retry for good measure).
/// </para>
/// <para>
/// <see cref="CleanupCompleted"/> removes only shells in a final state (a state they never leave) that finished at least
/// <c>maxAge</c> ago, each with one atomic key-and-value removal, so it can never remove a running shell nor one that
/// another call replaced. A <see cref="CreateAsync"/> racing <see cref="DisposeAsync"/> either is seen by the disposal or
/// sees the disposal and kills its own shell (both sides use full fences), so disposal leaves no process behind.
/// </para>
/// <para>
/// Killing ends the whole process tree: the real launcher starts each shell in its own session and process group
/// (<c>setsid</c>) and kills the group (see <see cref="SystemProcessLauncher"/>).
/// </para>
/// </remarks>
public sealed class ShellManager : IAsyncDisposable
{
    private static readonly object SharedGate = new();
    private static ShellManager? s_shared;

    private readonly ConcurrentDictionary<string, ShellProcess> _shells = new(StringComparer.Ordinal);
    private readonly IProcessLauncher _launcher;
    private readonly TimeProvider _time;
    private readonly ShellManagerOptions _options;
    private readonly Func<string> _nextId;
    private long _sequence;
    private int _disposed;

    /// <summary>Creates a manager over real processes, the system clock and default options unless given others.</summary>
    public ShellManager(IProcessLauncher? launcher = null, TimeProvider? timeProvider = null, ShellManagerOptions? options = null)
        : this(launcher, timeProvider, options, idSource: null)
    {
    }

    internal ShellManager(IProcessLauncher? launcher, TimeProvider? timeProvider, ShellManagerOptions? options, Func<string>? idSource)
    {
        options ??= new ShellManagerOptions();
        options.Validate();
        _launcher = launcher ?? SystemProcessLauncher.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _options = options;
        _nextId = idSource ?? new ShellIdGenerator().Next;
    }

    /// <summary>The process-wide manager (created once, even under contention). Hosts may instead create their own.</summary>
    public static ShellManager Shared
    {
        get
        {
            var shared = Volatile.Read(ref s_shared);
            if (shared is not null)
            {
                return shared;
            }
            lock (SharedGate)
            {
                return s_shared ??= new ShellManager();
            }
        }
    }

    /// <summary>Disposes the shared manager (killing its shells) so the next <see cref="Shared"/> creates a fresh one. For tests.</summary>
    internal static async Task ResetSharedAsync()
    {
        ShellManager? old;
        lock (SharedGate)
        {
            old = s_shared;
            s_shared = null;
        }
        if (old is not null)
        {
            await old.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Number of shells in the table.</summary>
    public int Count => _shells.Count;

    /// <summary>
    /// Starts <c>/bin/sh -c <paramref name="command"/></c> in <paramref name="workingDirectory"/> with the current environment
    /// plus <paramref name="environment"/> (a null value removes a variable), registers it and returns it running. Output is
    /// captured from the start. With a <paramref name="timeout"/>, the process tree is killed when it elapses and the shell
    /// ends <see cref="ShellStatus.TimedOut"/>. If <see cref="KillAllAsync"/> or <see cref="DisposeAsync"/> reaches the shell
    /// while it is still pending, nothing is started and it is returned <see cref="ShellStatus.Killed"/> (or, after
    /// disposal, <see cref="ObjectDisposedException"/> is thrown).
    /// </summary>
    /// <exception cref="ArgumentException">The command is empty, or an environment variable name is empty or contains '=' or NUL.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The timeout is not positive.</exception>
    /// <exception cref="DirectoryNotFoundException">The working directory does not exist.</exception>
    /// <exception cref="InvalidOperationException">The process could not be started.</exception>
    /// <exception cref="ObjectDisposedException">The manager is disposed.</exception>
    public async Task<ShellProcess> CreateAsync(
        string command,
        string workingDirectory,
        IReadOnlyDictionary<string, string?>? environment = null,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        var spec = Validate(command, workingDirectory, environment, timeout);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        cancellationToken.ThrowIfCancellationRequested();

        ShellProcess shell;
        do
        {
            shell = new ShellProcess(_nextId(), Interlocked.Increment(ref _sequence), spec, timeout, _options, _time);
        }
        while (!_shells.TryAdd(shell.Id, shell));

        // Full fence (Dekker with DisposeAsync): either disposal's snapshot contains this shell, or we see the disposal.
        if (Interlocked.CompareExchange(ref _disposed, 0, 0) != 0)
        {
            await AbandonAsync(shell).ConfigureAwait(false);
            throw new ObjectDisposedException(nameof(ShellManager), "The shell manager was disposed while the shell was being created.");
        }
        try
        {
            shell.Start(_launcher);
        }
        catch (InvalidOperationException)
        {
            _shells.TryRemove(new KeyValuePair<string, ShellProcess>(shell.Id, shell));
            throw;
        }
        if (shell.Pid is null && Volatile.Read(ref _disposed) != 0)
        {
            // Disposal reached the shell while it was pending: nothing was started.
            throw new ObjectDisposedException(nameof(ShellManager), "The shell manager was disposed while the shell was being created.");
        }
        return shell;
    }

    /// <summary>The shell with <paramref name="id"/>, or null if there is none (never created, or cleaned up).</summary>
    public ShellProcess? Get(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return _shells.TryGetValue(id, out var shell) ? shell : null;
    }

    /// <summary>A snapshot of all shells, oldest first.</summary>
    public IReadOnlyList<ShellProcess> List()
    {
        var shells = _shells.Values.ToArray();
        Array.Sort(shells, static (a, b) => a.Sequence.CompareTo(b.Sequence));
        return shells;
    }

    /// <summary>A snapshot of the shells not yet in a final state, oldest first.</summary>
    public IReadOnlyList<ShellProcess> ListRunning() => List().Where(static s => s.IsRunning).ToArray();

    /// <summary>
    /// Kills the shell's process tree and waits for its final status. Returns true if this call registered the kill (see
    /// <see cref="ShellProcess.Kill"/>); false if the shell had already finished (its status is kept) or been killed.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No shell has this id.</exception>
    public Task<bool> KillAsync(string id, CancellationToken cancellationToken = default)
    {
        var shell = Get(id) ?? throw new KeyNotFoundException($"No shell with id '{id}'.");
        return shell.KillAndWaitAsync(cancellationToken);
    }

    /// <summary>Kills every running shell and waits for their final status; returns how many kills this call registered.</summary>
    public async Task<int> KillAllAsync(CancellationToken cancellationToken = default)
    {
        var shells = _shells.Values.ToArray();
        var killed = shells.Count(static s => s.Kill());
        // Every kill is already sent, so waiting one by one takes as long as waiting for all at once.
        foreach (var shell in shells)
        {
            await shell.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        return killed;
    }

    /// <summary>
    /// Removes the shells in a final state that finished at least <paramref name="maxAge"/> ago (by the manager's clock),
    /// frees their processes and returns how many were removed. Running shells are never removed. Freeing a shell also kills
    /// background children it left running in its process group, so nothing it started outlives it. Removed shells stay
    /// readable by whoever holds them.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxAge"/> is negative.</exception>
    public int CleanupCompleted(TimeSpan maxAge)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAge, TimeSpan.Zero);
        var cutoff = _time.GetUtcNow() - maxAge;
        var removed = 0;
        foreach (var entry in _shells)
        {
            var state = entry.Value.State;
            if (state.IsFinal && state.CompletedAt <= cutoff && _shells.TryRemove(entry))
            {
                entry.Value.Release();
                removed++;
            }
        }
        return removed;
    }

    /// <summary>Kills every shell's process tree, waits for their final status, frees them and empties the table. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        var shells = _shells.Values.ToArray();
        foreach (var shell in shells)
        {
            shell.Kill();
        }
        // Every kill is already sent, so disposing one by one takes as long as disposing all at once.
        foreach (var shell in shells)
        {
            await shell.DisposeAsync().ConfigureAwait(false);
            _shells.TryRemove(new KeyValuePair<string, ShellProcess>(shell.Id, shell));
        }
    }

    private async Task AbandonAsync(ShellProcess shell)
    {
        _shells.TryRemove(new KeyValuePair<string, ShellProcess>(shell.Id, shell));
        await shell.DisposeAsync().ConfigureAwait(false);
    }

    private static ProcessLaunchSpec Validate(
        string command, string workingDirectory, IReadOnlyDictionary<string, string?>? environment, TimeSpan? timeout)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(workingDirectory);
        if (string.IsNullOrWhiteSpace(command))
        {
            throw new ArgumentException("The shell command is empty.", nameof(command));
        }
        if (string.IsNullOrWhiteSpace(workingDirectory))
        {
            throw new ArgumentException("The working directory is empty.", nameof(workingDirectory));
        }
        if (timeout is { } t && t <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), t, "The shell timeout must be positive.");
        }
        var directory = Path.GetFullPath(workingDirectory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"The working directory '{directory}' does not exist; cannot start the shell there.");
        }
        var overrides = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (environment is not null)
        {
            foreach (var (name, value) in environment)
            {
                if (string.IsNullOrEmpty(name) || name.Contains('=', StringComparison.Ordinal) || name.Contains('\0', StringComparison.Ordinal))
                {
                    throw new ArgumentException(
                        $"Environment variable name '{name}' is invalid: it must be non-empty and contain neither '=' nor NUL.",
                        nameof(environment));
                }
                if (value is not null && value.Contains('\0', StringComparison.Ordinal))
                {
                    throw new ArgumentException($"Environment variable '{name}' has a value containing NUL.", nameof(environment));
                }
                overrides[name] = value;
            }
        }
        return new ProcessLaunchSpec(command, directory, overrides);
    }
}
