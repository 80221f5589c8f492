using BenchmarkDotNet.Attributes;
using CodeForge.Core.Sessions;
using Microsoft.Extensions.AI;

namespace CodeForge.Benchmarks.Sessions;

/// <summary>
/// Session storage: append throughput (lines/s = 1 / mean per line) with and without a write per line, and with an fsync
/// per line; loading (read + parse + rebuild the conversation) and resuming a 1,000-entry transcript.
/// </summary>
[MemoryDiagnoser]
public class SessionStoreBenchmarks
{
    private const int LinesPerInvoke = 1000;
    private string _root = null!;
    private SessionWriter _writer = null!;
    private SessionWriter _syncWriter = null!;
    private Session _session = null!;
    private SessionManager _manager = null!;
    private SessionEntry _entry = null!;
    private string _loadId = null!;
    private string _loadPath = null!;

    /// <summary>True: each line is written to the OS as it is appended (the default). False: lines are buffered.</summary>
    [Params(true, false)]
    public bool FlushEachLine { get; set; }

    [GlobalSetup]
    public async Task Setup()
    {
        _root = Path.Combine(Path.GetTempPath(), "forge-session-bench", Guid.NewGuid().ToString("N"));
        var options = new SessionWriterOptions { FlushEachLine = FlushEachLine };
        _manager = new SessionManager(Path.Combine(_root, "project"), new SessionManagerOptions { RootDirectory = Path.Combine(_root, "home"), WriterOptions = options });
        var id = Guid.NewGuid().ToString("D");
        _writer = SessionWriter.Create(Path.Combine(_root, "raw", id + ".jsonl"), id, options);
        var syncId = Guid.NewGuid().ToString("D");
        _syncWriter = SessionWriter.Create(Path.Combine(_root, "raw", syncId + ".jsonl"), syncId, options);
        _entry = new SessionEntry(SessionEntryType.Assistant, Guid.NewGuid().ToString("D"), Guid.NewGuid().ToString("D"), id, DateTimeOffset.UtcNow)
        {
            Message = Message(0),
        };
        _session = await _manager.CreateAsync();

        // A 1,000-entry transcript: turns of user prompt, assistant text + tool call, tool result.
        await using var source = await _manager.CreateAsync();
        for (var i = 0; i < LinesPerInvoke - 1; i++)
        {
            var message = (i % 3) switch
            {
                0 => new ChatMessage(ChatRole.User, $"Please look at file {i}.cs and fix the failing test in it."),
                1 => Message(i),
                _ => new ChatMessage(ChatRole.Tool, [new FunctionResultContent($"call_{i - 1}", new string('r', 400))]),
            };
            await source.AppendMessageAsync(message);
        }
        _loadId = source.Id;
        _loadPath = source.TranscriptPath!;
    }

    private static ChatMessage Message(int i) => new(ChatRole.Assistant,
    [
        new TextContent("I will read the file and then run the tests to see what fails."),
        new FunctionCallContent($"call_{i}", "Read", new Dictionary<string, object?> { ["file_path"] = $"/src/app/File{i}.cs", ["limit"] = 200 }),
    ]);

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _writer.DisposeAsync();
        await _syncWriter.DisposeAsync();
        await _session.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    /// <summary>Raw transcript append (serialize + write); per line.</summary>
    [Benchmark(OperationsPerInvoke = LinesPerInvoke)]
    public async Task WriterAppend()
    {
        for (var i = 0; i < LinesPerInvoke; i++)
        {
            await _writer.AppendAsync(_entry);
        }
        await _writer.CommitTurnAsync();
    }

    /// <summary>Append through a <see cref="Session"/> (also keeps the entry in memory); per line.</summary>
    [Benchmark(OperationsPerInvoke = LinesPerInvoke)]
    public async Task SessionAppend()
    {
        for (var i = 0; i < LinesPerInvoke; i++)
        {
            await _session.AppendMessageAsync(_entry.Message!);
        }
        await _session.CommitTurnAsync();
    }

    /// <summary>Every line fsynced (a commit per line): the cost of durability at each line rather than each turn.</summary>
    [Benchmark(OperationsPerInvoke = 20)]
    public async Task WriterAppendFsyncEachLine()
    {
        for (var i = 0; i < 20; i++)
        {
            await _syncWriter.AppendAsync(_entry);
            await _syncWriter.CommitTurnAsync();
        }
    }

    /// <summary>Load a 1,000-entry transcript: read, parse every line, rebuild the conversation.</summary>
    [Benchmark]
    public int LoadTranscript1000() => SessionReader.Read(_loadPath).Messages.Count;

    /// <summary>Resume a 1,000-entry session: take the writer lock, load it, release it.</summary>
    [Benchmark]
    public async Task<int> ResumeSession1000()
    {
        await using var session = await _manager.OpenAsync(_loadId);
        return session.Messages.Count;
    }
}
