using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using CodeForge.Core.Tools;
using CodeForge.Core.Tools.BuiltIn;

namespace CodeForge.Benchmarks.Tools;

/// <summary>
/// The cost of the file tools' inter-process edit lock (issue 16), side by side in one run: entering and leaving the
/// in-process gate alone (the baseline: what an Edit took before), the gate plus the lock file's <c>flock</c>
/// (what it takes now), and a whole Edit through the real tool (read, hash, replace, temporary file, fsync, rename),
/// uncontended. The lock's share of an Edit is (lock − gate) / Edit. And the same edit steps (read, hash check,
/// replace, atomic write, record) under the gate alone and under gate plus lock, for the ratio of an edit with and
/// without the inter-process lock in one run.
/// </summary>
[MemoryDiagnoser]
public class FileMutationLockBenchmarks
{
    private string _directory = null!;
    private string _file = null!;
    private EditTool _edit = null!;
    private FileReadTracker _tracker = null!;
    private ToolContext _context = null!;
    private JsonElement _toB;
    private JsonElement _toA;

    [GlobalSetup]
    public void Setup()
    {
        _directory = FilePathPolicy.RealPath(Directory.CreateTempSubdirectory("forge-lock-bench-").FullName);
        _file = Path.Join(_directory, "file.cs");
        File.WriteAllText(_file, string.Concat(Enumerable.Range(0, 200).Select(i => $"    int field{i} = {i}; // a line of code\n")) + "value a\n");
        _tracker = new FileReadTracker();
        var bytes = File.ReadAllBytes(_file);
        _tracker.Record(_file, FileSnapshot.Of(bytes, File.GetLastWriteTimeUtc(_file)));
        _edit = new EditTool(_tracker);
        _context = new ToolContext(_directory);
        _toB = JsonElement.Parse(new JsonObject { ["file_path"] = _file, ["old_string"] = "value a", ["new_string"] = "value b" }.ToJsonString());
        _toA = JsonElement.Parse(new JsonObject { ["file_path"] = _file, ["old_string"] = "value b", ["new_string"] = "value a" }.ToJsonString());
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    [Benchmark(Baseline = true)]
    public async Task GateOnly()
    {
        using var gate = await FileMutationGate.EnterAsync(_file, CancellationToken.None).ConfigureAwait(false);
    }

    [Benchmark]
    public async Task GateAndInterProcessLock()
    {
        using var held = await FileMutationLock.EnterAsync(_file, CancellationToken.None).ConfigureAwait(false);
    }

    [Benchmark(OperationsPerInvoke = 2)]
    public async Task EditStepsUnderTheGateOnly()
    {
        using (await FileMutationGate.EnterAsync(_file, CancellationToken.None).ConfigureAwait(false))
        {
            await EditStepsAsync("value a", "value b").ConfigureAwait(false);
        }
        using (await FileMutationGate.EnterAsync(_file, CancellationToken.None).ConfigureAwait(false))
        {
            await EditStepsAsync("value b", "value a").ConfigureAwait(false);
        }
    }

    [Benchmark(OperationsPerInvoke = 2)]
    public async Task EditStepsUnderGateAndLock()
    {
        using (await FileMutationLock.EnterAsync(_file, CancellationToken.None).ConfigureAwait(false))
        {
            await EditStepsAsync("value a", "value b").ConfigureAwait(false);
        }
        using (await FileMutationLock.EnterAsync(_file, CancellationToken.None).ConfigureAwait(false))
        {
            await EditStepsAsync("value b", "value a").ConfigureAwait(false);
        }
    }

    private async Task EditStepsAsync(string from, string to)
    {
        var bytes = await File.ReadAllBytesAsync(_file).ConfigureAwait(false);
        if (_tracker.Get(_file) is not { } seen || !seen.Matches(bytes))
        {
            throw new InvalidOperationException("the file changed under the benchmark");
        }
        var text = TextCodec.Decode(bytes).Text;
        var edited = System.Text.Encoding.UTF8.GetBytes(text.Replace(from, to, StringComparison.Ordinal));
        var written = await AtomicFile.WriteAsync(_file, edited, CancellationToken.None).ConfigureAwait(false);
        _tracker.Record(_file, FileSnapshot.Of(edited, written));
    }

    [Benchmark(OperationsPerInvoke = 2)]
    public async Task EditUnderTheLock()
    {
        var first = await _edit.ExecuteAsync(_toB, _context, CancellationToken.None).ConfigureAwait(false);
        var second = await _edit.ExecuteAsync(_toA, _context, CancellationToken.None).ConfigureAwait(false);
        if (!first.Success || !second.Success)
        {
            throw new InvalidOperationException(first.Error ?? second.Error);
        }
    }
}
