using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text.Json;
using CodeForge.Core.Hooks;
using CodeForge.Coyote.Tests.Infrastructure;
using Microsoft.Coyote.Specifications;

namespace CodeForge.Coyote.Tests.Hooks;

/// <summary>
/// Systematic scheduling of <see cref="HookRunner"/>: three PreToolUse events fire in parallel (each hook of an event runs
/// in parallel too) while one writer changes the <see cref="HookRegistry"/>'s sources four times. The hook processes are an
/// in-process <see cref="IHookProcessRunner"/> that yields while a hook "runs" (the seam the runner already takes; real
/// processes are asynchronous I/O that strict mode rejects). The expected hook set of every registry version is written
/// by hand from the writer's sequence (independent of the code under test). In every schedule each event ran exactly the
/// hooks of the version its result names, each once, and started a process for each of them and for nothing else. The
/// real runner reading the registry a second time for the version it reports (the
/// <see cref="HookRunner.SnapshotReadTwiceForTests"/> seam) must be caught.
/// </summary>
public sealed class HookRunnerCoyoteTests
{
    private static HookDefinition Hook(string command, string origin) => new(HookEvent.PreToolUse, HookMatcher.Parse(null), command, origin);

    /// <summary>The model: the commands of each registry version, from the writer's sequence below.</summary>
    private static readonly ImmutableArray<ImmutableHashSet<string>> Expected =
    [
        [],
        ["a"],
        ["a", "b"],
        ["a", "b", "c"],
        ["c"],
    ];

    private sealed class YieldingProcesses : IHookProcessRunner
    {
        public ConcurrentQueue<HookProcessRequest> Requests { get; } = new();

        public async Task<HookProcessResult> RunAsync(HookProcessRequest request, CancellationToken cancellationToken)
        {
            Requests.Enqueue(request);
            await Task.Yield();
            return new HookProcessResult(0, "", "");
        }
    }

    private static async Task Scenario(bool snapshotReadTwice)
    {
        var registry = new HookRegistry();
        var processes = new YieldingProcesses();
        var runner = new HookRunner(registry, processes, new HookRunnerOptions { ProjectDirectory = "/repo", HomeDirectory = "/home/u" })
        {
            SnapshotReadTwiceForTests = snapshotReadTwice,
        };
        var session = new HookSessionInfo("s", null, "/repo");
        var invocations = Enumerable.Range(0, 3)
            .Select(i => HookInvocation.ForTool(HookEvent.PreToolUse, session, "Bash", JsonSerializer.SerializeToElement(new Dictionary<string, int> { ["event"] = i })))
            .ToArray();

        var writer = Task.Run(() =>
        {
            var versions = new[]
            {
                registry.SetSource("settings", [Hook("a", "settings")]).Version,
                registry.SetSource("settings", [Hook("a", "settings"), Hook("b", "settings")]).Version,
                registry.SetSource("plugin:p", [Hook("c", "plugin:p")]).Version,
            };
            // Compared one by one: a constant span ([1L, 2L, 3L]) reads an RVA field, which the Coyote rewriter can leave
            // misaligned ("The field is invalid for initializing array or span"), depending on the assembly's layout.
            Specification.Assert(versions is [1L, 2L, 3L], $"the writer published versions {string.Join(", ", versions)}");
            Specification.Assert(registry.RemoveSource("settings"), "the settings source was gone before its removal");
        });
        var events = invocations.Select(invocation => Task.Run(() => runner.RunAsync(invocation))).ToArray();
        await Task.WhenAll(events.Append(writer).ToArray());
        var results = await Task.WhenAll(events);

        for (var i = 0; i < results.Length; i++)
        {
            var result = results[i];
            Specification.Assert(result.SnapshotVersion is >= 0 and <= 4, $"event {i} names version {result.SnapshotVersion}");
            var ran = result.Executions.Select(e => e.Definition.Command).ToList();
            var expected = Expected[(int)result.SnapshotVersion];
            Specification.Assert(ran.Count == expected.Count && expected.SetEquals(ran),
                $"event {i} ran [{string.Join(", ", ran)}] but version {result.SnapshotVersion} has [{string.Join(", ", expected.Order(StringComparer.Ordinal))}]");
            var stdin = invocations[i].ToJson();
            var started = processes.Requests.Where(r => r.Stdin == stdin).Select(r => r.Command).Order(StringComparer.Ordinal).ToList();
            Specification.Assert(started.SequenceEqual(ran.Order(StringComparer.Ordinal)),
                $"event {i} started [{string.Join(", ", started)}] but reports [{string.Join(", ", ran)}]");
        }
        Specification.Assert(registry.Snapshot.Version == 4, $"version {registry.Snapshot.Version} at rest after 4 changes");
    }

    [Fact]
    public void ParallelEvents_WhileTheSourcesChange_EachRunTheHooksOfTheVersionTheyName() =>
        CoyoteRunner.AssertNoBug(() => Scenario(snapshotReadTwice: false), CoyoteStrategy.Random);

    [Fact]
    public void ParallelEvents_WhenTheRunnerReadsTheRegistryTwice_AreCaught()
    {
        var bug = CoyoteRunner.AssertFindsBug(() => Scenario(snapshotReadTwice: true), CoyoteStrategy.Random);

        Assert.Matches("ran \\[.*\\] but version", bug);
    }
}
