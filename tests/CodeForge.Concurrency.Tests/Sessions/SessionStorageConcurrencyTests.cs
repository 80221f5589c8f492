using System.Collections.Concurrent;
using CodeForge.Concurrency.Tests.Infrastructure;
using CodeForge.Core.Sessions;

namespace CodeForge.Concurrency.Tests.Sessions;

/// <summary>
/// The seed's fourth future area: concurrent save and load of session storage. Elle-style: every appended value is unique
/// and numbered, so each load reveals an order, and checking it needs no search: every load must be a prefix of the final
/// order (no torn, lost, duplicated or reordered line), loads of one reader only grow, and a load holds at least every
/// append that completed before the load began.
/// </summary>
[Collection(NonParallel.Name)]
public sealed class SessionStorageConcurrencyTests : IDisposable
{
    private readonly SessionTestRoot _root = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _root.Dispose();

    public static TheoryData<bool> FlushModes => [true, false];

    [Theory]
    [MemberData(nameof(FlushModes))]
    public async Task ConcurrentSaveAndLoad_EveryLoadIsAPrefixOfTheFinalOrder(bool flushEachLine)
    {
        const int Appenders = 16, AppendsEach = 40, Readers = 4;
        var manager = _root.Manager(new SessionWriterOptions { FlushEachLine = flushEachLine });
        var session = await manager.CreateAsync(cancellationToken: Ct);
        var path = session.TranscriptPath!;
        // Appends (to the file) completed so far; with buffering, an append reaches the file at the next commit.
        var durable = 0;
        var appendersDone = 0;
        var loads = new ConcurrentBag<(int Reader, int Sequence, int AtLeast, string[] Values)>();

        await Stress.GatherAsync(Appenders + Readers, async i =>
        {
            if (i < Appenders)
            {
                var pending = 0;
                for (var k = 0; k < AppendsEach; k++)
                {
                    await session.AppendMessageAsync(SessionTestRoot.User($"a{i}-{k}"), cancellationToken: Ct);
                    pending++;
                    if (flushEachLine)
                    {
                        Interlocked.Increment(ref durable);
                    }
                    else if (k % 8 == 7 || k == AppendsEach - 1)
                    {
                        await session.CommitTurnAsync(Ct);
                        Interlocked.Add(ref durable, pending);
                        pending = 0;
                    }
                }
                Interlocked.Increment(ref appendersDone);
                return;
            }
            var sequence = 0;
            do
            {
                var atLeast = Volatile.Read(ref durable);
                var transcript = await SessionReader.ReadAsync(path, Ct);
                Assert.Empty(transcript.Errors);
                loads.Add((i, sequence++, atLeast, SessionTestRoot.Texts(transcript)));
            }
            while (Volatile.Read(ref appendersDone) < Appenders);
        });
        await session.DisposeAsync();

        var final = SessionTestRoot.Texts(await SessionReader.ReadAsync(path, Ct));
        Assert.Equal(Appenders * AppendsEach, final.Length);
        Assert.Equal(final.Length, final.Distinct().Count());
        // Each appender's own values appear in the order it appended them.
        for (var a = 0; a < Appenders; a++)
        {
            var prefix = $"a{a}-";
            Assert.Equal(Enumerable.Range(0, AppendsEach).Select(k => $"a{a}-{k}"), final.Where(v => v.StartsWith(prefix, StringComparison.Ordinal)));
        }
        Assert.True(loads.Count >= Readers);
        foreach (var load in loads)
        {
            Assert.True(load.Values.AsSpan().SequenceEqual(final.AsSpan(0, load.Values.Length)),
                $"load {load.Sequence} of reader {load.Reader} ({load.Values.Length} values) is not a prefix of the final order");
            Assert.True(load.Values.Length >= load.AtLeast,
                $"load {load.Sequence} of reader {load.Reader} missed appends that had completed before it began ({load.Values.Length} < {load.AtLeast})");
        }
        foreach (var reader in loads.GroupBy(l => l.Reader))
        {
            var lengths = reader.OrderBy(l => l.Sequence).Select(l => l.Values.Length).ToList();
            Assert.Equal(lengths.Order(), lengths);
        }
    }

    [Fact]
    public async Task ConcurrentSaveAndLoad_OfManySessions_KeepsEachSessionWholeAndSeparate()
    {
        const int Sessions = 8, Turns = 25;
        var manager = _root.Manager();
        var sessions = await Task.WhenAll(Enumerable.Range(0, Sessions).Select(_ => manager.CreateAsync(cancellationToken: Ct)).ToArray());
        var done = 0;

        await Stress.GatherAsync(Sessions * 2, async i =>
        {
            var session = sessions[i % Sessions];
            if (i < Sessions)
            {
                for (var t = 0; t < Turns; t++)
                {
                    await session.AppendMessageAsync(SessionTestRoot.User($"{session.Id[..8]}:{t}"), cancellationToken: Ct);
                }
                await session.DisposeAsync();
                Interlocked.Increment(ref done);
                return;
            }
            // A reader of the same session checks, while it is written, that it only ever holds its own values in order.
            do
            {
                var values = SessionTestRoot.Texts(await manager.ReadTranscriptAsync(session.Id, Ct));
                Assert.Equal(Enumerable.Range(0, values.Length).Select(t => $"{session.Id[..8]}:{t}"), values);
            }
            while (Volatile.Read(ref done) < Sessions);
        });

        foreach (var session in sessions)
        {
            Assert.Equal(Turns, (await manager.ReadTranscriptAsync(session.Id, Ct)).Messages.Count);
        }
        Assert.All(manager.ListSessions(), s => Assert.Equal(Turns, s.MessageCount));
    }
}
