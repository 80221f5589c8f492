using System.Diagnostics;

namespace CodeForge.Cli.Tests;

/// <summary>
/// <c>forge</c> ships as a Native AOT binary: this publishes it for real and fails on any trim or AOT warning, so the
/// publish stays clean from the first line rather than as a clean-up later.
/// </summary>
public sealed class NativeAotPublishTests
{
    [Fact]
    public async Task Publish_WithNativeAot_ProducesAWarningFreeBinaryThatRuns()
    {
        var repo = FindRepositoryRoot();
        var output = Directory.CreateTempSubdirectory("forge-aot-");
        try
        {
            var compiler = FindNativeCompiler();
            var publish = await RunAsync("dotnet",
                ["publish", Path.Combine(repo, "src", "CodeForge.Cli"), "-c", "Release", "-r", "linux-x64",
                 "-p:PublishAot=true", $"-p:CppCompilerAndLinker={compiler}", "-p:TreatWarningsAsErrors=true",
                 "-p:IlcTreatWarningsAsErrors=true", "-o", output.FullName],
                repo, TimeSpan.FromMinutes(8));

            Assert.True(publish.ExitCode == 0, $"AOT publish failed:\n{publish.StdOut}\n{publish.StdErr}");
            Assert.DoesNotContain("warning IL", publish.StdOut, StringComparison.Ordinal);
            var binary = Path.Combine(output.FullName, "forge");
            var run = await RunAsync(binary, ["--version"], repo, TimeSpan.FromSeconds(30));
            Assert.Equal(0, run.ExitCode);
            Assert.StartsWith("0.1.0", run.StdOut.Trim(), StringComparison.Ordinal);
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    private static string FindNativeCompiler()
    {
        foreach (var candidate in new[] { "clang", "clang-14", "clang-15", "clang-16", "gcc" })
        {
            var path = Environment.GetEnvironmentVariable("PATH")!.Split(':')
                .Select(dir => Path.Combine(dir, candidate)).FirstOrDefault(File.Exists);
            if (path is not null)
            {
                return candidate;
            }
        }
        Assert.Fail("Native AOT needs clang (apt-get install clang zlib1g-dev); .ci/run installs it.");
        return "";
    }

    private static string FindRepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CodeForge.slnx")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("CodeForge.slnx not found above the test binaries.");
    }

    private static async Task<ForgeProcess.Result> RunAsync(string file, string[] args, string cwd, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = cwd,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var process = Process.Start(psi)!;
        using var cts = new CancellationTokenSource(timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = process.StandardError.ReadToEndAsync(cts.Token);
        await process.WaitForExitAsync(cts.Token);
        return new ForgeProcess.Result(process.ExitCode, await stdout, await stderr);
    }
}
