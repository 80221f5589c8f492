using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CodeForge.Core.Tools;
using CodeForge.Core.Tools.BuiltIn;

namespace CodeForge.Sessions.Worker;

/// <summary>
/// The file-edit modes of the worker, for the multi-process file tool tests (issue 16's experiment). They run the real
/// Read and Edit tools through a <see cref="ToolExecutor"/>, as forge runs a model's calls.
/// <list type="bullet">
/// <item><c>edit-line --file F --id K --rounds R</c>: each round Reads F, prints <c>read R</c>, waits for the line
/// <c>go R</c> on stdin (the test's barrier: every worker has read before any edits), then Edits its own line
/// <c>worker KK value NNNN</c> (the value it read) to the next value and prints <c>applied R NNNN</c>,
/// <c>refused R &lt;error&gt;</c> (the "changed on disk" refusal) or <c>failed R &lt;error&gt;</c> (anything else).
/// Prints <c>done</c> and exits 0.</item>
/// <item><c>hold-lock --file F</c>: takes F's edit lock (as an Edit does), leaves a temporary file beside F as a writer
/// killed mid-write would, prints <c>locked</c> and waits on stdin (to be killed).</item>
/// </list>
/// </summary>
internal static class FileEditWorker
{
    public static async Task<int> RunAsync(string mode, string[] args)
    {
        string? file = null;
        int id = 0, rounds = 1;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--file": file = args[++i]; break;
                case "--id": id = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--rounds": rounds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default:
                    await Console.Error.WriteLineAsync($"unknown argument {args[i]}");
                    return 2;
            }
        }
        if (file is null)
        {
            await Console.Error.WriteLineAsync("--file is required");
            return 2;
        }
        return mode switch
        {
            "edit-line" => await EditLineAsync(file, id, rounds),
            "hold-lock" => await HoldLockAsync(file),
            _ => 2,
        };
    }

    private static async Task<int> EditLineAsync(string file, int id, int rounds)
    {
        var tracker = new FileReadTracker();
        var registry = new ToolRegistry();
        registry.RegisterMany(BuiltInTools.CreateFileTools(tracker));
        var executor = new ToolExecutor(registry);
        var context = new ToolContext(Path.GetDirectoryName(file)!);
        var label = $"worker {id:D2} value ";
        for (var round = 1; round <= rounds; round++)
        {
            var read = await executor.ExecuteAsync("Read", Json(new JsonObject { ["file_path"] = file }), context, CancellationToken.None);
            if (!read.Success)
            {
                await SayAsync($"failed {round} read: {read.Error}");
                continue;
            }
            var at = read.Output.IndexOf(label, StringComparison.Ordinal);
            var seen = at < 0 ? null : read.Output.Substring(at, label.Length + 4);
            await SayAsync($"read {round}");
            if (await Console.In.ReadLineAsync() != $"go {round}")
            {
                await Console.Error.WriteLineAsync($"expected 'go {round}' on stdin");
                return 5;
            }
            if (seen is null)
            {
                await SayAsync($"failed {round} my line is not in the file");
                continue;
            }
            var value = int.Parse(seen.AsSpan(label.Length), CultureInfo.InvariantCulture);
            var next = (value + 1).ToString("D4", CultureInfo.InvariantCulture);
            var edit = await executor.ExecuteAsync("Edit", Json(new JsonObject
            {
                ["file_path"] = file,
                ["old_string"] = seen,
                ["new_string"] = label + next,
            }), context, CancellationToken.None);
            var error = (edit.Error ?? "").ReplaceLineEndings(" ");
            await SayAsync(edit.Success
                ? $"applied {round} {next}"
                : error.Contains("changed on disk since you last read it", StringComparison.Ordinal)
                    ? $"refused {round} {error}"
                    : $"failed {round} {error}");
        }
        await SayAsync("done");
        return 0;
    }

    private static async Task<int> HoldLockAsync(string file)
    {
        using var held = await FileMutationLock.EnterAsync(file, CancellationToken.None);
        var stray = Path.Join(Path.GetDirectoryName(file), $".{Path.GetFileName(file)}.{Environment.ProcessId}.{Guid.NewGuid():N}.forge-tmp");
        await File.WriteAllTextAsync(stray, "half written by a process that was killed");
        await SayAsync($"locked {stray}");
        await Console.In.ReadLineAsync();
        return 0;
    }

    private static JsonElement Json(JsonObject o) => JsonElement.Parse(o.ToJsonString());

    private static async Task SayAsync(string line)
    {
        await Console.Out.WriteLineAsync(line);
        await Console.Out.FlushAsync();
    }
}
