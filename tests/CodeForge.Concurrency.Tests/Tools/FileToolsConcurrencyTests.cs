using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using CodeForge.Concurrency.Tests.Infrastructure;
using CodeForge.Core.Agent;
using CodeForge.Core.Tools;
using CodeForge.Core.Tools.BuiltIn;

namespace CodeForge.Concurrency.Tests.Tools;

/// <summary>
/// The seed's third future area: concurrent reads and writes of the same file. Edits, Writes and Reads run through
/// <see cref="ToolCallScheduler"/> and <see cref="ToolExecutor"/> as the agent runs a model's parallel tool calls, and
/// also as several such batches (or bare executor calls) at once. Each Edit inserts a unique marker line before a
/// sentinel line, so: no edit may be lost (every marker present exactly once at the end), and no read may be torn
/// (every Read shows header, a prefix of the final marker order, sentinel: one whole version).
/// </summary>
[Collection(NonParallel.Name)]
public sealed class FileToolsConcurrencyTests : IDisposable
{
    private const string Header = "header";
    private const string Sentinel = "SENTINEL";

    private readonly string _root = FileRealPath(Directory.CreateTempSubdirectory("forge-filetools-race-").FullName);
    private readonly FileReadTracker _tracker = new();
    private readonly ToolExecutor _executor;
    private readonly ToolRegistry _registry = new();
    private readonly ToolContext _context;

    public FileToolsConcurrencyTests()
    {
        _registry.RegisterMany(BuiltInTools.CreateFileTools(_tracker, new FileToolOptions { GrepEngine = GrepEngineKind.Managed }));
        _executor = new ToolExecutor(_registry, maxHistory: 0);
        _context = new ToolContext(_root);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static string FileRealPath(string path) => FilePathPolicy.RealPath(path);

    private static string TextOf(string path) => File.ReadAllText(path);

    private static byte[] BytesOf(string path) => File.ReadAllBytes(path);

    private sealed record Call(string Tool, JsonElement Arguments)
    {
        public override string ToString() => $"{Tool} {Arguments}";
    }

    private static Call Read(string path) => new("Read", Args(new JsonObject { ["file_path"] = path }));

    private static Call Edit(string path, string marker) => new("Edit", Args(new JsonObject
    {
        ["file_path"] = path,
        ["old_string"] = Sentinel,
        ["new_string"] = $"{marker}\n{Sentinel}",
    }));

    private static Call Write(string path, string content) => new("Write", Args(new JsonObject { ["file_path"] = path, ["content"] = content }));

    private static JsonElement Args(JsonObject o) => JsonElement.Parse(o.ToJsonString());

    private ToolAccess AccessOf(Call call) =>
        ((IToolAccessDescriber)_registry.GetRequired(call.Tool)).DescribeAccess(call.Arguments, _context);

    private Task<ToolResult[]> RunBatchAsync(IReadOnlyList<Call> calls) =>
        ToolCallScheduler.RunAsync(calls, AccessOf, c => _executor.ExecuteAsync(c.Tool, c.Arguments, _context, TestContext.Current.CancellationToken));

    private string NewFile(string name)
    {
        var path = Path.Join(_root, name);
        File.WriteAllText(path, $"{Header}\n{Sentinel}\n");
        return path;
    }

    /// <summary>The markers of a whole version (header, markers, sentinel), failing on anything torn.</summary>
    private static List<string> MarkersOf(string content, string what)
    {
        var lines = content.Split('\n');
        Assert.True(lines.Length >= 3, $"{what}: too short to be a whole version: {content}");
        Assert.True(lines[0] == Header, $"{what}: torn (no header): {content}");
        Assert.True(lines[^2] == Sentinel && lines[^1] == "", $"{what}: torn (no sentinel at the end): {content}");
        var markers = lines[1..^2].ToList();
        Assert.All(markers, m => Assert.StartsWith("marker-", m, StringComparison.Ordinal));
        Assert.Equal(markers.Count, markers.Distinct().Count());
        return markers;
    }

    /// <summary>A Read's output (cat -n) back to the file's text.</summary>
    private static string TextOfRead(ToolResult read)
    {
        Assert.True(read.Success, read.Error);
        return string.Concat(read.Output.Split('\n').Select(l => l[(l.IndexOf('\t', StringComparison.Ordinal) + 1)..] + "\n"));
    }

    private static void AssertEveryReadIsAPrefixOfTheFinalOrder(IEnumerable<ToolResult> reads, List<string> final)
    {
        foreach (var read in reads)
        {
            var seen = MarkersOf(TextOfRead(read), "a Read");
            Assert.True(seen.SequenceEqual(final.Take(seen.Count)),
                $"a Read saw markers [{string.Join(", ", seen)}], not a prefix of the final order [{string.Join(", ", final)}]");
        }
    }

    [Fact]
    public async Task OneBatch_OnOneFile_AppliesEveryEditInCallOrderAndNoReadIsTorn()
    {
        var path = NewFile("one.txt");
        var calls = new List<Call> { Read(path) };
        for (var i = 0; i < 60; i++)
        {
            calls.Add(Edit(path, $"marker-{i:D2}"));
            calls.Add(Read(path));
        }

        var results = await Stress.WithinWatchdog(RunBatchAsync(calls));

        Assert.All(results, r => Assert.True(r.Success, r.Error));
        var final = MarkersOf(TextOf(path), "the file");
        Assert.Equal(Enumerable.Range(0, 60).Select(i => $"marker-{i:D2}"), final);
        // The scheduler runs a Read after the Edits before it in the batch: Read k sees exactly k markers.
        var reads = results.Where((_, i) => calls[i].Tool == "Read").ToList();
        for (var k = 0; k < reads.Count; k++)
        {
            Assert.Equal(final.Take(k), MarkersOf(TextOfRead(reads[k]), $"Read {k}"));
        }
    }

    [Fact]
    public async Task ConcurrentBatchesAndBareCalls_OnOneFile_LoseNoEditAndTearNoRead()
    {
        var path = NewFile("shared.txt");
        Assert.True((await _executor.ExecuteAsync("Read", Read(path).Arguments, _context, TestContext.Current.CancellationToken)).Success);
        var reads = new ConcurrentBag<ToolResult>();
        var edits = new ConcurrentBag<ToolResult>();
        const int Batches = 6;
        const int EditsPerBatch = 12;

        // Six batches (as from parallel subagents sharing the session) plus bare executor calls, all released together.
        await Stress.GatherAsync(Batches + 2, async b =>
        {
            if (b < Batches)
            {
                var calls = new List<Call>();
                for (var i = 0; i < EditsPerBatch; i++)
                {
                    calls.Add(Edit(path, $"marker-b{b}-{i:D2}"));
                    calls.Add(Read(path));
                }
                var results = await RunBatchAsync(calls);
                for (var i = 0; i < calls.Count; i++)
                {
                    (calls[i].Tool == "Read" ? reads : edits).Add(results[i]);
                }
            }
            else
            {
                for (var i = 0; i < EditsPerBatch; i++)
                {
                    var call = i % 2 == 0 ? Edit(path, $"marker-bare{b}-{i:D2}") : Read(path);
                    var result = await _executor.ExecuteAsync(call.Tool, call.Arguments, _context, TestContext.Current.CancellationToken);
                    (call.Tool == "Read" ? reads : edits).Add(result);
                }
            }
        });

        Assert.All(edits, r => Assert.True(r.Success, r.Error));
        var final = MarkersOf(TextOf(path), "the file");
        var expected = Enumerable.Range(0, Batches).SelectMany(b => Enumerable.Range(0, EditsPerBatch).Select(i => $"marker-b{b}-{i:D2}"))
            .Concat(Enumerable.Range(Batches, 2).SelectMany(b => Enumerable.Range(0, EditsPerBatch).Where(i => i % 2 == 0).Select(i => $"marker-bare{b}-{i:D2}")));
        Assert.Equal(expected.Order(StringComparer.Ordinal), final.Order(StringComparer.Ordinal));
        // Within one batch the scheduler keeps call order.
        for (var b = 0; b < Batches; b++)
        {
            var mine = final.Where(m => m.StartsWith($"marker-b{b}-", StringComparison.Ordinal)).ToList();
            Assert.Equal(mine.Order(StringComparer.Ordinal), mine);
        }
        AssertEveryReadIsAPrefixOfTheFinalOrder(reads, final);
        Assert.True(_tracker.Get(path)!.Matches(BytesOf(path)), "the tracker must hold the final version");
    }

    [Fact]
    public async Task OneBatch_OnManyFiles_CreatesEditsAndReadsEachFileInCallOrder()
    {
        const int Files = 16;
        const int EditsPerFile = 8;
        var random = new Random(20261127);
        var paths = Enumerable.Range(0, Files).Select(f => Path.Join(_root, $"many/f{f:D2}.txt")).ToList();
        var calls = new List<Call>();
        foreach (var path in paths)
        {
            calls.Add(Write(path, $"{Header}\n{Sentinel}\n"));
        }
        var pending = paths.SelectMany(p => Enumerable.Range(0, EditsPerFile).Select(i => (Path: p, I: i))).ToList();
        var next = paths.ToDictionary(p => p, _ => 0);
        while (pending.Count > 0)
        {
            // Random interleaving across files; per file the edits stay in order.
            var path = paths[random.Next(Files)];
            if (next[path] == EditsPerFile)
            {
                continue;
            }
            calls.Add(Edit(path, $"marker-{Path.GetFileNameWithoutExtension(path)}-{next[path]++}"));
            pending.RemoveAt(0);
            if (random.Next(3) == 0)
            {
                calls.Add(Read(path));
            }
        }

        var results = await Stress.WithinWatchdog(RunBatchAsync(calls));

        Assert.All(results, r => Assert.True(r.Success, r.Error));
        foreach (var path in paths)
        {
            var name = Path.GetFileNameWithoutExtension(path);
            var final = MarkersOf(TextOf(path), path);
            Assert.Equal(Enumerable.Range(0, EditsPerFile).Select(i => $"marker-{name}-{i}"), final);
            var expectedBefore = 0;
            for (var i = 0; i < calls.Count; i++)
            {
                var target = calls[i].Arguments.GetProperty("file_path").GetString();
                if (target != path)
                {
                    continue;
                }
                if (calls[i].Tool == "Edit")
                {
                    expectedBefore++;
                }
                else if (calls[i].Tool == "Read")
                {
                    Assert.Equal(final.Take(expectedBefore), MarkersOf(TextOfRead(results[i]), $"Read {i} of {path}"));
                }
            }
        }
    }

    [Fact]
    public async Task ParallelWritesAndReads_OfOneFile_EachReadSeesOneWholeWrite()
    {
        var path = NewFile("written.txt");
        Assert.True((await _executor.ExecuteAsync("Read", Read(path).Arguments, _context, TestContext.Current.CancellationToken)).Success);
        var reads = new ConcurrentBag<ToolResult>();
        var writes = new ConcurrentBag<(int Writer, ToolResult Result)>();
        var body = string.Concat(Enumerable.Range(0, 1000).Select(i => $"marker-{i:D4}\n"));

        await Stress.GatherAsync(16, async t =>
        {
            for (var i = 0; i < 8; i++)
            {
                if (t % 2 == 0)
                {
                    var content = $"{Header}\n" + body.Replace("marker-", $"marker-w{t}-", StringComparison.Ordinal) + $"{Sentinel}\n";
                    writes.Add((t, await _executor.ExecuteAsync("Write", Write(path, content).Arguments, _context, TestContext.Current.CancellationToken)));
                }
                else
                {
                    reads.Add(await _executor.ExecuteAsync("Read", Read(path).Arguments, _context, TestContext.Current.CancellationToken));
                }
            }
        });

        // Every write succeeds: each writer's own Write records the version it wrote, and the tracker is shared.
        Assert.All(writes, w => Assert.True(w.Result.Success, w.Result.Error));
        foreach (var read in reads)
        {
            var markers = MarkersOf(TextOfRead(read), "a Read");
            if (markers.Count == 0)
            {
                continue;
            }
            var writer = markers[0].Split('-')[1];
            Assert.Equal(1000, markers.Count);
            Assert.All(markers, m => Assert.StartsWith($"marker-{writer}-", m, StringComparison.Ordinal));
        }
    }
}
