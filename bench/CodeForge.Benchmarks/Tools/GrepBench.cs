using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CodeForge.Core.Tools;
using CodeForge.Core.Tools.BuiltIn;

namespace CodeForge.Benchmarks.Tools;

/// <summary>
/// <c>grep-bench</c>: runs the Grep tool once over a directory with one engine and prints a one-line summary, so
/// <c>bench/grep-bench.sh</c> can time ripgrep against the managed search with hyperfine.
/// Usage: <c>grep-bench --engine ripgrep|managed --path DIR --pattern REGEX [--mode files_with_matches|content|count]</c>.
/// </summary>
internal static class GrepBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        string? Option(string name)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }
        if (args.Contains("--walk-only"))
        {
            // Diagnostics: how long the ripgrep-style walk alone takes.
            var walkClock = Stopwatch.StartNew();
            var count = FileWalker.Enumerate(Option("--path") ?? "/usr/share", new WalkOptions(), CancellationToken.None).Count();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"walk files={count} elapsed_ms={walkClock.Elapsed.TotalMilliseconds:0}"));
            return 0;
        }
        var engine = Option("--engine") ?? "managed";
        var path = Option("--path") ?? "/usr/share";
        var pattern = Option("--pattern") ?? "Copyright";
        var mode = Option("--mode") ?? "files_with_matches";
        var options = new FileToolOptions
        {
            GrepEngine = engine switch
            {
                "ripgrep" or "rg" => GrepEngineKind.Ripgrep,
                "managed" => GrepEngineKind.Managed,
                _ => throw new ArgumentException($"Unknown engine '{engine}': use ripgrep or managed."),
            },
        };
        var tool = new GrepTool(options);
        var context = new ToolContext(path) { Timeout = Timeout.InfiniteTimeSpan, MaxOutputSize = int.MaxValue };
        var arguments = JsonElement.Parse(new JsonObject
        {
            ["pattern"] = pattern,
            ["path"] = path,
            ["output_mode"] = mode,
            ["head_limit"] = 0,
        }.ToJsonString());
        var clock = Stopwatch.StartNew();
        var result = await tool.ExecuteAsync(arguments, context, CancellationToken.None).ConfigureAwait(false);
        clock.Stop();
        if (!result.Success)
        {
            await Console.Error.WriteLineAsync(result.Error).ConfigureAwait(false);
            return 1;
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"engine={result.Metadata["engine"]} files={result.Metadata["files"]} matching_lines={result.Metadata.GetValueOrDefault("matching_lines") ?? "-"} "
            + $"output_chars={result.Output.Length} elapsed_ms={clock.Elapsed.TotalMilliseconds:0}"));
        return 0;
    }
}
