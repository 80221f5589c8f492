using System.Diagnostics;

namespace CodeForge.Testing.Forge;

/// <summary>
/// Which <c>forge</c> the end-to-end tests start: the shipped build, made by the repository's <c>./forge</c> script (the
/// README's run command) — the Native AOT binary <c>artifacts/forge/native/forge</c>, or where the native build cannot be
/// made the ReadyToRun build the script falls back to — so the tests check what users run. <c>./forge --version</c> is
/// run once per test process: it rebuilds when a source file is newer than the build (one build at a time across
/// processes, under the script's lock), and <c>tools/install-test-deps</c> runs it before the tests so none waits for it.
/// <c>FORGE_TEST_BUILD=jit</c> starts the test output's forge.dll under the JIT instead (<c>dotnet forge.dll</c>), for a
/// quick loop while editing, without the native build.
/// </summary>
/// <remarks>Thread-safe: the build is resolved once per process (<see cref="Lazy{T}"/>, execution and publication); every
/// member may then be read from any thread.</remarks>
internal static class ForgeBinary
{
    /// <summary>The most the shipped build may take (a full Native AOT publish on a loaded 2-core machine).</summary>
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(40);

    private static readonly Lazy<(string File, string Kind)> Shipped = new(BuildShipped, LazyThreadSafetyMode.ExecutionAndPublication);

    private static readonly Lazy<(string File, string[] Prefix, string Kind)> Resolved = new(Resolve, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The program to start: the shipped binary, or <c>dotnet</c> under <c>FORGE_TEST_BUILD=jit</c>.</summary>
    public static string FileName => Resolved.Value.File;

    /// <summary>Arguments that come before forge's own (forge.dll under <c>FORGE_TEST_BUILD=jit</c>; none otherwise).</summary>
    public static IReadOnlyList<string> PrefixArguments => Resolved.Value.Prefix;

    /// <summary>The build the tests run, as <c>forge --version</c> names it: <c>native-aot</c>, <c>ready-to-run</c> or
    /// <c>jit</c> — known from where the program is, not from what it prints.</summary>
    public static string BuildKind => Resolved.Value.Kind;

    /// <summary>The shipped build's program and kind (<c>native-aot</c> or <c>ready-to-run</c>), whatever
    /// <c>FORGE_TEST_BUILD</c> says: for the tests of the shipped binary itself.</summary>
    public static (string File, string Kind) ShippedBuild => Shipped.Value;

    /// <summary>The whole command as one line for <c>/bin/sh</c> (launcher scripts, tmux), each part single-quoted.</summary>
    public static string ShellCommand => string.Join(' ', new[] { FileName }.Concat(PrefixArguments).Select(ShellQuote));

    /// <summary>The repository holding these tests (the folder with <c>CodeForge.slnx</c>).</summary>
    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "CodeForge.slnx")))
                {
                    return dir.FullName;
                }
            }
            throw new InvalidOperationException("CodeForge.slnx not found above the test binaries.");
        }
    }

    /// <summary>Single-quotes <paramref name="text"/> for <c>/bin/sh</c>.</summary>
    public static string ShellQuote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static (string, string[], string) Resolve()
    {
        if (Environment.GetEnvironmentVariable("FORGE_TEST_BUILD") == "jit")
        {
            var dll = Path.Combine(AppContext.BaseDirectory, "forge.dll");
            Assert.True(File.Exists(dll), $"forge.dll not found next to the tests at {dll}");
            return ("dotnet", [dll], "jit");
        }
        var (file, kind) = Shipped.Value;
        return (file, [], kind);
    }

    /// <summary>Runs <c>./forge --version</c> (which builds when stale) and finds what it built.</summary>
    private static (string, string) BuildShipped()
    {
        var repo = RepositoryRoot;
        var psi = new ProcessStartInfo(Path.Combine(repo, "forge"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = repo,
        };
        psi.ArgumentList.Add("--version");
        psi.Environment.Remove("FORGE_BUILD");
        var stdout = new System.Text.StringBuilder();
        var stderr = new System.Text.StringBuilder();
        using var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => { lock (stdout) { stdout.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (stderr) { stderr.AppendLine(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(BuildTimeout))
        {
            ForgeLaunch.KillTree(process);
            Assert.Fail($"./forge --version (building the shipped forge) did not finish within {BuildTimeout.TotalMinutes:0} minutes");
        }
        var log = Path.Combine(repo, "artifacts", "forge", "build.log");
        process.WaitForExit(); // the output readers reach the end of both pipes
        Assert.True(process.ExitCode == 0,
            $"./forge --version failed (exit {process.ExitCode}):\n{stderr}\n{(File.Exists(log) ? File.ReadAllText(log) : "")}");
        var native = Path.Combine(repo, "artifacts", "forge", "native", "forge");
        var readyToRun = Path.Combine(repo, "artifacts", "forge", "ready-to-run", "forge");
        var (file, kind) = File.Exists(native) ? (native, "native-aot") : (readyToRun, "ready-to-run");
        Assert.True(File.Exists(file), $"./forge --version printed {stdout.ToString().Trim()} but left neither {native} nor {readyToRun}");
        return (file, kind);
    }
}
