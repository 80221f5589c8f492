using System.Diagnostics;

namespace CodeForge.Cli.Eval;

/// <summary>How a child process of the harness ended.</summary>
/// <param name="ExitCode">The exit code (128 + n when killed by signal n), or null when it was killed for running too long.</param>
/// <param name="StdOut">Everything it wrote on standard output.</param>
/// <param name="StdErr">Everything it wrote on standard error.</param>
/// <remarks>Immutable.</remarks>
internal sealed record EvalProcessResult(int? ExitCode, string StdOut, string StdErr)
{
    public bool TimedOut => ExitCode is null;
}

/// <summary>Runs the harness's child processes (the agent, setup and check scripts, git) with a time limit; one that runs
/// too long is killed with its whole process tree.</summary>
/// <remarks>Stateless; every call owns its process.</remarks>
internal static class EvalProcess
{
    public static async Task<EvalProcessResult> RunAsync(
        string file, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string?> environment,
        TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in environment)
        {
            if (value is null)
            {
                psi.Environment.Remove(key);
            }
            else
            {
                psi.Environment[key] = value;
            }
        }
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var limit = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(limit.Token, cancellationToken);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It exited on its own meanwhile.
            }
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
        // A grandchild that inherited the pipes could hold them open after a kill; do not wait for it forever.
        var output = await WithinAsync(stdout, time).ConfigureAwait(false);
        var errors = await WithinAsync(stderr, time).ConfigureAwait(false);
        return new EvalProcessResult(timedOut ? null : process.ExitCode, output, errors);
    }

    private static async Task<string> WithinAsync(Task<string> read, TimeProvider time)
    {
        try
        {
            return await read.WaitAsync(TimeSpan.FromSeconds(10), time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return "";
        }
    }
}
