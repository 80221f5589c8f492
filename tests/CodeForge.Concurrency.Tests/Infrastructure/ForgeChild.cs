using System.Diagnostics;

namespace CodeForge.Concurrency.Tests.Infrastructure;

/// <summary>The real <c>forge</c> program (the built forge.dll, copied next to the tests) as a child process.</summary>
/// <remarks>One test drives one instance; <see cref="Exited"/> may be awaited from any thread.</remarks>
internal sealed class ForgeChild : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stdout;
    private readonly Task<string> _stderr;

    private ForgeChild(Process process)
    {
        _process = process;
        _stdout = process.StandardOutput.ReadToEndAsync();
        _stderr = process.StandardError.ReadToEndAsync();
        Exited = process.WaitForExitAsync();
    }

    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    /// <summary>Completes when the process has exited.</summary>
    public Task Exited { get; }

    /// <summary>The path of forge.dll next to the tests.</summary>
    public static string Dll
    {
        get
        {
            var dll = Path.Combine(AppContext.BaseDirectory, "forge.dll");
            Assert.True(File.Exists(dll), $"forge.dll not found next to the tests at {dll}");
            return dll;
        }
    }

    public static ForgeChild Start(IEnumerable<string> args, string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var key in new[] { "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_BASE_URL", "OLLAMA_HOST", "FORGE_PROVIDER", "FORGE_MODEL" })
        {
            psi.Environment.Remove(key);
        }
        foreach (var (key, value) in environment)
        {
            psi.Environment[key] = value;
        }
        psi.ArgumentList.Add(Dll);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        var process = Process.Start(psi)!;
        process.StandardInput.Close();
        return new ForgeChild(process);
    }

    /// <summary>Waits (at most <see cref="Stress.DefaultWatchdog"/>, against a hang) for the process to exit; returns its exit code and output.</summary>
    public async Task<Result> WaitAsync()
    {
        await Exited.WaitAsync(Stress.DefaultWatchdog, TestContext.Current.CancellationToken);
        return new Result(_process.ExitCode, await _stdout, await _stderr);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }
}
