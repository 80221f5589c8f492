using BenchmarkDotNet.Running;

namespace CodeForge.Benchmarks;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "grep-bench")
        {
            return await Tools.GrepBench.RunAsync(args[1..]).ConfigureAwait(false);
        }
        if (args.Length > 0 && args[0] == "session-memory")
        {
            return await Agent.SessionMemoryDriver.RunAsync(args[1..]).ConfigureAwait(false);
        }
        if (args.Length > 0 && args[0] == "plugin-startup")
        {
            return await Plugins.PluginStartupDriver.RunAsync(args[1..]).ConfigureAwait(false);
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
