using System.Diagnostics;

namespace CodeForge.Cli.Tests;

/// <summary>Runs the real <c>forge</c> program (the built forge.dll) as a child process.</summary>
internal static class ForgeProcess
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    public static Task<Result> RunAsync(params string[] args) => RunAsync(args, null, null);

    public static async Task<Result> RunAsync(string[] args, string? workingDirectory, IReadOnlyDictionary<string, string>? environment)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "forge.dll");
        Assert.True(File.Exists(dll), $"forge.dll not found next to the tests at {dll}");
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var key in new[] { "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_BASE_URL", "OLLAMA_HOST", "FORGE_PROVIDER", "FORGE_MODEL" })
        {
            psi.Environment.Remove(key);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }
        psi.ArgumentList.Add(dll);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var process = Process.Start(psi)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
