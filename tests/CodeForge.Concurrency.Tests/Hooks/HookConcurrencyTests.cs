using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text.Json;
using CodeForge.Concurrency.Tests.Infrastructure;
using CodeForge.Core.Hooks;

namespace CodeForge.Concurrency.Tests.Hooks;

/// <summary>
/// The seed's fifth future area, concurrent hook execution: many events fire from parallel tool calls while hook sources
/// are added, replaced and removed. Every event must run from one whole snapshot (each plugin source all or nothing, one
/// generation), run no handler twice, and every run must be accounted for exactly.
/// </summary>
[Collection(NonParallel.Name)]
public sealed class HookConcurrencyTests
{
    private const int PluginHooks = 3;
    private static readonly HookSessionInfo Session = new("s", null, "/repo");
    private static readonly JsonElement Input = JsonDocument.Parse("""{"file_path": "/repo/x"}""").RootElement;

    private static ImmutableArray<HookDefinition> PluginGeneration(int plugin, int generation) =>
        [.. Enumerable.Range(0, PluginHooks).Select(i => new HookDefinition(HookEvent.PreToolUse, HookMatcher.Parse("Write|Edit"), $"p{plugin}:g{generation}:h{i}", $"plugin {plugin}"))];

    private static ImmutableArray<HookDefinition> SettingsHooks() =>
    [
        new(HookEvent.PreToolUse, HookMatcher.All, "settings:audit", "settings"),
        new(HookEvent.PreToolUse, HookMatcher.Parse("Write"), "settings:guard", "settings"),
        new(HookEvent.PreToolUse, HookMatcher.Parse("Write"), "settings:guard", "settings (again, another layer)"),
        new(HookEvent.PostToolUse, HookMatcher.All, "settings:post", "settings"),
    ];

    /// <summary>Checks one event's hooks: settings always, each plugin whole (one generation, all its hooks) or absent, no duplicates.</summary>
    private static void AssertWhole(List<string> commands, string eventId)
    {
        Assert.True(commands.Count == commands.Distinct().Count(), $"{eventId} ran a hook twice: {string.Join(", ", commands)}");
        Assert.Contains("settings:audit", commands);
        Assert.Contains("settings:guard", commands);
        Assert.DoesNotContain("settings:post", commands);
        foreach (var plugin in commands.Where(c => c.StartsWith('p')).GroupBy(c => c.Split(':')[0]))
        {
            var generations = plugin.Select(c => c.Split(':')[1]).Distinct().ToList();
            Assert.True(generations.Count == 1 && plugin.Count() == PluginHooks,
                $"{eventId} saw a torn source {plugin.Key}: {string.Join(", ", plugin)}");
        }
    }

    [Fact]
    public async Task ManyEventsFromParallelToolCalls_WhileSourcesChange_EachSeeOneWholeSnapshotAndRunEachHookOnce()
    {
        const int events = 4000;
        var runs = new ConcurrentDictionary<(string EventId, string Command), int>();
        var fake = new CountingRunner(runs);
        var registry = new HookRegistry();
        registry.SetSource("settings", SettingsHooks());
        var runner = new HookRunner(registry, fake, new HookRunnerOptions { ProjectDirectory = "/repo" });
        var results = new ConcurrentBag<(string EventId, HookEventResult Result)>();
        using var stop = new CancellationTokenSource();
        var changes = 0;
        var eventsStarted = 0;
        // The second half of the events waits until the sources changed a number of times after the first event fired,
        // so events and changes provably overlap (decided on this event, not on how the scheduler happened to run).
        const int changesBeforeSecondHalf = 30;
        var changedDuringEvents = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var changesDuringEvents = 0;
        // Plugin 0's first SetSource: the second half also waits for it (the other mutators alone can make the 30 changes
        // before plugin 0's thread first runs, and then the second half need not see any plugin).
        var pluginZeroSet = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var mutators = Enumerable.Range(0, 3).Select(plugin => Task.Run(() =>
        {
            var random = new Random(plugin);
            var generation = 0;
            while (!stop.IsCancellationRequested)
            {
                // Plugin 0 is only ever replaced, never removed: once it has been set, every later event must see it.
                if (plugin != 0 && random.Next(3) == 0)
                {
                    registry.RemoveSource($"plugin:{plugin}");
                }
                else
                {
                    registry.SetSource($"plugin:{plugin}", PluginGeneration(plugin, generation++));
                    if (plugin == 0)
                    {
                        pluginZeroSet.TrySetResult();
                    }
                }
                Interlocked.Increment(ref changes);
                if (Volatile.Read(ref eventsStarted) != 0 && Interlocked.Increment(ref changesDuringEvents) == changesBeforeSecondHalf)
                {
                    changedDuringEvents.TrySetResult();
                }
                Thread.Yield();
            }
        })).ToArray();

        await Stress.GatherAsync(events, async i =>
        {
            Volatile.Write(ref eventsStarted, 1);
            if (i >= events / 2)
            {
                await Task.WhenAll(changedDuringEvents.Task, pluginZeroSet.Task);
            }
            var id = $"call_{i}";
            var r = await runner.RunAsync(HookInvocation.ForTool(HookEvent.PreToolUse, Session, i % 2 == 0 ? "Write" : "Edit", Input) with { ToolUseId = id });
            results.Add((id, r));
        });
        await stop.CancelAsync();
        await Task.WhenAll(mutators);

        Assert.Equal(events, results.Count);
        Assert.True(Volatile.Read(ref changesDuringEvents) >= changesBeforeSecondHalf, "the sources did not change while events fired");
        var sawPlugins = 0;
        foreach (var (id, r) in results)
        {
            var commands = r.Executions.Select(e => e.Definition.Command).ToList();
            var isWrite = int.Parse(id[5..], System.Globalization.CultureInfo.InvariantCulture) % 2 == 0;
            if (isWrite)
            {
                AssertWhole(commands, id);
            }
            else
            {
                Assert.DoesNotContain("settings:guard", commands);
                AssertWhole([.. commands, "settings:guard"], id);
            }
            sawPlugins += commands.Any(c => c.StartsWith('p')) ? 1 : 0;
            // Exactly what the result lists ran, once each; nothing else ran for this event.
            Assert.All(commands, c => Assert.Equal(1, runs.GetValueOrDefault((id, c))));
        }
        // Every event of the second half fired after plugin 0 was set, and plugin 0 is never removed.
        Assert.True(sawPlugins >= events / 2, $"only {sawPlugins} events saw a plugin source");
        Assert.Equal(results.Sum(r => r.Result.Executions.Length), runs.Count);
        Assert.All(runs.Values, count => Assert.Equal(1, count));
        Assert.Equal(runs.Count, fake.Total);
    }

    [Fact]
    public async Task RealHookScripts_FiredFromParallelCallsWhileAPluginComesAndGoes_RunOncePerEventAndWhole()
    {
        var dir = Directory.CreateTempSubdirectory("forge-hookconc-");
        try
        {
            var log = Path.Combine(dir.FullName, "log");
            // Each hook appends "<event id> <hook name>" (one short O_APPEND write: lines never interleave).
            string Script(string name) => $"id=$(grep -o 'call_[0-9]*' | head -n 1); echo \"$id {name}\" >> '{log}'";
            var registry = new HookRegistry();
            registry.SetSource("settings", [new HookDefinition(HookEvent.PostToolUse, HookMatcher.All, Script("settings"), "settings"),
                new HookDefinition(HookEvent.PostToolUse, HookMatcher.All, Script("settings"), "settings, another layer")]);
            var runner = new HookRunner(registry, BashHookProcessRunner.Instance, new HookRunnerOptions { ProjectDirectory = dir.FullName });
            var plugin = Enumerable.Range(0, 2).Select(i => new HookDefinition(HookEvent.PostToolUse, HookMatcher.All, Script($"plugin-{i}"), "plugin")).ToImmutableArray();
            var expected = new ConcurrentDictionary<string, string[]>();
            const int events = 24;

            var firing = Stress.GatherAsync(events, async i =>
            {
                var r = await runner.RunAsync(HookInvocation.ForTool(HookEvent.PostToolUse, Session, "Write", Input) with { ToolUseId = $"call_{i}" });
                Assert.All(r.Executions, e => Assert.Null(e.Problem));
                expected[$"call_{i}"] = [.. r.Executions.Select(e => e.Definition.Command.Split(' ')[^3].Trim('"'))];
            });
            do
            {
                registry.SetSource("plugin:p", plugin);
                await Task.Yield();
                registry.RemoveSource("plugin:p");
                await Task.Delay(1, TestContext.Current.CancellationToken); // workload pacing, not synchronisation
            }
            while (!firing.IsCompleted);
            await firing;

            var lines = await File.ReadAllLinesAsync(log, TestContext.Current.CancellationToken);
            var seen = lines.Select(l => l.Split(' ')).GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.Select(p => p[1]).Order(StringComparer.Ordinal).ToArray());
            Assert.Equal(events, seen.Count);
            foreach (var (id, names) in seen)
            {
                Assert.Equal(names.Distinct().Count(), names.Length); // identical "settings" handlers ran once
                Assert.Contains("settings", names);
                var plugins = names.Count(n => n.StartsWith("plugin-", StringComparison.Ordinal));
                Assert.True(plugins is 0 or 2, $"{id} ran half of the plugin: {string.Join(", ", names)}");
                Assert.Equal(expected[id].Length, names.Length);
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>Records each (event id, command) run; answers at once, yielding so that runs interleave.</summary>
    private sealed class CountingRunner(ConcurrentDictionary<(string, string), int> runs) : IHookProcessRunner
    {
        private int _total;

        public int Total => Volatile.Read(ref _total);

        public async Task<HookProcessResult> RunAsync(HookProcessRequest request, CancellationToken cancellationToken)
        {
            var id = JsonDocument.Parse(request.Stdin).RootElement.GetProperty("tool_use_id").GetString()!;
            runs.AddOrUpdate((id, request.Command), 1, (_, n) => n + 1);
            Interlocked.Increment(ref _total);
            await Task.Yield();
            return new HookProcessResult(0, "", "");
        }
    }
}
