using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CodeForge.Testing;

namespace CodeForge.Benchmarks.Agent;

/// <summary>
/// <c>dotnet run -c Release -- session-memory [--turns 50] [--provider anthropic|openai] -- &lt;forge command…&gt;</c>:
/// starts the fake model server, scripts a session of N model turns (N-1 tool calls alternating Read and Glob over a
/// small repository, then a final answer), runs the given <c>forge</c> command under <c>/usr/bin/time -v</c> with
/// <c>-p</c>, and prints the wall time and peak resident memory (max RSS). Fails if forge fails or the server did not
/// see exactly N requests.
/// </summary>
internal static class SessionMemoryDriver
{
    public static async Task<int> RunAsync(string[] args)
    {
        var turns = 50;
        var provider = "anthropic";
        var separator = Array.IndexOf(args, "--");
        if (separator < 0 || separator == args.Length - 1)
        {
            await Console.Error.WriteLineAsync("usage: session-memory [--turns N] [--provider anthropic|openai] -- <forge command...>").ConfigureAwait(false);
            return 2;
        }
        for (var i = 0; i < separator; i++)
        {
            switch (args[i])
            {
                case "--turns":
                    turns = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--provider":
                    provider = args[++i];
                    break;
                default:
                    await Console.Error.WriteLineAsync($"session-memory: unknown option '{args[i]}'").ConfigureAwait(false);
                    return 2;
            }
        }
        var command = args[(separator + 1)..];

        var work = Directory.CreateTempSubdirectory("forge-memory-");
        try
        {
            var home = Directory.CreateDirectory(Path.Combine(work.FullName, "home")).FullName;
            var repo = Directory.CreateDirectory(Path.Combine(work.FullName, "repo")).FullName;
            Directory.CreateDirectory(Path.Combine(repo, ".git"));
            for (var f = 0; f < 20; f++)
            {
                await File.WriteAllTextAsync(Path.Combine(repo, $"file{f}.txt"), string.Concat(Enumerable.Repeat($"line of file {f}\n", 50))).ConfigureAwait(false);
            }
            await using var server = await FakeModelServer.StartAsync().ConfigureAwait(false);
            for (var t = 1; t < turns; t++)
            {
                var call = t % 2 == 1
                    ? new ScriptedToolCall("Read", JsonSerializer.Serialize(new Dictionary<string, string> { ["file_path"] = Path.Combine(repo, $"file{t % 20}.txt") }), $"toolu_{t}")
                    : new ScriptedToolCall("Glob", """{"pattern":"*.txt"}""", $"toolu_{t}");
                server.Enqueue(ScriptedTurn.CallTools(call) with { Text = $"Step {t}: looking.", Usage = new ScriptedUsage(1_000 + 300 * t, 40) });
            }
            server.Enqueue(ScriptedTurn.Reply("All done."));

            var psi = new ProcessStartInfo("/usr/bin/time")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = repo,
            };
            psi.ArgumentList.Add("-v");
            foreach (var part in command)
            {
                psi.ArgumentList.Add(part);
            }
            foreach (var part in new[] { "-p", "walk the repository", "--provider", provider, "--model", provider == "anthropic" ? "sonnet" : "gpt-4o",
                                         "--output-format", "json", "--max-turns", (turns + 5).ToString(CultureInfo.InvariantCulture) })
            {
                psi.ArgumentList.Add(part);
            }
            foreach (var (key, value) in server.EnvironmentVariables)
            {
                psi.Environment[key] = value;
            }
            psi.Environment["HOME"] = home;
            using var process = Process.Start(psi)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().ConfigureAwait(false);
            var err = await stderr.ConfigureAwait(false);
            var output = await stdout.ConfigureAwait(false);
            if (process.ExitCode != 0 || server.Requests.Count != turns)
            {
                await Console.Error.WriteLineAsync($"session-memory: forge exited {process.ExitCode} after {server.Requests.Count}/{turns} requests\n{err}\n{output}").ConfigureAwait(false);
                return 1;
            }
            string Field(string name) => err.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal))?.Split(": ", 2)[1] ?? "?";
            var rssKb = long.Parse(Field("Maximum resident set size (kbytes)"), CultureInfo.InvariantCulture);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{string.Join(' ', command)} | provider {provider} | {turns} turns | wall {Field("Elapsed (wall clock) time (h:mm:ss or m:ss)")} | max RSS {rssKb / 1024.0:F1} MiB"));
            return 0;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }
}
