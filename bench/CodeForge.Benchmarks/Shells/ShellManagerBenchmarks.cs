using BenchmarkDotNet.Attributes;
using CodeForge.Core.Shells;
using CodeForge.Testing.Shells;

namespace CodeForge.Benchmarks.Shells;

/// <summary>
/// Wall time of one batch of 50 shells handled concurrently: created, read (after their first output), killed, awaited
/// final. Over real processes (setsid /bin/sh) and over scripted processes (the manager's own overhead), plus 50 real
/// shells that run to completion, and the output buffer's append/read path.
/// </summary>
[MemoryDiagnoser]
public class ShellManagerBenchmarks
{
    private const int Shells = 50;
    private readonly string _dir = Path.GetTempPath();
    private ShellManager _real = null!;
    private ShellManager _scripted = null!;

    [GlobalSetup]
    public void Setup()
    {
        _real = new ShellManager();
        _scripted = new ShellManager(new ScriptedProcessLauncher(onStart: p => p.WriteStdout("ready\n")),
            options: new ShellManagerOptions { OutputDrainTimeout = Timeout.InfiniteTimeSpan });
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _real.DisposeAsync();
        await _scripted.DisposeAsync();
    }

    [Benchmark(Description = "50 real shells: create, read, kill (concurrent)")]
    public Task CreateReadKillReal() => CreateReadKill(_real, "echo ready; exec sleep 30");

    [Benchmark(Description = "50 scripted shells: create, read, kill (concurrent)")]
    public Task CreateReadKillScripted() => CreateReadKill(_scripted, "scripted");

    [Benchmark(Description = "50 real shells: create, run 'echo' to completion (concurrent)")]
    public async Task CreateAndCompleteReal()
    {
        var tasks = new Task[Shells];
        for (var i = 0; i < Shells; i++)
        {
            var index = i;
            tasks[i] = Task.Run(async () =>
            {
                var shell = await _real.CreateAsync($"echo 'Shell {index}'", _dir);
                await shell.WaitForExitAsync();
            });
        }
        await Task.WhenAll(tasks);
        _real.CleanupCompleted(TimeSpan.Zero);
    }

    [Benchmark(Description = "OutputBuffer: 1 MiB in 4 KiB appends, each followed by a read", OperationsPerInvoke = 256)]
    public long AppendAndRead()
    {
        var buffer = new OutputBuffer(capacity: 512 * 1024);
        var chunk = new string('x', 4096);
        long offset = 0;
        for (var i = 0; i < 256; i++)
        {
            buffer.Append(chunk);
            offset = buffer.ReadFrom(offset).NextOffset;
        }
        return offset;
    }

    private async Task CreateReadKill(ShellManager manager, string command)
    {
        var tasks = new Task[Shells];
        for (var i = 0; i < Shells; i++)
        {
            tasks[i] = Task.Run(async () =>
            {
                var shell = await manager.CreateAsync(command, _dir);
                await shell.Stdout.WaitForOutputAsync(0);
                if (shell.GetNewOutput().Stdout.Text != "ready\n")
                {
                    throw new InvalidOperationException("unexpected output");
                }
                await shell.KillAndWaitAsync();
            });
        }
        await Task.WhenAll(tasks);
        manager.CleanupCompleted(TimeSpan.Zero);
    }
}
