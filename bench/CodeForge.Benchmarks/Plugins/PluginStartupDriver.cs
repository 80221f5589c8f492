using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using CodeForge.Testing;

namespace CodeForge.Benchmarks.Plugins;

/// <summary>
/// <c>CodeForge.Benchmarks plugin-startup [--runs 20] [--plugins 100] [--skills 200] [--agents 200] -- &lt;forge command…&gt; [-- &lt;another…&gt;]</c>:
/// the start-up cost that many installed, enabled plugins add to a one-turn <c>forge -p</c>. Two homes: one empty, one
/// with the generated plugins (<see cref="ManyPlugins"/>); the runs alternate between them (after one warm-up each),
/// each against the fake model server answering one reply; several commands (e.g. two builds) alternate within each round. Prints the median and mean wall time of each and the
/// difference, and the median and mean CPU time (user + system) of each run's forge process and its children; fails when a
/// run fails or writes anything to stderr.
/// </summary>
internal static class PluginStartupDriver
{
    public static async Task<int> RunAsync(string[] args)
    {
        int runs = 20, plugins = 100, skills = 200, agents = 200;
        var separator = Array.IndexOf(args, "--");
        if (separator < 0 || separator == args.Length - 1)
        {
            await Console.Error.WriteLineAsync("usage: plugin-startup [--runs N] [--plugins N] [--skills N] [--agents N] -- <forge command...>").ConfigureAwait(false);
            return 2;
        }
        for (var i = 0; i < separator; i++)
        {
            var value = int.Parse(args[++i], CultureInfo.InvariantCulture);
            switch (args[i - 1])
            {
                case "--runs": runs = value; break;
                case "--plugins": plugins = value; break;
                case "--skills": skills = value; break;
                case "--agents": agents = value; break;
                default:
                    await Console.Error.WriteLineAsync($"plugin-startup: unknown option '{args[i - 1]}'").ConfigureAwait(false);
                    return 2;
            }
        }
        // Several commands (each after its own "--") run side by side: every round runs each of them in both homes.
        var commands = new List<string[]>();
        var start = separator + 1;
        while (start < args.Length)
        {
            var next = Array.IndexOf(args, "--", start);
            next = next < 0 ? args.Length : next;
            commands.Add(args[start..next]);
            start = next + 1;
        }
        var work = Directory.CreateTempSubdirectory("forge-plugin-startup-");
        try
        {
            var bare = Directory.CreateDirectory(Path.Combine(work.FullName, "bare")).FullName;
            var loaded = Directory.CreateDirectory(Path.Combine(work.FullName, "loaded")).FullName;
            ManyPlugins.Write(loaded, plugins, skills, agents);
            var repo = Directory.CreateDirectory(Path.Combine(work.FullName, "repo")).FullName;
            Directory.CreateDirectory(Path.Combine(repo, ".git"));
            await using var server = await FakeModelServer.StartAsync().ConfigureAwait(false);
            var times = commands.Select(_ => new Dictionary<string, List<double>> { [bare] = [], [loaded] = [] }).ToList();
            var cpu = commands.Select(_ => new Dictionary<string, List<double>> { [bare] = [], [loaded] = [] }).ToList();
            for (var r = -1; r < runs; r++)
            {
                for (var c = 0; c < commands.Count; c++)
                {
                    foreach (var home in new[] { bare, loaded })
                    {
                        server.Enqueue(ScriptedTurn.Reply("Done."));
                        var cpuBefore = ChildrenCpuMilliseconds();
                        var (ms, error) = await RunOnceAsync(commands[c], home, repo, server).ConfigureAwait(false);
                        var cpuMs = ChildrenCpuMilliseconds() - cpuBefore;
                        if (error is not null)
                        {
                            await Console.Error.WriteLineAsync($"plugin-startup: {(home == bare ? "no plugins" : $"{plugins} plugins")}: {error}").ConfigureAwait(false);
                            return 1;
                        }
                        if (r >= 0)
                        {
                            times[c][home].Add(ms);
                            cpu[c][home].Add(cpuMs);
                        }
                    }
                }
            }
            double Median(List<double> x) => x.Order().ElementAt(x.Count / 2);
            for (var c = 0; c < commands.Count; c++)
            {
                var b = times[c][bare];
                var l = times[c][loaded];
                var cb = cpu[c][bare];
                var cl = cpu[c][loaded];
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{string.Join(' ', commands[c])} -p | {runs} runs each | no plugins: median {Median(b):F1} ms, mean {b.Average():F1} ms | " +
                    $"{plugins} plugins ({skills} skills, {agents} agents): median {Median(l):F1} ms, mean {l.Average():F1} ms | " +
                    $"added: median {Median(l) - Median(b):F1} ms, mean {l.Average() - b.Average():F1} ms | " +
                    $"CPU (user+system): no plugins median {Median(cb):F1} ms, mean {cb.Average():F1} ms | {plugins} plugins median {Median(cl):F1} ms, mean {cl.Average():F1} ms | " +
                    $"CPU added: median {Median(cl) - Median(cb):F1} ms, mean {cl.Average() - cb.Average():F1} ms | stderr empty"));
            }
            return 0;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>
    /// The CPU time (user + system) of this process's waited-for children so far, in milliseconds with microsecond
    /// precision: <c>getrusage(RUSAGE_CHILDREN)</c> (the <c>cutime</c>/<c>cstime</c> of <c>/proc/self/stat</c> that this
    /// driver used before are whole clock ticks of 10 ms, too coarse for one run's median). Linux x64 layout of
    /// <c>struct rusage</c>: two <c>timeval</c>s (seconds, microseconds) followed by 14 longs.
    /// </summary>
    private static double ChildrenCpuMilliseconds()
    {
        var usage = new long[18];
        if (GetRUsage(-1 /* RUSAGE_CHILDREN */, usage) != 0)
        {
            throw new InvalidOperationException($"getrusage failed: errno {Marshal.GetLastPInvokeError()}");
        }
        return (usage[0] + usage[2]) * 1000.0 + (usage[1] + usage[3]) / 1000.0;
    }

    [DllImport("libc", EntryPoint = "getrusage", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int GetRUsage(int who, [Out] long[] usage);

    private static async Task<(double Ms, string? Error)> RunOnceAsync(string[] command, string home, string repo, FakeModelServer server)
    {
        var psi = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = repo,
        };
        foreach (var part in command[1..].Concat(["-p", "hello", "--provider", "anthropic", "--model", "sonnet", "--output-format", "text"]))
        {
            psi.ArgumentList.Add(part);
        }
        foreach (var (key, value) in server.EnvironmentVariables)
        {
            psi.Environment[key] = value;
        }
        psi.Environment["HOME"] = home;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        var ms = clock.Elapsed.TotalMilliseconds;
        var err = await stderr.ConfigureAwait(false);
        var output = await stdout.ConfigureAwait(false);
        return process.ExitCode != 0 || err.Length > 0 || !output.Contains("Done.", StringComparison.Ordinal)
            ? (ms, $"forge exited {process.ExitCode}\nstderr: {err}\nstdout: {output}")
            : (ms, null);
    }
}
