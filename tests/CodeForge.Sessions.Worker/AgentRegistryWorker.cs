using System.Globalization;
using CodeForge.Core.Background;

namespace CodeForge.Sessions.Worker;

/// <summary>
/// <c>agent-update --dir DIR --id ID --count N</c>: prints "ready", waits for "go" on stdin, then adds 1 to the agent
/// record's cost N times through <see cref="AgentRegistry.Update"/> (read-modify-write under the record's lock) and
/// prints "done". Several of these at once test that no update is lost between processes.
/// </summary>
internal static class AgentRegistryWorker
{
    public static async Task<int> RunAsync(string[] args)
    {
        string? dir = null, id = null;
        var count = 10;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--dir": dir = args[++i]; break;
                case "--id": id = args[++i]; break;
                case "--count": count = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default: await Console.Error.WriteLineAsync($"unknown argument {args[i]}"); return 2;
            }
        }
        var registry = new AgentRegistry(dir!);
        Console.WriteLine("ready");
        if (await Console.In.ReadLineAsync() != "go")
        {
            return 2;
        }
        for (var n = 0; n < count; n++)
        {
            registry.Update(id!, r => r with { CostUsd = (r.CostUsd ?? 0) + 1 });
        }
        Console.WriteLine("done");
        return 0;
    }
}
