using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using CodeForge.Concurrency.Tests.Infrastructure;
using CodeForge.Core.Agent;
using CodeForge.Core.Config;
using CodeForge.Core.Hooks;
using CodeForge.Core.Permissions;

namespace CodeForge.Concurrency.Tests.Config;

/// <summary>
/// Settings edits racing tool-call decisions. Each file version carries the same number in a permission rule, a
/// PreToolUse hook and an env variable; a decision made through the one tool-call gate (holding the settings gate; the call asks, and the prompt probes) reads all three (with a yield in
/// between, where a change could slip in) and must find one version. Versions never go back for a decider, every
/// applied version is announced once, and after the edits stop the last version is in force.
/// </summary>
[Collection(NonParallel.Name)]
public sealed class LiveSettingsConcurrencyTests : IDisposable
{
    private const int Versions = 60;
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("forge-live-race-");

    private string Project => Path.Combine(_root.FullName, "project");

    private string Home => Path.Combine(_root.FullName, "home");

    private string SettingsPath => Path.Combine(Project, ".forge", "settings.json");

    public void Dispose() => _root.Delete(recursive: true);

    private void WriteVersion(int n)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(SettingsPath)!);
        var temp = $"{SettingsPath}.{n}.tmp";
        File.WriteAllText(temp, $$$"""
            {"env": {"N": "{{{n}}}"},
             "permissions": {"allow": ["Bash(npm run v{{{n}}})"]},
             "hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "echo {{{n}}}"}]}]}}
            """);
        File.Move(temp, SettingsPath, overwrite: true);
    }

    /// <summary>
    /// The prompt of the gate (the call asks): reads the rule, the hook and the env of the version in force, with a yield
    /// between reads; all must agree.
    /// </summary>
    private sealed class VersionProbe(PermissionChecker checker, HookRegistry hooks, LiveEnvironmentDictionary env, ObservationLatch latch) : IPermissionPrompt
    {
        public async ValueTask<ToolCallAuthorization> AskAsync(string toolName, JsonElement arguments, PermissionDecision decision, CancellationToken cancellationToken)
        {
            var rule = Assert.Single(checker.Policy[PermissionLayer.Project].Rules).Text;
            await Task.Yield();
            var hook = Assert.Single(hooks.Snapshot.Source("settings")).Command;
            await Task.Yield();
            var n = env["N"]!;
            Assert.Equal($"Bash(npm run v{n})", rule);
            Assert.Equal($"echo {n}", hook);
            // The decision itself, on the same version: its own command is allowed, another version's is not.
            Assert.Equal(PermissionBehavior.Allow, checker.Check("Bash", Command($"npm run v{n}")).Behavior);
            Assert.NotEqual(PermissionBehavior.Allow, checker.Check("Bash", Command($"npm run v{n}0")).Behavior);
            latch.Observed();
            return ToolCallAuthorization.Allow(n);
        }
    }

    private static JsonElement Command(string command) => JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["command"] = command });

    [Fact]
    public async Task EditsRacingToolCallDecisions_EachDecisionRunsOnOneWholeVersion()
    {
        WriteVersion(0);
        using var store = new SettingsStore(new SettingsLocations(Home, Project, Path.Combine(_root.FullName, "managed.json")));
        var checker = new PermissionChecker(Project, Home);
        PermissionSettings.Apply(checker, store.Current.Settings, Project, applyMode: true);
        var hooks = new HookRegistry();
        hooks.SetSource("settings", HookConfigParser.LoadSettings(store.Current.Files).Definitions);
        var env = new LiveEnvironmentDictionary(store.Current.Settings.Env);
        var last = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var live = new LiveSettings(store,
        [
            (_, next, change) =>
            {
                PermissionSettings.Apply(checker, next.Settings, Project, applyMode: false);
                change.Changed("permissions");
            },
            (_, next, change) =>
            {
                hooks.SetSource("settings", HookConfigParser.LoadSettings(next.Files).Definitions);
                change.Changed("hooks");
            },
            (_, next, change) =>
            {
                if (env.Replace(next.Settings.Env))
                {
                    change.Changed("env");
                }
            },
        ]);
        var announced = new ConcurrentQueue<long>();
        live.Changed += c =>
        {
            announced.Enqueue(c.Version);
            // The last version counts as in force once it is announced (announcing follows applying; waiting on the
            // applier instead let the test read the announcements while the last one was still on its way).
            if (live.Applied.Settings.Env["N"] == Versions.ToString(CultureInfo.InvariantCulture))
            {
                last.TrySetResult();
            }
        };
        // The watcher reloads too (no debounce), racing the explicit reloads below.
        live.Start(TimeSpan.Zero);
        using var latch = new ObservationLatch(required: 50);
        using var gated = new ToolCallGate(checker, new ToolCallGateOptions { Settings = live.Gate, Prompt = new VersionProbe(checker, hooks, env, latch) });
        var writing = 1;
        var ct = TestContext.Current.CancellationToken;
        // A decider that fails releases the writer at once, so the failure is reported rather than a watchdog timeout.
        using var failed = new CancellationTokenSource();

        var writer = Task.Run(async () =>
        {
            for (var n = 1; n <= Versions; n++)
            {
                WriteVersion(n);
                store.Reload();
                if (n == Versions / 2)
                {
                    await latch.WaitMidRunAsync().WaitAsync(failed.Token);
                }
            }
            Volatile.Write(ref writing, 0);
        }, ct);
        var deciders = Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
        {
            var lastSeen = -1;
            try
            {
                do
                {
                    var decision = await gated.AuthorizeAsync("Bash", Command("make probe"), ct);
                    var n = int.Parse(decision.Reason!, CultureInfo.InvariantCulture);
                    Assert.True(n >= lastSeen, $"a decider went back from version {lastSeen} to {n}");
                    lastSeen = n;
                }
                while (Volatile.Read(ref writing) == 1);
            }
            catch
            {
                await failed.CancelAsync();
                throw;
            }
        }, ct)).ToList();
        await Task.WhenAll([.. deciders, writer]).WaitAsync(Stress.DefaultWatchdog, ct);
        await last.Task.WaitAsync(Stress.DefaultWatchdog, ct);

        Assert.True(latch.ObservedDuringRun >= latch.Required);
        var seen = announced.ToArray();
        Assert.Equal(seen.Distinct().Count(), seen.Length);
        Assert.Equal(seen.Order(), seen);
        var final = await gated.AuthorizeAsync("Bash", Command("make probe"), ct);
        Assert.Equal(Versions.ToString(CultureInfo.InvariantCulture), final.Reason);
    }
}
