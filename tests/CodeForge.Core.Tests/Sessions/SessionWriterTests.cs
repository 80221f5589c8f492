using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using CodeForge.Core.Sessions;
using Microsoft.Extensions.AI;

namespace CodeForge.Core.Tests.Sessions;

public sealed class SessionWriterTests : IDisposable
{
    private readonly TempRoot _root = new();
    private readonly string _id = Guid.NewGuid().ToString("D");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _root.Dispose();

    private string PathOf(string id) => Path.Combine(_root.Path, "project", id + ".jsonl");

    private SessionEntry Entry(int n) =>
        new(SessionEntryType.User, Guid.NewGuid().ToString("D"), null, _id, _root.Time.GetUtcNow())
        {
            Message = new ChatMessage(ChatRole.User, $"message {n}"),
        };

    [Fact]
    public async Task AppendAsync_WritesEachEntryAsOneWholeLine()
    {
        var path = PathOf(_id);
        await using (var writer = SessionWriter.Create(path, _id))
        {
            for (var i = 0; i < 3; i++)
            {
                await writer.AppendAsync(Entry(i), Ct);
            }
            Assert.Equal(3, writer.LinesAppended);
            Assert.Equal(new FileInfo(path).Length, writer.Length);
        }

        var text = await File.ReadAllTextAsync(path, Ct);
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        var lines = text.TrimEnd('\n').Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.All(lines, l => Assert.StartsWith("{\"type\":\"user\",\"uuid\":", l, StringComparison.Ordinal));
        Assert.Equal(["message 0", "message 1", "message 2"], Conversations.Texts((await SessionReader.ReadAsync(path, Ct)).Messages));
    }

    [Fact]
    public async Task Create_WhileAnotherWriterHoldsTheSession_ThrowsLockedWithTheHolderPid()
    {
        var path = PathOf(_id);
        await using var first = SessionWriter.Create(path, _id);

        var ex = Assert.Throws<SessionLockedException>(() => SessionWriter.OpenExisting(path, _id));

        Assert.Equal(_id, ex.SessionId);
        Assert.Equal(Environment.ProcessId, ex.HolderProcessId);
        Assert.EndsWith(".lock", ex.LockPath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_WhenTheTranscriptExists_ThrowsAlreadyExistsAndReleasesTheLock()
    {
        var path = PathOf(_id);
        await using (SessionWriter.Create(path, _id))
        {
        }

        Assert.Throws<SessionAlreadyExistsException>(() => SessionWriter.Create(path, _id));
        await using var reopened = SessionWriter.OpenExisting(path, _id);
    }

    [Fact]
    public void OpenExisting_WhenThereIsNoTranscript_ThrowsNotFoundAndLeavesNoFile()
    {
        var path = PathOf(_id);

        var ex = Assert.Throws<SessionNotFoundException>(() => SessionWriter.OpenExisting(path, _id));

        Assert.Equal(path, ex.TranscriptPath);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task OpenExisting_AfterDispose_Succeeds()
    {
        var path = PathOf(_id);
        var first = SessionWriter.Create(path, _id);
        await first.DisposeAsync();

        await using var second = SessionWriter.OpenExisting(path, _id);

        Assert.Equal(0, second.RepairedBytes);
    }

    [Fact]
    public async Task OpenExisting_WhenTheLastLineIsTorn_CutsItOffSoNewLinesStayWhole()
    {
        var path = PathOf(_id);
        await using (var writer = SessionWriter.Create(path, _id))
        {
            await writer.AppendAsync(Entry(0), Ct);
        }
        var torn = "{\"type\":\"user\",\"uuid\":\"x"u8.ToArray();
        await using (var stream = new FileStream(path, FileMode.Append))
        {
            await stream.WriteAsync(torn, Ct);
        }

        await using (var writer = SessionWriter.OpenExisting(path, _id))
        {
            Assert.Equal(torn.Length, writer.RepairedBytes);
            await writer.AppendAsync(Entry(1), Ct);
        }

        var read = (await SessionReader.ReadAsync(path, Ct));
        Assert.Equal(["message 0", "message 1"], Conversations.Texts(read.Messages));
        Assert.Empty(read.Errors);
        Assert.Null(read.TornTail);
    }

    [Fact]
    public async Task AppendAsync_WithoutPerLineFlush_WritesNothingUntilCommit()
    {
        var path = PathOf(_id);
        await using var writer = SessionWriter.Create(path, _id, new SessionWriterOptions { FlushEachLine = false });

        await writer.AppendAsync(Entry(0), Ct);
        await writer.AppendAsync(Entry(1), Ct);
        Assert.Equal(0, new FileInfo(path).Length);

        await writer.CommitTurnAsync(Ct);
        Assert.Equal(2, (await SessionReader.ReadAsync(path, Ct)).Entries.Count);
    }

    [Fact]
    public async Task AppendAsync_WithoutPerLineFlush_WritesWhenTheBufferFills()
    {
        var path = PathOf(_id);
        await using var writer = SessionWriter.Create(path, _id, new SessionWriterOptions { FlushEachLine = false, BufferSize = 1 });

        await writer.AppendAsync(Entry(0), Ct);

        Assert.Single((await SessionReader.ReadAsync(path, Ct)).Entries);
    }

    [Fact]
    public async Task AppendAsync_ConcurrentAppends_NeverInterleaveLines()
    {
        var path = PathOf(_id);
        await using (var writer = SessionWriter.Create(path, _id))
        {
            var big = new string('x', 20_000);
            await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(() => writer.AppendAsync(Entry(i) with
            {
                Message = new ChatMessage(ChatRole.User, $"{i}:{big}"),
            }, Ct), Ct)).ToArray());
        }

        var read = (await SessionReader.ReadAsync(path, Ct));
        Assert.Empty(read.Errors);
        Assert.Null(read.TornTail);
        Assert.Equal(Enumerable.Range(0, 64), read.Entries.Select(e => int.Parse(e.Message!.Text.Split(':')[0])).Order());
    }

    [Fact]
    public async Task AppendAsync_AfterDispose_ThrowsObjectDisposed()
    {
        var writer = SessionWriter.Create(PathOf(_id), _id);
        ((IDisposable)writer).Dispose();
        await writer.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => writer.AppendAsync(Entry(0), Ct));
    }

    [Fact]
    public async Task Create_MakesTheTranscriptReadableOnlyByItsOwner()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix permissions");
        var path = PathOf(_id);

        await using var writer = SessionWriter.Create(path, _id);

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public async Task AppendRangeAsync_WritesEveryEntryConsecutively()
    {
        var path = PathOf(_id);
        await using (var writer = SessionWriter.Create(path, _id))
        {
            await writer.AppendRangeAsync(Enumerable.Range(0, 5).Select(Entry), Ct);
            await writer.AppendRangeAsync([], Ct);
            Assert.Equal(5, writer.LinesAppended);
        }

        Assert.Equal(5, Encoding.UTF8.GetString(await File.ReadAllBytesAsync(path, Ct)).Count(c => c == '\n'));
    }

    [Fact]
    public async Task OpenExisting_OfAnIntactTranscript_LeavesTheFileUntouched()
    {
        var path = PathOf(_id);
        await using (var writer = SessionWriter.Create(path, _id))
        {
            await writer.AppendAsync(Entry(0), Ct);
        }
        var written = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(path, written);
        var bytes = await File.ReadAllBytesAsync(path, Ct);

        // Resuming a session and closing it without appending changes nothing on disk: not even the file's time.
        await using (var writer = SessionWriter.OpenExisting(path, _id))
        {
            Assert.Equal((0L, (long)bytes.Length), (writer.RepairedBytes, writer.Length));
        }

        Assert.Equal(written, File.GetLastWriteTimeUtc(path));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(path, Ct));
    }

    [Fact]
    public async Task OpenExisting_WhenTheWholeFileIsOneTornLine_CutsItAll()
    {
        var path = PathOf(_id);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var torn = "{\"type\":\"user\",\"uuid\":\"never finished"u8.ToArray();
        await File.WriteAllBytesAsync(path, torn, Ct);

        await using (var writer = SessionWriter.OpenExisting(path, _id))
        {
            Assert.Equal((torn.Length, 0L), (writer.RepairedBytes, writer.Length));
            await writer.AppendAsync(Entry(0), Ct);
        }

        var read = await SessionReader.ReadAsync(path, Ct);
        Assert.Equal(["message 0"], Conversations.Texts(read.Messages));
        Assert.Null(read.TornTail);
    }

    [Fact]
    public async Task OpenExisting_WhenATornTailIsLongerThanOneReadChunk_KeepsEveryWholeLineBeforeIt()
    {
        var path = PathOf(_id);
        await using (var writer = SessionWriter.Create(path, _id))
        {
            for (var i = 0; i < 3; i++)
            {
                await writer.AppendAsync(Entry(i), Ct);
            }
        }
        var whole = new FileInfo(path).Length;
        // A crash in the middle of a very large line (a big tool result): 150 KB without a newline.
        var torn = Encoding.UTF8.GetBytes("{\"type\":\"tool_result\",\"data\":\"" + new string('x', 150_000));
        await using (var stream = new FileStream(path, FileMode.Append))
        {
            await stream.WriteAsync(torn, Ct);
        }

        await using (var writer = SessionWriter.OpenExisting(path, _id))
        {
            Assert.Equal((torn.Length, whole), (writer.RepairedBytes, writer.Length));
            await writer.AppendAsync(Entry(3), Ct);
        }

        var read = await SessionReader.ReadAsync(path, Ct);
        Assert.Equal(["message 0", "message 1", "message 2", "message 3"], Conversations.Texts(read.Messages));
        Assert.Empty(read.Errors);
    }

    [Fact]
    public async Task OpenExisting_WhenTheLastWholeLineEndsOneChunkFromTheEnd_KeepsIt()
    {
        var path = PathOf(_id);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // Exactly 64 KiB of torn bytes after a newline: the newline is the last byte of the chunk before the last.
        var head = SessionJson.ToLine(Entry(0));
        await File.WriteAllBytesAsync(path, [.. head, .. Enumerable.Repeat((byte)'y', 64 * 1024)], Ct);

        await using var writer = SessionWriter.OpenExisting(path, _id);

        Assert.Equal((64L * 1024, head.LongLength), (writer.RepairedBytes, writer.Length));
    }

    [Fact]
    public async Task Appends_WithNullArguments_ThrowArgumentNull()
    {
        await using var writer = SessionWriter.Create(PathOf(_id), _id);

        await Assert.ThrowsAsync<ArgumentNullException>(() => writer.AppendAsync(null!, Ct));
        await Assert.ThrowsAsync<ArgumentNullException>(() => writer.AppendRangeAsync(null!, Ct));
        await writer.AppendRangeAsync([], Ct);
        Assert.Equal((0L, 0L), (writer.Length, writer.LinesAppended));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public void CreateAndOpenExisting_WithABlankSessionId_Throw(string id)
    {
        Assert.Throws<ArgumentException>(() => SessionWriter.Create(PathOf(_id), id));
        Assert.Throws<ArgumentException>(() => SessionWriter.OpenExisting(PathOf(_id), id));
        Assert.False(File.Exists(PathOf(_id)));
    }

    [Fact]
    public void Dispose_Synchronously_IsIdempotentAndReleasesTheSession()
    {
        var path = PathOf(_id);
        var writer = SessionWriter.Create(path, _id);

        writer.Dispose();
        writer.Dispose();

        using var reopened = SessionWriter.OpenExisting(path, _id);
        Assert.Equal(0, reopened.Length);
    }

    [Fact]
    public async Task CommitTurnAsync_FsyncsOnceAfterAppendsAndNeverWhenNothingWasWritten()
    {
        var path = PathOf(_id);
        await using (var first = SessionWriter.Create(path, _id))
        {
            await first.AppendAsync(Entry(0), Ct);
        }
        await using var writer = SessionWriter.OpenExisting(path, _id);

        // Every call below completes on this thread (the writer's lock is free), so the trace sees all it does.
        var trace = SystemCallTrace.Start("fsync,fdatasync", _root.Path);
        var steps = new[]
        {
            writer.CommitTurnAsync(Ct), // an intact transcript opened: nothing to make durable
            writer.AppendAsync(Entry(1), Ct),
            writer.CommitTurnAsync(Ct), // the appended line: one fsync
            writer.CommitTurnAsync(Ct), // nothing since: none
        };
        var calls = trace.Stop();

        Assert.All(steps, step => Assert.True(step.IsCompletedSuccessfully));
        Assert.Single(calls, line => line.StartsWith("fsync(", StringComparison.Ordinal) || line.StartsWith("fdatasync(", StringComparison.Ordinal));
        await Task.WhenAll(steps);
    }

    [Fact]
    public async Task AppendAsync_WhenTheDiskTakesOnlyPartOfTheLine_CutsTheFileBackToItsLastWholeLine()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the file size limit of a Linux process (RLIMIT_FSIZE)");
        Assert.SkipUnless(File.Exists("/usr/bin/prlimit"), "prlimit (util-linux) is not installed");
        var path = PathOf(_id);
        await using (var first = SessionWriter.Create(path, _id))
        {
            await first.AppendAsync(Entry(0), Ct);
        }
        // A sparse transcript of 1 GiB ending in a whole line: the limit set below, just past its end, is far beyond any
        // other file this test process writes meanwhile.
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            file.SetLength((1L << 30) - 1);
            file.Seek(0, SeekOrigin.End);
            file.WriteByte((byte)'\n');
        }
        var whole = new FileInfo(path).Length;
        await using var writer = SessionWriter.OpenExisting(path, _id);
        Assert.Equal(whole, writer.Length);

        // The kernel writes up to the limit (a short write), then refuses the rest (EFBIG) and sends SIGXFSZ, whose
        // default action would end the process: it is caught for the test's duration.
        Exception? failure;
        using (PosixSignalRegistration.Create((PosixSignal)25 /* SIGXFSZ */, context => context.Cancel = true))
        {
            var limit = Prlimit("--fsize", "--raw", "--noheadings", "--output=SOFT,HARD").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Prlimit($"--fsize={whole + 10}:{limit[1]}");
            try
            {
                failure = await Record.ExceptionAsync(() => writer.AppendAsync(Entry(1), Ct));
            }
            finally
            {
                Prlimit($"--fsize={limit[0]}:{limit[1]}");
            }
        }

        // .NET reports EFBIG ("file too large") as an ArgumentOutOfRangeException.
        Assert.True(failure is IOException or ArgumentOutOfRangeException, failure?.ToString());
        Assert.Equal(whole, new FileInfo(path).Length); // the 10 bytes that got through are gone again
        Assert.Equal(whole, writer.Length);
        var next = Entry(2);
        await writer.AppendAsync(next, Ct);
        var line = SessionJson.ToLine(next);
        var tail = new byte[line.Length + 1];
        using (var read = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            Assert.Equal(whole + line.Length, RandomAccess.GetLength(read));
            Assert.Equal(tail.Length, await RandomAccess.ReadAsync(read, tail, whole - 1, Ct));
        }
        Assert.Equal([(byte)'\n', .. line], tail);
    }

    [Fact]
    public async Task CommitTurnAsync_QueuedBehindADispose_ThrowsObjectDisposed()
    {
        var path = PathOf(_id);
        var writer = SessionWriter.Create(path, _id);
        var held = AppendHeldInItsWrite.Start(writer, Entry(0), _root.Path);

        // Both wait for the writer's lock, which the held append has: the dispose first, then a commit that found the
        // writer still open.
        var disposing = writer.DisposeAsync().AsTask();
        var commit = writer.CommitTurnAsync(Ct);
        held.Release();

        await held.Appended;
        await disposing;
        await Assert.ThrowsAsync<ObjectDisposedException>(() => commit);
        Assert.Single((await SessionReader.ReadAsync(path, Ct)).Entries);
    }

    private static string Prlimit(params string[] arguments)
    {
        var info = new ProcessStartInfo("/usr/bin/prlimit") { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add("--pid");
        info.ArgumentList.Add(Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return output.Trim();
    }
}
