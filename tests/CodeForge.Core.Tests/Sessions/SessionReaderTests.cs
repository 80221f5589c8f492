using System.Buffers;
using System.Text;
using CodeForge.Core.Sessions;
using Microsoft.Extensions.AI;

namespace CodeForge.Core.Tests.Sessions;

public sealed class SessionReaderTests : IDisposable
{
    private readonly TempRoot _root = new();
    private readonly string _id = Guid.NewGuid().ToString("D");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _root.Dispose();

    private string Line(string text) =>
        Encoding.UTF8.GetString(SessionJson.ToLine(new SessionEntry(SessionEntryType.User, Guid.NewGuid().ToString("D"), null, _id, _root.Time.GetUtcNow())
        {
            Message = new ChatMessage(ChatRole.User, text),
        }));

    private static SessionTranscript Parse(string content) => SessionReader.Parse(Encoding.UTF8.GetBytes(content));

    [Fact]
    public void Parse_WhenTheLastLineHasNoNewline_SkipsItAsATornTail()
    {
        var whole = Line("a") + Line("b");
        var content = whole + Line("c")[..30];

        var read = Parse(content);

        Assert.Equal(["a", "b"], Conversations.Texts(read.Messages));
        Assert.Empty(read.Errors);
        Assert.Equal(3, read.TornTail!.LineNumber);
        Assert.Equal(Encoding.UTF8.GetByteCount(whole), read.CompleteLength);
        Assert.Equal(Encoding.UTF8.GetByteCount(content), read.Length);
    }

    [Fact]
    public void Parse_WhenTheLastLineIsInvalid_SkipsItAsATornTail()
    {
        // A crash can leave a block of NULs where the last write should be.
        var read = Parse(Line("a") + new string('\0', 40) + "\n");

        Assert.Equal(["a"], Conversations.Texts(read.Messages));
        Assert.Empty(read.Errors);
        Assert.Equal(2, read.TornTail!.LineNumber);
        Assert.Contains("invalid last line", read.TornTail.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WhenAMiddleLineIsCorrupt_ReportsItsLineNumberAndKeepsEveryOtherLine()
    {
        var read = Parse(Line("a") + "{\"type\":\"user\", garbage\n" + Line("b") + "[1,2]\n" + Line("c"));

        Assert.Equal(["a", "b", "c"], Conversations.Texts(read.Messages));
        Assert.Equal([2, 4], read.Errors.Select(e => e.LineNumber));
        Assert.All(read.Errors, e => Assert.False(string.IsNullOrEmpty(e.Reason)));
        Assert.Null(read.TornTail);
    }

    [Fact]
    public void Parse_WhenAMessageEntryHasNoMessage_ReportsIt()
    {
        var read = Parse($"{{\"type\":\"user\",\"uuid\":\"u\",\"sessionId\":\"{_id}\",\"timestamp\":\"2025-01-01T00:00:00Z\"}}\n" + Line("ok"));

        Assert.Equal("a message entry lacks its message", Assert.Single(read.Errors).Reason);
        Assert.Single(read.Entries);
    }

    [Theory]
    [InlineData("\"sessionId\":\"s\"")]
    [InlineData("\"uuid\":\"\",\"sessionId\":\"s\"")]
    [InlineData("\"uuid\":\"u\"")]
    [InlineData("\"uuid\":\"u\",\"sessionId\":\"\"")]
    public void Parse_WhenAnEntryLacksItsUuidOrSessionId_ReportsIt(string ids)
    {
        var read = Parse($"{{\"type\":\"event\",{ids},\"timestamp\":\"2025-01-01T00:00:00Z\",\"subtype\":\"hook\"}}\n" + Line("ok"));

        var error = Assert.Single(read.Errors);
        Assert.Equal((1, "the entry lacks uuid or sessionId"), (error.LineNumber, error.Reason));
        Assert.Equal(["ok"], Conversations.Texts(read.Messages));
    }

    [Fact]
    public void Parse_IgnoresBlankLinesAndCarriageReturns()
    {
        var read = Parse("\n" + Line("a").Replace("\n", "\r\n", StringComparison.Ordinal) + "\n  \n" + Line("b"));

        Assert.Equal(["a", "b"], Conversations.Texts(read.Messages));
        Assert.Empty(read.Errors);
        Assert.Null(read.TornTail);
    }

    [Fact]
    public void Parse_OfNothing_IsAnEmptyTranscript()
    {
        var read = SessionReader.Parse([]);

        Assert.Empty(read.Entries);
        Assert.Null(read.TornTail);
        Assert.Equal(0, read.CompleteLength);
    }

    [Fact]
    public void Read_WhenTheFileIsMissing_ThrowsNotFound()
    {
        var path = Path.Combine(_root.Path, _id + ".jsonl");

        var ex = Assert.Throws<SessionNotFoundException>(() => SessionReader.Read(path));

        Assert.Equal(_id, ex.SessionId);
    }

    [Fact]
    public async Task ReadAsync_WhileAWriterHoldsTheSession_ReadsWhatWasAppended()
    {
        var path = Path.Combine(_root.Path, _id + ".jsonl");
        await using var writer = SessionWriter.Create(path, _id);
        await writer.AppendAsync(new SessionEntry(SessionEntryType.User, "u1", null, _id, _root.Time.GetUtcNow())
        {
            Message = new ChatMessage(ChatRole.User, "live"),
        }, Ct);

        var read = await SessionReader.ReadAsync(path, Ct);

        Assert.Equal(["live"], Conversations.Texts(read.Messages));
    }

    [Fact]
    public void Read_WhenTheFileIsMissing_SaysWhichSessionAndWhere()
    {
        var path = Path.Combine(_root.Path, _id + ".jsonl");

        var ex = Assert.Throws<SessionNotFoundException>(() => SessionReader.Read(path));

        Assert.Equal($"Session {_id} was not found: no transcript at {path}.", ex.Message);
    }

    [Fact]
    public void StartEvent_IsTheSessionStartEvenWhenAnotherEventComesFirst()
    {
        var hook = new SessionEntry(SessionEntryType.Event, "h", null, _id, _root.Time.GetUtcNow()) { Subtype = "hook" };
        var start = new SessionEntry(SessionEntryType.Event, "s", "h", _id, _root.Time.GetUtcNow()) { Subtype = SessionEntry.SessionStartSubtype, Cwd = "/w" };
        var user = new SessionEntry(SessionEntryType.User, SessionEntry.SessionStartSubtype, "s", _id, _root.Time.GetUtcNow())
        {
            Message = new ChatMessage(ChatRole.User, "q"),
        };
        var content = string.Concat(new[] { hook, user, start }.Select(e => Encoding.UTF8.GetString(SessionJson.ToLine(e))));

        Assert.Equal("s", Parse(content).StartEvent?.Uuid);
        Assert.Null(Parse(Encoding.UTF8.GetString(SessionJson.ToLine(hook))).StartEvent);
    }

    [Fact]
    public void Read_GivesItsBufferBackToTheSharedPool()
    {
        var path = Path.Combine(_root.Path, _id + ".jsonl");
        // About 20 KiB: read into a pooled buffer of 32 KiB, a size nothing else rents on this thread meanwhile.
        File.WriteAllText(path, string.Concat(Enumerable.Range(0, 40).Select(i => Line(new string('x', 400) + i) + "\n")));
        Assert.InRange(new FileInfo(path).Length, 16 * 1024 - 4096 + 1, 32 * 1024 - 4096);

        // The shared pool keeps one buffer per size for each thread: the one given back below is the one Read rents,
        // and it is there again afterwards only if Read gave it back.
        var pooled = ArrayPool<byte>.Shared.Rent(32 * 1024);
        ArrayPool<byte>.Shared.Return(pooled);
        var transcript = SessionReader.Read(path);
        var after = ArrayPool<byte>.Shared.Rent(32 * 1024);
        ArrayPool<byte>.Shared.Return(after);

        Assert.Equal(40, transcript.Entries.Count);
        Assert.Same(pooled, after);
    }
}
