using System.Collections.Immutable;
using CodeForge.Concurrency.Tests.Infrastructure;
using CodeForge.Concurrency.Tests.Linearizability;
using CodeForge.Core.Shells;
using CodeForge.Testing.Shells;

namespace CodeForge.Concurrency.Tests.Shells;

/// <summary>
/// Linearizability of a shell's output path under real concurrency, partitioned by shell: writes to the process's pipe
/// (through the pump, the UTF-8 decoder and the bounded buffer), reads through the shared cursor
/// (<see cref="ShellProcess.GetNewOutput"/>) and reads through each client's own cursor (<see cref="ShellOutputReader"/>).
/// </summary>
[Collection(NonParallel.Name)]
public sealed class ShellManagerLinearizabilityTests
{
    private const int Shells = 3;
    private const int Clients = 6;
    private const int Capacity = 24; // small, so truncation happens all the time

    public enum Kind
    {
        Write,
        SharedRead,
        OwnRead,
    }

    /// <summary>One operation on one shell; <see cref="Text"/> is what a write writes (ASCII, unique per operation).</summary>
    public sealed record ShellOp(Kind Kind, int Shell, int Client, string Text)
    {
        public override string ToString() => Kind switch
        {
            Kind.Write => $"shell{Shell}.Write(\"{Text}\")",
            Kind.SharedRead => $"shell{Shell}.GetNewOutput()",
            _ => $"shell{Shell}.reader{Client}.Read()",
        };
    }

    /// <summary>A write returns the stream's total length after it; a read returns the start offset and text of its slice.</summary>
    public sealed record ShellResult(long Offset, string Text)
    {
        public override string ToString() => $"({Offset}, \"{Text}\")";
    }

    /// <summary>The model's state for one shell: everything written, the shared cursor, each client's cursor.</summary>
    public sealed record OutputState(string Written, int Shared, ImmutableArray<int> Own)
    {
        public override string ToString() => $"\"{Written}\" shared={Shared} own=[{string.Join(",", Own)}]";
    }

    /// <summary>
    /// The sequential specification: a write appends; a read from cursor c returns the retained text after c (the buffer
    /// keeps the last <see cref="Capacity"/> chars, so it starts at max(c, length - capacity)) and moves c to the end.
    /// </summary>
    private sealed class OutputModel : SequentialModel<OutputState, ShellOp, ShellResult>
    {
        public override OutputState Init() => new("", 0, [.. new int[Clients]]);

        public override IEnumerable<OutputState> Step(OutputState state, ShellOp input, ShellResult output)
        {
            switch (input.Kind)
            {
                case Kind.Write:
                    var written = state.Written + input.Text;
                    return output.Offset == written.Length ? Legal(state with { Written = written }) : Illegal;
                case Kind.SharedRead:
                    return ReadMatches(state, state.Shared, output)
                        ? Legal(state with { Shared = state.Written.Length })
                        : Illegal;
                default:
                    return ReadMatches(state, state.Own[input.Client], output)
                        ? Legal(state with { Own = state.Own.SetItem(input.Client, state.Written.Length) })
                        : Illegal;
            }
        }

        public override IEqualityComparer<OutputState> StateComparer { get; } = new Comparer();

        private static bool ReadMatches(OutputState state, int cursor, ShellResult output)
        {
            var begin = Math.Max(cursor, state.Written.Length - Capacity);
            return output.Offset == begin && output.Text == state.Written[begin..];
        }

        private sealed class Comparer : IEqualityComparer<OutputState>
        {
            public bool Equals(OutputState? x, OutputState? y) =>
                x!.Written == y!.Written && x.Shared == y.Shared && x.Own.SequenceEqual(y.Own);

            public int GetHashCode(OutputState s) => HashCode.Combine(s.Written, s.Shared, s.Own.Aggregate(17, HashCode.Combine));
        }
    }

    private static ShellOp Generate(int client, Random random)
    {
        var shell = random.Next(Shells);
        return random.Next(3) switch
        {
            0 => new ShellOp(Kind.Write, shell, client, $"{(char)('a' + client)}{random.Next(100)}."),
            1 => new ShellOp(Kind.SharedRead, shell, client, ""),
            _ => new ShellOp(Kind.OwnRead, shell, client, ""),
        };
    }

    /// <summary>A system under test: three scripted shells of one real manager, one own reader per client and shell.</summary>
    private sealed class ShellsUnderTest : IAsyncDisposable
    {
        private readonly ShellManager _manager;
        private readonly ShellProcess[] _shells;
        private readonly ScriptedProcess[] _processes;
        private readonly ShellOutputReader[,] _readers = new ShellOutputReader[Clients, Shells];

        public ShellsUnderTest()
        {
            var launcher = new ScriptedProcessLauncher();
            _manager = new ShellManager(launcher, null, new ShellManagerOptions { MaxBufferedCharsPerStream = Capacity });
            // With the scripted launcher, CreateAsync completes synchronously (nothing to await on that path).
#pragma warning disable VSTHRD002
            _shells = Enumerable.Range(0, Shells)
                .Select(i => _manager.CreateAsync($"scripted {i}", Path.GetTempPath()).GetAwaiter().GetResult())
                .ToArray();
#pragma warning restore VSTHRD002
            _processes = [.. launcher.Started];
            for (var c = 0; c < Clients; c++)
            {
                for (var s = 0; s < Shells; s++)
                {
                    _readers[c, s] = _shells[s].OpenReader();
                }
            }
        }

        /// <summary>Runs operations; <paramref name="sharedRead"/> replaces GetNewOutput (shell index, shell) for the broken variant.</summary>
        public Func<ShellOp, ShellResult> Executor(Func<int, ShellProcess, OutputSlice>? sharedRead = null) => op =>
        {
            var shell = _shells[op.Shell];
            switch (op.Kind)
            {
                case Kind.Write:
                    var end = _processes[op.Shell].WriteStdout(op.Text);
                    // The write takes effect when the pump appends it; the operation returns only after that.
                    SpinWait.SpinUntil(() => shell.Stdout.EndOffset >= end);
                    return new ShellResult(end, "");
                case Kind.SharedRead:
                    var shared = sharedRead?.Invoke(op.Shell, shell) ?? shell.GetNewOutput().Stdout;
                    return new ShellResult(shared.Start, shared.Text);
                default:
                    var own = _readers[op.Client, op.Shell].Read().Stdout;
                    return new ShellResult(own.Start, own.Text);
            }
        };

        public ValueTask DisposeAsync() => _manager.DisposeAsync();
    }

    [Fact]
    public async Task OutputReads_AreLinearizablePerShell()
    {
        var systems = new List<ShellsUnderTest>();
        try
        {
            LinearizabilityRun.AssertLinearizable(
                new OutputModel(),
                () =>
                {
                    var system = new ShellsUnderTest();
                    systems.Add(system);
                    return system.Executor();
                },
                Generate,
                partitionBy: op => op.Shell);
        }
        finally
        {
            foreach (var system in systems)
            {
                await system.DisposeAsync();
            }
        }
    }

    /// <summary>The broken variant: a shared cursor that reads its offset, reads the buffer, then stores the new offset, unlocked.</summary>
    private sealed class RacyCursor
    {
        private long _offset;

        public OutputSlice Read(OutputBuffer buffer)
        {
            var from = Volatile.Read(ref _offset);
            Thread.Sleep(1);
            var slice = buffer.ReadFrom(from);
            Volatile.Write(ref _offset, slice.NextOffset);
            return slice;
        }
    }

    [Fact]
    public async Task OutputReads_WithNonAtomicSharedCursor_AreCaught()
    {
        var systems = new List<ShellsUnderTest>();
        try
        {
            LinearizabilityRun.AssertFindsViolation(
                new OutputModel(),
                () =>
                {
                    var system = new ShellsUnderTest();
                    systems.Add(system);
                    var cursors = Enumerable.Range(0, Shells).Select(_ => new RacyCursor()).ToArray();
                    return system.Executor((index, shell) => cursors[index].Read(shell.Stdout));
                },
                Generate,
                partitionBy: op => op.Shell);
        }
        finally
        {
            foreach (var system in systems)
            {
                await system.DisposeAsync();
            }
        }
    }
}
