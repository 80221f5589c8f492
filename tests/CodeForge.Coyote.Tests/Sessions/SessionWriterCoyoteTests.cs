using System.Text;
using System.Text.Json;
using CodeForge.Core.Sessions;
using CodeForge.Coyote.Tests.Infrastructure;
using Microsoft.Coyote.Specifications;

namespace CodeForge.Coyote.Tests.Sessions;

/// <summary>
/// Systematic scheduling of <see cref="SessionWriter"/> over a real transcript in a temporary directory (its file I/O is
/// synchronous positional writes, so Coyote controls every interleaving): two single appends, a range of two, and a
/// commit followed by an append race, while a reader reads the file. Memory-access races are on, so a schedule may switch
/// between an append reading the end of the file and advancing it. In every schedule the reader sees only whole lines and
/// at least the lines counted before it read, and at rest the file holds each entry exactly once, the range's two lines next to
/// each other, as many lines as <see cref="SessionWriter.LinesAppended"/> says and as many bytes as
/// <see cref="SessionWriter.Length"/>. The real writer with its append gate left out (the
/// <see cref="SessionWriter.GateLeftOutForTests"/> seam) must be caught.
/// </summary>
public sealed class SessionWriterCoyoteTests
{
    private const string Id = "coyote-session";

    private static SessionEntry Entry(string uuid) =>
        new(SessionEntryType.Event, uuid, null, Id, DateTimeOffset.UnixEpoch) { Subtype = "coyote" };

    /// <summary>The uuid of each line, or "(garbled)" for a line that is not a whole entry (two writes overlapped).</summary>
    private static List<string> UuidsOf(string text) => [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(UuidOf)];

    private static string UuidOf(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.TryGetProperty("uuid", out var uuid) ? uuid.GetString() ?? "(garbled)" : "(garbled)";
        }
        catch (JsonException)
        {
            return "(garbled)";
        }
    }

    /// <summary>Reads the transcript with synchronous I/O: asynchronous file I/O completes on threads Coyote does not control.</summary>
    private static string ReadSynchronously(string path) => Encoding.UTF8.GetString(File.ReadAllBytes(path));

    private static async Task Scenario(bool gateLeftOut)
    {
        var directory = Directory.CreateTempSubdirectory("forge-coyote-session-");
        try
        {
            var path = Path.Combine(directory.FullName, Id + ".jsonl");
            // Disposed by awaiting a Task: Coyote 1.7.11's rewrite of an awaited ValueTask (await using) throws
            // EntryPointNotFoundException on .NET 10.
            var writer = SessionWriter.Create(path, Id);
            try
            {
                writer.GateLeftOutForTests = gateLeftOut;
                var appends = new[]
                {
                    Task.Run(() => writer.AppendAsync(Entry("e0"))),
                    Task.Run(() => writer.AppendAsync(Entry("e1"))),
                    Task.Run(() => writer.AppendRangeAsync([Entry("r0"), Entry("r1")])),
                    Task.Run(async () =>
                    {
                        await writer.CommitTurnAsync();
                        await writer.AppendAsync(Entry("e2"));
                    }),
                };
                var reader = Task.Run(() =>
                {
                    // A line is written before it is counted: every line counted before the read is in the file.
                    var counted = writer.LinesAppended;
                    var text = ReadSynchronously(path);
                    Specification.Assert(text.Length == 0 || text.EndsWith('\n'), $"a reader saw a torn line: '{text}'");
                    var lines = text.Count(c => c == '\n');
                    Specification.Assert(lines >= counted, $"a reader saw {lines} lines after {counted} were counted");
                });
                await Task.WhenAll(appends.Append(reader).ToArray());

                var written = ReadSynchronously(path);
                var uuids = UuidsOf(written);
                Specification.Assert(uuids.Order(StringComparer.Ordinal).SequenceEqual(["e0", "e1", "e2", "r0", "r1"]),
                    $"the transcript holds [{string.Join(", ", uuids)}] instead of each of the 5 entries once");
                Specification.Assert(uuids.IndexOf("r1") == uuids.IndexOf("r0") + 1, $"the range was split: [{string.Join(", ", uuids)}]");
                Specification.Assert(writer.LinesAppended == 5, $"{writer.LinesAppended} lines counted, 5 appended");
                Specification.Assert(writer.Length == new FileInfo(path).Length, $"Length says {writer.Length}, the file has {new FileInfo(path).Length} bytes");
            }
            finally
            {
                await writer.DisposeAsync().AsTask();
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Serializes one entry before the exploration, so the JSON metadata (rewritten source-generated code that runs inside
    /// System.Text.Json's caches and type initializers) is built outside it: Coyote must not pause a task at a memory access
    /// inside a type initializer that another task then waits for with a real lock (a hang it cannot see, reported after the
    /// deadlock monitor's minute).
    /// </summary>
    private static void WarmUpSerialization() => _ = SessionJson.ToLine(Entry("warm-up"));

    [Fact]
    public void ConcurrentAppendsAndACommit_WhileAReaderReads_WriteEveryEntryOnceAsWholeLines()
    {
        WarmUpSerialization();
        CoyoteRunner.AssertNoBug(() => Scenario(gateLeftOut: false), CoyoteStrategy.Probabilistic, memoryAccessRaces: true);
    }

    [Fact]
    public void ConcurrentAppends_WhenTheGateIsLeftOut_AreCaught()
    {
        WarmUpSerialization();
        var bug = CoyoteRunner.AssertFindsBug(() => Scenario(gateLeftOut: true), CoyoteStrategy.Probabilistic, memoryAccessRaces: true);

        Assert.Matches("instead of each of the 5 entries once|the range was split|lines counted|Length says|torn line|lines after", bug);
    }
}
