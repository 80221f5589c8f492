using System.CommandLine;
using System.Reflection;

namespace CodeForge.Cli;

/// <summary>The <c>forge</c> entry point.</summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        var root = BuildRootCommand();
        return root.Parse(args).Invoke();
    }

    internal static RootCommand BuildRootCommand()
    {
        var root = new RootCommand("CodeForge: an AI coding agent for the terminal.");
        root.SetAction(parse =>
        {
            parse.InvocationConfiguration.Output.WriteLine(
                "forge: the interactive session and headless mode are not built yet; see `forge --help`.");
            return 0;
        });
        return root;
    }

    internal static string InformationalVersion =>
        typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
}
