using System.Diagnostics;
using System.Text;

namespace CodeForge.Concurrency.Tests.Sessions;

/// <summary>
/// A running <c>CodeForge.Sessions.Worker</c> (a separate OS process writing one session; see its Program.cs), with its
/// stdout readable line by line so a test can wait on what it reports instead of sleeping.
/// </summary>
internal sealed class SessionWorkerProcess : IDisposable
{
    private static readonly TimeSpan Watchdog = Infrastructure.Stress.DefaultWatchdog;
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly List<string> _lines = [];

    private SessionWorkerProcess(Process process)
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

    /// <summary>Every stdout line read so far.</summary>
    public IReadOnlyList<string> Lines => _lines;

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

    public static SessionWorkerProcess Start(string root, string cwd, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "CodeForge.Sessions.Worker.dll");
        Assert.True(File.Exists(dll), $"the session worker was not built next to the tests: {dll}");
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in (string[])[dll, "--root", root, "--cwd", cwd, .. args])
        {
            psi.ArgumentList.Add(a);
        }
        return new SessionWorkerProcess(Process.Start(psi) ?? throw new InvalidOperationException("could not start dotnet"));
    }

    /// <summary>Reads stdout until a line matches (returning it) or stdout ends (returning null).</summary>
    public async Task<string?> ReadUntilAsync(Func<string, bool> match)
    {
        using var timeout = new CancellationTokenSource(Watchdog);
        while (await _process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            _lines.Add(line);
            if (match(line))
            {
                return line;
            }
        }
        return null;
    }

    /// <summary>Reads the rest of stdout and waits for the exit; returns the exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        await ReadUntilAsync(_ => false);
        using var timeout = new CancellationTokenSource(Watchdog);
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL on Unix (TerminateProcess on Windows): no handler, no flush, no cleanup runs.</summary>
    public async Task KillHardAsync()
    {
        _process.Kill(entireProcessTree: false);
        using var timeout = new CancellationTokenSource(Watchdog);
        await _process.WaitForExitAsync(timeout.Token);
    }

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
