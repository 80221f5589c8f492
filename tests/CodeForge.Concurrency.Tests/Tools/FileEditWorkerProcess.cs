using System.Diagnostics;
using System.Text;

namespace CodeForge.Concurrency.Tests.Tools;

/// <summary>
/// A running worker process in one of its file-edit modes (<c>edit-line</c>, <c>hold-lock</c>; see FileEditWorker.cs in
/// CodeForge.Sessions.Worker): its stdout is read line by line and its stdin written, so a test drives it by events
/// (what it printed, what it is told) instead of by time.
/// </summary>
/// <remarks>
/// <c>FORGE_FILE_EDIT_WORKER</c> may name another build of the worker dll (to measure an older version with the same
/// driver). One instance is driven by one test flow at a time.
/// </remarks>
internal sealed class FileEditWorkerProcess : IDisposable
{
    private static readonly TimeSpan Watchdog = Infrastructure.Stress.DefaultWatchdog;
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();

    private FileEditWorkerProcess(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public string StdErr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>Starts the worker with <paramref name="args"/>; <paramref name="lockDirectory"/> sets <c>FORGE_FILE_LOCK_DIR</c>.</summary>
    public static FileEditWorkerProcess Start(IEnumerable<string> args, string? lockDirectory = null)
    {
        var dll = Environment.GetEnvironmentVariable("FORGE_FILE_EDIT_WORKER") is { Length: > 0 } other
            ? other
            : Path.Combine(AppContext.BaseDirectory, "CodeForge.Sessions.Worker.dll");
        Assert.True(File.Exists(dll), $"the worker was not built next to the tests: {dll}");
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(dll);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        if (lockDirectory is not null)
        {
            psi.Environment["FORGE_FILE_LOCK_DIR"] = lockDirectory;
        }
        return new FileEditWorkerProcess(Process.Start(psi) ?? throw new InvalidOperationException("could not start dotnet"));
    }

    /// <summary>The next stdout line; fails the test if stdout ends first.</summary>
    public async Task<string> ReadLineAsync()
    {
        using var timeout = new CancellationTokenSource(Watchdog);
        return await _process.StandardOutput.ReadLineAsync(timeout.Token)
            ?? throw new InvalidOperationException($"worker {Id} ended its output early (exit code {ExitCodeOrNull()}): {StdErr}");
    }

    public async Task WriteLineAsync(string line)
    {
        await _process.StandardInput.WriteLineAsync(line);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Waits for the exit; returns the exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(Watchdog);
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL on Unix: no handler, no finally block, no cleanup runs in the worker.</summary>
    public async Task KillHardAsync()
    {
        _process.Kill(entireProcessTree: false);
        using var timeout = new CancellationTokenSource(Watchdog);
        await _process.WaitForExitAsync(timeout.Token);
    }

    private int? ExitCodeOrNull() => _process.HasExited ? _process.ExitCode : null;

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
    }
}
