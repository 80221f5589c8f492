using System.Globalization;
using CodeForge.Core.Config;
using CodeForge.Coyote.Tests.Infrastructure;
using Microsoft.Coyote.Specifications;

namespace CodeForge.Coyote.Tests.Config;

/// <summary>
/// Systematic scheduling of the <see cref="LiveSettings"/> pump and its MCP worker (the real class, started with
/// <see cref="LiveSettings.StartApplying"/>: no file watcher) over a real project settings file: a writer rewrites the file
/// twice and reloads the store each time, while two deciders each make three tool-call decisions through the
/// <see cref="SettingsGate"/>. The fast applier records the version it applies inside the gate; the slow applier (the MCP
/// set) yields as a server start would, then publishes the set it was asked for in one
/// <see cref="LiveSettings.ChangeUnderGateAsync"/> (two fields that must move together). In every schedule each decision
/// sees one whole settings version (the applied one equals its lease's, before and after a yield) and one whole MCP set,
/// the versions and MCP sets a decider sees never go back, and at rest (pump and worker drained by
/// <see cref="LiveSettings.DisposeAsync"/>) the MCP set is the one the last settings version asks for. Across the schedules
/// a decision must have run on a settings version whose MCP set was not applied yet (the pump does not wait for the
/// worker). The real class whose worker drops a version posted while it applied an older one (the
/// <see cref="LiveSettings.DropsVersionsPostedDuringSlowApplyForTests"/> seam) must be caught.
/// </summary>
public sealed class LiveSettingsCoyoteTests
{
    private static int _settingsAheadOfMcp;

    private static void Write(string file, int generation) =>
        File.WriteAllText(file, $$"""{"model": "m{{generation}}"}""");

    private static int GenerationOf(SettingsSnapshot snapshot) =>
        int.Parse(snapshot.Settings.Model!.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture);

    private static async Task Scenario(bool dropsPostedVersions)
    {
        var directory = Directory.CreateTempSubdirectory("forge-coyote-live-");
        try
        {
            var project = Path.Combine(directory.FullName, "project");
            var file = Path.Combine(project, ".forge", "settings.json");
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            Write(file, 0);
            var locations = new SettingsLocations(Path.Combine(directory.FullName, "home"), project, Path.Combine(directory.FullName, "managed.json"));
            using var store = new SettingsStore(locations);

            // What decisions read: the settings version applied (fast applier, inside the pump's gate change) and the MCP
            // set (slow applier, in its own gate change): two fields that a half-applied publication would tear.
            long settingsVersion = store.Current.Version;
            int mcpFirst = 0, mcpSecond = 0;
            long mcpVersion = store.Current.Version;
            LiveSettings? live = null;
            live = new LiveSettings(store, [(_, next, change) =>
            {
                Volatile.Write(ref settingsVersion, next.Version);
                change.Changed("model");
            }], async (next, _) =>
            {
                var desired = GenerationOf(next);
                await Task.Yield(); // the new server starting
                await live!.ChangeUnderGateAsync(() =>
                {
                    Volatile.Write(ref mcpFirst, desired);
                    Volatile.Write(ref mcpSecond, desired);
                    Volatile.Write(ref mcpVersion, next.Version);
                });
                return new SettingsChange(next.Version, ["mcp"], []);
            })
            { DropsVersionsPostedDuringSlowApplyForTests = dropsPostedVersions };
            live.StartApplying();

            async Task Decide()
            {
                long lastVersion = 0;
                var lastMcp = 0;
                for (var i = 0; i < 3; i++)
                {
                    using var lease = await live.Gate.EnterAsync(CancellationToken.None).AsTask();
                    var (version, first) = (Volatile.Read(ref settingsVersion), Volatile.Read(ref mcpFirst));
                    Specification.Assert(version == lease.Version && live.Applied.Version == lease.Version,
                        $"a decision on version {lease.Version} saw settings version {version} applied ({live.Applied.Version} published)");
                    Specification.Assert(first == Volatile.Read(ref mcpSecond), $"a decision saw a half-published MCP set ({first}/{Volatile.Read(ref mcpSecond)})");
                    Specification.Assert(lease.Version >= lastVersion && first >= lastMcp,
                        $"a decider saw version {lastVersion} (MCP set {lastMcp}) then version {lease.Version} (MCP set {first})");
                    if (lease.Version > Volatile.Read(ref mcpVersion))
                    {
                        Interlocked.Increment(ref _settingsAheadOfMcp);
                    }
                    await Task.Yield();
                    Specification.Assert(Volatile.Read(ref settingsVersion) == lease.Version && Volatile.Read(ref mcpFirst) == first && Volatile.Read(ref mcpSecond) == first,
                        $"the settings or the MCP set changed under a decision on version {lease.Version}");
                    (lastVersion, lastMcp) = (lease.Version, first);
                }
            }

            var writer = Task.Run(async () =>
            {
                for (var generation = 1; generation <= 2; generation++)
                {
                    Write(file, generation);
                    store.Reload();
                    await Task.Yield();
                }
            });
            // The array overload: Coyote 1.7.11 intercepts Task.WhenAll(Task[]), not .NET 10's params ReadOnlySpan one.
            await Task.WhenAll(new[] { writer, Task.Run(Decide), Task.Run(Decide) });
            await live.DisposeAsync();

            Specification.Assert(live.Applied.Version == store.Current.Version, $"the pump ended on version {live.Applied.Version}, not {store.Current.Version}");
            Specification.Assert(mcpFirst == 2 && mcpSecond == 2 && live.SlowAppliedVersion == store.Current.Version,
                $"the MCP set ended as generation {mcpFirst}/{mcpSecond} (version {live.SlowAppliedVersion}), not the last desired generation 2 (version {store.Current.Version})");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void SettingsChangesRacingDecisionsAndMcpApplies_EachDecisionSeesOneWholeVersionAndTheMcpSetEndsOnTheLast()
    {
        Volatile.Write(ref _settingsAheadOfMcp, 0);

        CoyoteRunner.AssertNoBug(() => Scenario(dropsPostedVersions: false), CoyoteStrategy.Random);

        Assert.True(Volatile.Read(ref _settingsAheadOfMcp) > 0, "no decision ever ran on a settings version whose MCP set was still being applied");
    }

    [Fact]
    public void SettingsChangesRacingMcpApplies_WhenTheWorkerDropsAVersionPostedMeanwhile_AreCaught()
    {
        var bug = CoyoteRunner.AssertFindsBug(() => Scenario(dropsPostedVersions: true), CoyoteStrategy.Random);

        Assert.Matches("the MCP set ended as generation", bug);
    }
}
