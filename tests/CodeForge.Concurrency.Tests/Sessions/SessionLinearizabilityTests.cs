using CodeForge.Concurrency.Tests.Infrastructure;
using CodeForge.Concurrency.Tests.Linearizability;
using CodeForge.Core.Sessions;
using Microsoft.Extensions.AI;

namespace CodeForge.Concurrency.Tests.Sessions;

/// <summary>
/// Session storage against its sequential specification, partitioned by session id (P-compositionality): each session
/// is a log; <c>Append(v)</c> adds a unique value; <c>Load</c> returns (message count, last value), read from the
/// transcript on disk or from the open session's memory. Also shows the same check catching a broken writer that appends
/// without the lock and writes a line in two writes.
/// </summary>
[Collection(NonParallel.Name)]
public sealed class SessionLinearizabilityTests : IDisposable
{
    private const int SessionCount = 3;
    private readonly SessionTestRoot _root = new();
    private readonly List<Session> _open = [];
    private int _nextValue;
    private int _nextHistory;

    public void Dispose()
    {
        foreach (var session in _open)
        {
#pragma warning disable VSTHRD002 // Test cleanup after every thread has finished; nothing can deadlock here.
            session.DisposeAsync().AsTask().GetAwaiter().GetResult();
#pragma warning restore VSTHRD002
        }
        _root.Dispose();
    }

    public sealed record LogOp(int Session, bool IsAppend, int Value, bool FromDisk)
    {
        public override string ToString() =>
            IsAppend ? $"s{Session}.Append({Value})" : $"s{Session}.Load({(FromDisk ? "disk" : "memory")})";
    }

    /// <summary>What a load saw: how many values and the last one (-1 when empty); appends return Done.</summary>
    public readonly record struct Observation(int Count, int Last)
    {
        public static readonly Observation Done = new(-2, -2);

        public override string ToString() => this == Done ? "ok" : $"(count {Count}, last {Last})";
    }

    /// <summary>State of one session's log: its count and last value.</summary>
    private sealed class LogModel : SequentialModel<Observation, LogOp, Observation>
    {
        public override Observation Init() => new(0, -1);

        public override IEnumerable<Observation> Step(Observation state, LogOp input, Observation output) =>
            input.IsAppend
                ? LegalIf(output == Observation.Done, new Observation(state.Count + 1, input.Value))
                : LegalIf(output == state, state);
    }

    private interface ISessionLog
    {
        void Append(int value);

        Observation Load(bool fromDisk);
    }

    private static Observation Observe(IReadOnlyList<ChatMessage> messages) =>
        messages.Count == 0 ? new Observation(0, -1) : new Observation(messages.Count, int.Parse(messages[^1].Text));

    /// <summary>The real thing: an open <see cref="Session"/> and its transcript.</summary>
    private sealed class RealLog(Session session) : ISessionLog
    {
#pragma warning disable VSTHRD002 // The linearizability harness drives operations from dedicated threads, synchronously.
        public void Append(int value) =>
            session.AppendMessageAsync(new ChatMessage(ChatRole.User, value.ToString(System.Globalization.CultureInfo.InvariantCulture))).GetAwaiter().GetResult();
#pragma warning restore VSTHRD002

        public Observation Load(bool fromDisk) =>
            Observe(fromDisk ? SessionReader.Read(session.TranscriptPath!).Messages : session.Messages);
    }

    /// <summary>
    /// Broken on purpose: no lock, and each line goes out in two writes (body, then newline) with a pause between, so
    /// concurrent appends interleave into corrupt lines that the reader must skip: appended values vanish.
    /// </summary>
    private sealed class TwoWriteLog(string path, string sessionId) : ISessionLog
    {
        public void Append(int value)
        {
            var line = SessionJson.ToLine(new SessionEntry(SessionEntryType.User, Guid.NewGuid().ToString("D"), null, sessionId, DateTimeOffset.UnixEpoch)
            {
                Message = new ChatMessage(ChatRole.User, value.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            });
            using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
            stream.Write(line.AsSpan(0, line.Length - 1));
            Thread.Sleep(1);
            stream.Write(line.AsSpan(line.Length - 1));
        }

        public Observation Load(bool fromDisk) => Observe(SessionReader.Read(path).Messages);
    }

    private LogOp Generate(int client, Random random)
    {
        var session = random.Next(SessionCount);
        return random.Next(2) == 0
            ? new LogOp(session, true, Interlocked.Increment(ref _nextValue), false)
            : new LogOp(session, false, 0, random.Next(2) == 0);
    }

    private Func<LogOp, Observation> Executor(Func<string, ISessionLog> open)
    {
        var folder = Path.Combine(_root.Path, $"h{Interlocked.Increment(ref _nextHistory)}");
        var logs = Enumerable.Range(0, SessionCount).Select(i => open(folder)).ToArray();
        return op =>
        {
            var log = logs[op.Session];
            if (!op.IsAppend)
            {
                return log.Load(op.FromDisk);
            }
            log.Append(op.Value);
            return Observation.Done;
        };
    }

    private ISessionLog OpenReal(string folder)
    {
        var manager = new SessionManager(Path.Combine(folder, "project"), new SessionManagerOptions { RootDirectory = Path.Combine(folder, "home") });
#pragma warning disable VSTHRD002 // Runs on the harness thread that builds each history's system.
        var session = manager.CreateAsync().GetAwaiter().GetResult();
#pragma warning restore VSTHRD002
        lock (_open)
        {
            _open.Add(session);
        }
        return new RealLog(session);
    }

    private static ISessionLog OpenBroken(string folder)
    {
        Directory.CreateDirectory(folder);
        var id = Guid.NewGuid().ToString("D");
        var path = Path.Combine(folder, id + ".jsonl");
        File.WriteAllBytes(path, []);
        return new TwoWriteLog(path, id);
    }

    [Fact]
    public void AppendAndLoad_PartitionedBySession_AreLinearizable()
    {
        var summary = LinearizabilityRun.AssertLinearizable(
            new LogModel(),
            () => Executor(OpenReal),
            Generate,
            threads: 6,
            opsPerThread: 40,
            partitionBy: op => op.Session);

        Assert.True(summary.Linearizable >= 3, summary.ToString());
    }

    [Fact]
    public void AppendAndLoad_OfAWriterWithoutTheLockWritingLinesInTwoWrites_AreCaught()
    {
        var summary = LinearizabilityRun.AssertFindsViolation(
            new LogModel(),
            () => Executor(OpenBroken),
            Generate,
            threads: 6,
            opsPerThread: 40,
            partitionBy: op => op.Session);

        Assert.NotNull(summary.Violation);
    }
}
