using System.Diagnostics;

namespace CodeForge.Testing.Forge;

/// <summary>
/// What every test that runs the real <c>forge</c> program (the shipped build, <see cref="ForgeBinary"/>) as a child process
/// shares: the start information (the model-provider variables of the test host removed, the test's environment and the
/// test defaults applied), the hang watchdog, and killing the process tree when it expires. Linked as source into the
/// test projects that start forge (<c>&lt;Compile Include="../Shared/Forge/*.cs"&gt;</c>).
/// </summary>
/// <remarks>Stateless and thread-safe: every member may be called from any thread, for any number of processes.</remarks>
internal static class ForgeLaunch
{
    /// <summary>
    /// The most a forge run may take before the test fails as hung: a last resort against a hang, far above what a run
    /// takes on a loaded 2-core machine (a run that merely starts slowly must never hit it).
    /// </summary>
    public static readonly TimeSpan Watchdog = TimeSpan.FromMinutes(5);

    /// <summary>
    /// <c>MCP_TIMEOUT</c> (ms) for forge runs whose test did not set one: MCP servers the test expects to connect get
    /// minutes, not the 30 s default a node server can miss under load. Tests of the timeout itself set their own.
    /// </summary>
    public const string McpTimeoutMs = "300000";

    /// <summary>Variables of the test host that would point forge at a real model provider.</summary>
    private static readonly string[] ProviderVariables =
        ["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_BASE_URL", "OLLAMA_HOST", "FORGE_PROVIDER", "FORGE_MODEL"];

    /// <summary>
    /// <c>forge <paramref name="args"/></c> (<see cref="ForgeBinary"/>) in <paramref name="workingDirectory"/>, stdout and stderr redirected
    /// (and stdin when <paramref name="redirectStandardInput"/>), with the provider variables of the test host removed,
    /// <paramref name="environment"/> set and the test defaults (<see cref="ApplyTestDefaults"/>) where it set nothing.
    /// </summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> args, string workingDirectory,
        IReadOnlyDictionary<string, string>? environment, bool redirectStandardInput = false)
    {
        var psi = new ProcessStartInfo(ForgeBinary.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectStandardInput,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var key in ProviderVariables)
        {
            psi.Environment.Remove(key);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }
        ApplyTestDefaults(psi);
        foreach (var a in ForgeBinary.PrefixArguments)
        {
            psi.ArgumentList.Add(a);
        }
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        return psi;
    }

    /// <summary>Gives forge the test defaults (<see cref="McpTimeoutMs"/>) where the test set nothing.</summary>
    public static void ApplyTestDefaults(ProcessStartInfo psi)
    {
        if (!psi.Environment.ContainsKey("MCP_TIMEOUT"))
        {
            psi.Environment["MCP_TIMEOUT"] = McpTimeoutMs;
        }
    }

    /// <summary>Kills <paramref name="process"/> and every process it started, if it is still running.</summary>
    public static void KillTree(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited meanwhile.
        }
    }

    /// <summary>Fails the test as hung (after killing the process tree) when <paramref name="wait"/> outlives the watchdog.</summary>
    public static async Task WithinWatchdogAsync(Process process, Func<CancellationToken, Task> wait, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Watchdog);
        try
        {
            await wait(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var snapshot = DescribeThreads(process.Id);
            KillTree(process);
            Assert.Fail($"forge (pid {process.Id}) did not finish within the {Watchdog.TotalMinutes:0}-minute watchdog: hung{snapshot}");
        }
    }

    /// <summary>
    /// Where a hung process's threads wait, from <c>/proc</c> (name, state, kernel wait channel), and its child processes,
    /// so a watchdog failure says more than "hung". Empty where <c>/proc</c> cannot be read.
    /// </summary>
    internal static string DescribeThreads(int pid)
    {
        static string Read(string path)
        {
            try
            {
                return File.ReadAllText(path).Trim();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return "?";
            }
        }
        var text = new System.Text.StringBuilder();
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                var stat = Read(Path.Combine(task, "stat"));
                var state = stat.LastIndexOf(')') is var close and > 0 && close + 2 < stat.Length ? stat[close + 2].ToString() : "?";
                text.Append($"\n  thread {Path.GetFileName(task)} \"{Read(Path.Combine(task, "comm"))}\" {state} in {Read(Path.Combine(task, "wchan"))}");
            }
            foreach (var child in Read($"/proc/{pid}/task/{pid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                text.Append($"\n  child {child}: {Read($"/proc/{child}/cmdline").Replace('\0', ' ')}");
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not Linux, or the process is gone: nothing more to say.
        }
        return text.Length == 0 ? "" : "; its threads and children:" + text;
    }
}
