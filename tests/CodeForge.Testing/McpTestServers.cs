using System.Globalization;

namespace CodeForge.Testing;

/// <summary>
/// The real MCP servers from npm that the tests run (<c>tests/mcp-servers</c>, installed with
/// <c>npm ci --prefix tests/mcp-servers</c>), and helpers to find their processes.
/// </summary>
public static class McpTestServers
{
    /// <summary>The command that installs the servers, from the repository root.</summary>
    public const string InstallCommand = "npm ci --prefix tests/mcp-servers";

    /// <summary>The repository root (the folder holding <c>CodeForge.slnx</c>).</summary>
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
            throw new InvalidOperationException($"CodeForge.slnx was not found above {AppContext.BaseDirectory}.");
        }
    }

    /// <summary>The entry script of <c>@modelcontextprotocol/server-everything</c> (run it with <c>node</c>).</summary>
    public static string Everything => Require("@modelcontextprotocol/server-everything/dist/index.js");

    /// <summary>The entry script of <c>@modelcontextprotocol/server-filesystem</c>.</summary>
    public static string Filesystem => Require("@modelcontextprotocol/server-filesystem/dist/index.js");

    private static readonly Lazy<string?> Installed = new(InstallOnce, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// Runs <see cref="InstallCommand"/> once per test process when the servers are missing (so a plain <c>dotnet test</c>
    /// works on a machine with Node.js); returns why it could not, or null.
    /// </summary>
    private static string? InstallOnce()
    {
        if (Directory.Exists(Path.Combine(RepositoryRoot, "tests", "mcp-servers", "node_modules", "@modelcontextprotocol")))
        {
            return null;
        }
        try
        {
            var psi = new System.Diagnostics.ProcessStartInfo("npm", ["ci", "--prefix", Path.Combine(RepositoryRoot, "tests", "mcp-servers"), "--no-audit", "--no-fund", "--silent"])
            {
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using var npm = System.Diagnostics.Process.Start(psi)!;
            var errors = npm.StandardError.ReadToEnd();
            npm.WaitForExit();
            return npm.ExitCode == 0 ? null : $"npm ci exited {npm.ExitCode}: {errors}";
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return "npm is not installed: " + ex.Message;
        }
    }

    private static string Require(string relative)
    {
        var path = Path.Combine(RepositoryRoot, "tests", "mcp-servers", "node_modules", relative);
        var installProblem = File.Exists(path) ? null : Installed.Value;
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"The MCP test server {relative} is not installed at {path}. Run `{InstallCommand}` from the repository root (needs node and npm). {installProblem}");
        }
        return path;
    }

    /// <summary>The ids of live processes whose command line contains <paramref name="marker"/> (Linux /proc).</summary>
    public static IReadOnlyList<int> ProcessesWith(string marker)
    {
        var result = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var state = stat[(stat.LastIndexOf(')') + 2)..][0];
                if (state != 'Z' && cmdline.Contains(marker, StringComparison.Ordinal))
                {
                    result.Add(pid);
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return result;
    }
}
