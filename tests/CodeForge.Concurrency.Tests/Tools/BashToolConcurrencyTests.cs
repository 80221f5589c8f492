using System.Text.Json;
using CodeForge.Concurrency.Tests.Infrastructure;
using CodeForge.Core.Agent;
using CodeForge.Core.Shells;
using CodeForge.Core.Tools;
using CodeForge.Core.Tools.BuiltIn;

namespace CodeForge.Concurrency.Tests.Tools;

[Collection(NonParallel.Name)]
public sealed class BashToolConcurrencyTests
{
    [Fact]
    public async Task ParallelBashCalls_ThroughTheScheduler_RunOneAtATimeInCallOrder()
    {
        var root = Directory.CreateTempSubdirectory("forge-bash-conc-").FullName;
        await using var shells = new ShellManager();
        var bash = (BashTool)BuiltInTools.CreateShellTools(shells, BashToolOptions.Default with { OutputDirectory = Path.Combine(root, ".out") })[0];
        var context = new ToolContext(root);
        var calls = Enumerable.Range(0, 10).Select(i => JsonElement.Parse(
            $$"""{"command": "mkdir lock 2>/dev/null || echo OVERLAP >> overlaps; echo {{i}} >> order; sleep 0.02; rmdir lock"}""")).ToList();

        var results = await Stress.WithinWatchdog(ToolCallScheduler.RunAsync(calls, c => bash.DescribeAccess(c, context),
            c => bash.ExecuteAsync(c, context, TestContext.Current.CancellationToken)));

        Assert.All(results, r => Assert.True(r.Success, r.Error));
        Assert.False(File.Exists(Path.Combine(root, "overlaps")), "two Bash calls overlapped");
        Assert.Equal(Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            (await File.ReadAllLinesAsync(Path.Combine(root, "order"), TestContext.Current.CancellationToken)));
        Directory.Delete(root, recursive: true);
    }
}
