using System.Collections.Concurrent;
using CodeForge.Coyote.Tests.Infrastructure;
using CodeForge.Core.Shells;
using Microsoft.Coyote.Specifications;
using CodeForge.Testing.Shells;

namespace CodeForge.Coyote.Tests.Shells;

/// <summary>
/// Systematic exploration of the shell manager's create / exit / kill / cleanup / dispose / read races over scripted
/// processes (TaskCompletionSource-based, so Coyote controls every step). Each property is checked on the real manager
/// (no bug in any explored schedule) and on a deliberately broken variant (a bug is found).
/// </summary>
public sealed class ShellManagerCoyoteTests
{
    private static readonly ShellManagerOptions Options = new() { OutputDrainTimeout = Timeout.InfiniteTimeSpan };

    // ---- kill racing the natural exit --------------------------------------------------------------------------

    /// <summary>What the kill-versus-exit scenario needs from a shell.</summary>
    private interface IKillable
    {
        ShellStatus Status { get; }

        Task<ShellStatus> Completion { get; }

        int? ExitCode { get; }

        bool Kill();
    }

    private sealed class RealShell(ShellProcess shell) : IKillable
    {
        public ShellStatus Status => shell.Status;

        public Task<ShellStatus> Completion => shell.Completion;

        public int? ExitCode => shell.ExitCode;

        public bool Kill() => shell.Kill();
    }

    /// <summary>The original's bug 4: kill always labels the shell killed, and the exit watcher overwrites whatever is there.</summary>
    private sealed class RelabellingShell : IKillable
    {
        private readonly IProcessHandle _process;
        private readonly TaskCompletionSource<ShellStatus> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile int _status = (int)ShellStatus.Running;

        public RelabellingShell(IProcessHandle process)
        {
            _process = process;
            _ = Task.Run(async () =>
            {
                var code = await process.Exited;
                ExitCode = code;
                if (_status == (int)ShellStatus.Running)
                {
                    _status = (int)(code == 0 ? ShellStatus.Completed : ShellStatus.Failed);
                }
                _done.TrySetResult(Status);
            });
        }

        public ShellStatus Status => (ShellStatus)_status;

        public Task<ShellStatus> Completion => _done.Task;

        public int? ExitCode { get; private set; }

        public bool Kill()
        {
            _process.KillTree();
            _status = (int)ShellStatus.Killed;
            return true;
        }
    }

    private static async Task KillRacingExitScenario(Func<ScriptedProcessLauncher, Task<IKillable>> create)
    {
        var launcher = new ScriptedProcessLauncher();
        var shell = await create(launcher);
        var process = launcher.Started.Single();
        var killed = false;

        var exit = Task.Run(() => process.Exit(0));
        var kill = Task.Run(() => killed = shell.Kill());
        var observe = Task.Run(async () =>
        {
            var first = shell.Status;
            await Task.Yield();
            var second = shell.Status;
            Specification.Assert(!first.IsFinal() || second == first, $"a final status changed: {first} became {second}");
        });
        await Task.WhenAll(new[] { exit, kill, observe });
        var final = await shell.Completion;

        Specification.Assert(final == shell.Status, $"status {shell.Status} after completing as {final}");
        Specification.Assert(final is ShellStatus.Completed or ShellStatus.Killed, $"unexpected final status {final}");
        Specification.Assert(final != ShellStatus.Killed || (killed && shell.ExitCode == ScriptedProcess.KilledExitCode),
            $"Killed but kill returned {killed} and the exit code is {shell.ExitCode}");
        Specification.Assert(final != ShellStatus.Completed || shell.ExitCode == 0,
            $"Completed with exit code {shell.ExitCode}");
    }

    [Fact]
    public void KillRacingNaturalExit_NeverRelabelsACompletedShell()
    {
        CoyoteRunner.AssertNoBug(() => KillRacingExitScenario(async launcher =>
        {
            var manager = new ShellManager(launcher, null, Options);
            return new RealShell(await manager.CreateAsync("scripted", "/"));
        }), CoyoteStrategy.Random);
    }

    [Fact]
    public void KillRacingNaturalExit_WhenKillRelabelsUnconditionally_IsCaught()
    {
        var bug = CoyoteRunner.AssertFindsBug(() => KillRacingExitScenario(launcher =>
            Task.FromResult<IKillable>(new RelabellingShell(launcher.Start(new ProcessLaunchSpec("scripted", "/", new Dictionary<string, string?>()))))), CoyoteStrategy.Random);

        Assert.Matches("final status changed|after completing as|Killed but|Completed with exit code", bug);
    }

    // ---- cleanup racing creates and exits ------------------------------------------------------------------------

    /// <summary>What the cleanup scenario needs from a manager.</summary>
    private interface ITable
    {
        Task<(string Id, Func<ShellState> State, Task Completion)> CreateAsync();

        int CleanupCompleted();

        bool Contains(string id);

        int Count { get; }
    }

    private sealed class RealTable(ShellManager manager) : ITable
    {
        public async Task<(string Id, Func<ShellState> State, Task Completion)> CreateAsync()
        {
            var shell = await manager.CreateAsync("scripted", "/");
            return (shell.Id, () => shell.State, shell.Completion);
        }

        public int CleanupCompleted() => manager.CleanupCompleted(TimeSpan.Zero);

        public bool Contains(string id) => manager.Get(id) is not null;

        public int Count => manager.Count;
    }

    /// <summary>
    /// A broken table: registers the shell pending, starts it, and cleanup treats "not Running" as finished, so a shell
    /// still pending (about to run) can be removed, and then runs untracked.
    /// </summary>
    private sealed class PendingBlindTable(IProcessLauncher launcher) : ITable
    {
        private readonly ConcurrentDictionary<string, StrongBox<ShellState>> _shells = new();
        private int _next;

        public async Task<(string Id, Func<ShellState> State, Task Completion)> CreateAsync()
        {
            var id = $"shell_{Interlocked.Increment(ref _next):x8}";
            var box = new StrongBox<ShellState>(new ShellState(ShellStatus.Pending, null, null, default, null, null));
            _shells.TryAdd(id, box);
            await Task.Yield();
            var process = launcher.Start(new ProcessLaunchSpec("scripted", "/", new Dictionary<string, string?>()));
            box.Value = box.Value with { Status = ShellStatus.Running, Pid = process.Pid };
            var watcher = Task.Run(async () =>
            {
                var code = await process.Exited;
                box.Value = box.Value with { Status = code == 0 ? ShellStatus.Completed : ShellStatus.Failed, ExitCode = code };
            });
            return (id, () => box.Value, watcher);
        }

        public int CleanupCompleted()
        {
            var removed = 0;
            foreach (var (id, box) in _shells)
            {
                if (box.Value.Status != ShellStatus.Running && _shells.TryRemove(id, out _))
                {
                    removed++;
                }
            }
            return removed;
        }

        public bool Contains(string id) => _shells.ContainsKey(id);

        public int Count => _shells.Count;
    }

    private sealed class StrongBox<T>(T value)
        where T : class
    {
        private T _value = value;

        public T Value
        {
            get => Volatile.Read(ref _value);
            set => Volatile.Write(ref _value, value);
        }
    }

    private static async Task CleanupScenario(Func<ScriptedProcessLauncher, ITable> createTable)
    {
        // Each process exits on its own task as soon as it starts, so completing shells race the cleanup.
        var exits = new ConcurrentQueue<Task>();
        var launcher = new ScriptedProcessLauncher(onStart: p => exits.Enqueue(Task.Run(() => p.Exit(0))));
        var table = createTable(launcher);
        var created = new ConcurrentQueue<(string Id, Func<ShellState> State, Task Completion)>();

        // Invariant at every observation: a shell missing from the table is final (cleanup removed a finished shell).
        void CheckTracked(string id, Func<ShellState> state) =>
            Specification.Assert(table.Contains(id) || state().IsFinal, $"{id} is missing from the table while {state().Status}");

        var creates = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            var shell = await table.CreateAsync();
            CheckTracked(shell.Id, shell.State);
            created.Enqueue(shell);
        })).ToArray();
        var cleanup = Task.Run(async () =>
        {
            for (var round = 0; round < 2; round++)
            {
                table.CleanupCompleted();
                foreach (var (id, state, _) in created)
                {
                    CheckTracked(id, state);
                }
                await Task.Yield();
            }
        });
        await Task.WhenAll(creates.Append(cleanup).ToArray());
        await Task.WhenAll(exits.ToArray());

        // Every shell becomes final by itself; then cleanup(0) leaves nothing behind. (Awaited one by one: Coyote 1.7.11
        // loses track of a Task.WhenAll over TaskCompletionSource tasks that run continuations asynchronously, and
        // reports a false deadlock.)
        foreach (var (_, _, completion) in created)
        {
            await completion;
        }
        Specification.Assert(created.All(c => c.State().IsFinal), "a shell is not final after its completion");
        table.CleanupCompleted();
        Specification.Assert(table.Count == 0, $"{table.Count} finished shell(s) leaked after cleanup(0)");
    }

    [Fact]
    public void CleanupRacingCreatesAndExits_NeverRemovesARunningShellAndLeavesNothing()
    {
        CoyoteRunner.AssertNoBug(() => CleanupScenario(launcher => new RealTable(new ShellManager(launcher, null, Options))), CoyoteStrategy.Probabilistic);
    }

    [Fact]
    public void CleanupRacingCreatesAndExits_WhenCleanupIgnoresPendingShells_IsCaught()
    {
        var bug = CoyoteRunner.AssertFindsBug(() => CleanupScenario(launcher => new PendingBlindTable(launcher)), CoyoteStrategy.Probabilistic);

        Assert.Contains("is missing from the table while Running", bug, StringComparison.Ordinal);
    }

    // ---- create racing dispose -----------------------------------------------------------------------------------

    /// <summary>What the disposal scenario needs from a manager.</summary>
    private interface IDisposableTable
    {
        Task CreateAsync();

        Task DisposeAsync();
    }

    private sealed class RealDisposableTable(ShellManager manager) : IDisposableTable
    {
        public Task CreateAsync() => manager.CreateAsync("scripted", "/");

        public Task DisposeAsync() => manager.DisposeAsync().AsTask();
    }

    /// <summary>A broken manager: checks "disposed" only before starting, so a create racing the disposal escapes it.</summary>
    private sealed class CheckOnceTable(IProcessLauncher launcher) : IDisposableTable
    {
        private readonly ConcurrentDictionary<int, IProcessHandle> _processes = new();
        private volatile bool _disposed;

        public async Task CreateAsync()
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            await Task.Yield();
            var process = launcher.Start(new ProcessLaunchSpec("scripted", "/", new Dictionary<string, string?>()));
            _processes.TryAdd(process.Pid, process);
        }

        public Task DisposeAsync()
        {
            _disposed = true;
            foreach (var process in _processes.Values)
            {
                process.KillTree();
            }
            return Task.CompletedTask;
        }
    }

    private static async Task CreateRacingDisposeScenario(Func<ScriptedProcessLauncher, IDisposableTable> createTable)
    {
        var launcher = new ScriptedProcessLauncher();
        var table = createTable(launcher);
        var creates = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            try
            {
                await table.CreateAsync();
            }
            catch (ObjectDisposedException)
            {
                // Lost the race: fine, as long as nothing keeps running.
            }
        })).ToArray();
        var dispose = Task.Run(table.DisposeAsync);
        await Task.WhenAll(creates.Append(dispose).ToArray());

        var running = launcher.Started.Count(p => !p.HasExited);
        Specification.Assert(running == 0, $"{running} process(es) still running after disposal");
    }

    [Fact]
    public void CreateRacingDispose_LeavesNoProcessRunning()
    {
        CoyoteRunner.AssertNoBug(() => CreateRacingDisposeScenario(launcher => new RealDisposableTable(new ShellManager(launcher, null, Options))), CoyoteStrategy.Prioritization);
    }

    [Fact]
    public void CreateRacingDispose_WhenCreateChecksDisposedOnlyBeforeStarting_IsCaught()
    {
        var bug = CoyoteRunner.AssertFindsBug(() => CreateRacingDisposeScenario(launcher => new CheckOnceTable(launcher)), CoyoteStrategy.Prioritization);

        Assert.Contains("still running after disposal", bug, StringComparison.Ordinal);
    }

    // ---- shared-cursor reads racing output -----------------------------------------------------------------------

    /// <summary>The broken variant: reads the cursor, reads the buffer, then advances, with a scheduling point between.</summary>
    private sealed class RacyCursor(OutputBuffer buffer)
    {
        private long _offset;

        public async Task<OutputSlice> ReadAsync()
        {
            var from = Volatile.Read(ref _offset);
            await Task.Yield();
            var slice = buffer.ReadFrom(from);
            Volatile.Write(ref _offset, slice.NextOffset);
            return slice;
        }
    }

    private static async Task SharedReadScenario(Func<ShellProcess, Func<Task<OutputSlice>>> sharedRead)
    {
        var launcher = new ScriptedProcessLauncher();
        var manager = new ShellManager(launcher, null, Options);
        var shell = await manager.CreateAsync("scripted", "/");
        var process = launcher.Started.Single();
        var read = sharedRead(shell);
        var chunks = new ConcurrentQueue<OutputSlice>();

        var writer = Task.Run(() =>
        {
            process.WriteStdout("ab");
            process.WriteStdout("cd");
            process.Exit(0);
        });
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 3; i++)
            {
                var slice = await read();
                if (slice.Text.Length > 0)
                {
                    chunks.Enqueue(slice);
                }
            }
        })).ToArray();
        await Task.WhenAll(readers.Append(writer).ToArray());
        await shell.Completion;
        var rest = await read();
        if (rest.Text.Length > 0)
        {
            chunks.Enqueue(rest);
        }

        long next = 0;
        foreach (var chunk in chunks.OrderBy(c => c.Start))
        {
            Specification.Assert(chunk.Start == next, $"chunk at {chunk.Start} (\"{chunk.Text}\") but expected {next}: output repeated or lost");
            next = chunk.NextOffset;
        }
        var all = string.Concat(chunks.OrderBy(c => c.Start).Select(c => c.Text));
        Specification.Assert(all == "abcd", $"shared reads returned \"{all}\" in total");
    }

    [Fact]
    public void SharedCursorReadsRacingOutput_PartitionTheOutput()
    {
        CoyoteRunner.AssertNoBug(() => SharedReadScenario(shell => () => Task.FromResult(shell.GetNewOutput().Stdout)), CoyoteStrategy.Random);
    }

    [Fact]
    public void SharedCursorReadsRacingOutput_WhenCursorAdvanceIsNotAtomic_IsCaught()
    {
        var bug = CoyoteRunner.AssertFindsBug(() => SharedReadScenario(shell => new RacyCursor(shell.Stdout).ReadAsync), CoyoteStrategy.Random);

        Assert.Contains("repeated or lost", bug, StringComparison.Ordinal);
    }
}
