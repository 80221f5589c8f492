using CodeForge.Cli.Composition;
using CodeForge.Cli.Runtime;
using CodeForge.Core.Agent;
using CodeForge.Core.Permissions;
using CodeForge.Core.Skills;

namespace CodeForge.Cli.Headless;

/// <summary>What <c>forge -p</c> was asked to do: the prompt, how to print, and the options every run shares.</summary>
internal sealed record HeadlessArgs
{
    public required string Prompt { get; init; }
    public required ForgeOptions Options { get; init; }
    public OutputFormat Format { get; init; } = OutputFormat.Text;
    public bool Verbose { get; init; }

    public ForgeOptions ToForgeOptions() => Options with { Verbose = Verbose, PrintTodos = Verbose && Format == OutputFormat.Text, StructuredOutput = Format != OutputFormat.Text };
}

/// <summary>
/// Runs one headless prompt end to end: settings, provider, permissions, session, the agent loop, the printer.
/// Exit codes: 0 success, 1 failure (configuration, model, max turns), 130 interrupted.
/// </summary>
internal static class HeadlessRunner
{
    public static async Task<int> RunAsync(HeadlessArgs a, TextWriter stdout, TextWriter stderr, Func<string, string?> environment, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(a);
        // Settings, MCP servers, provider, permissions, extensions, session, tools, hooks: problems are reported on
        // stderr, one line each. No permission prompt: an "ask" becomes a denial the model is told about.
        var log = DiagnosticLog.ToText(stderr);
        var runtime = await ForgeRuntime.CreateAsync(a.ToForgeOptions(), log, stderr, environment, prompt: null, ct).ConfigureAwait(false);
        if (runtime is null)
        {
            return 1;
        }
        await using (runtime.ConfigureAwait(false))
        {
            var printer = new HeadlessPrinter(a.Format, a.Verbose, stdout, stderr, runtime.Session.Id, runtime.Provider.Model);
            runtime.Retries.Attach(e => printer.Retrying(e, runtime.Retries.MaxAttempts));
            runtime.Retries.AttachFallback(printer.ModelFallback);
            printer.Start(runtime.WorkingDirectory, runtime.Registry.ListNames(), PermissionModes.ToSettingsName(runtime.PermissionMode), Program.InformationalVersion, runtime.Trust,
                log.Reported, runtime.PluginProblems, InitLists.SlashCommands(runtime), InitLists.Skills(runtime));
            log.Attach(printer.Diagnostic); // from now on also a system/diagnostic line in stream-json
            runtime.WatchSettings(printer.SettingsChanged);
            await runtime.Hooks.StartAsync(a.Options.Resume is not null || a.Options.Continue ? "resume" : "startup", runtime.Provider.Model, ct).ConfigureAwait(false);
            var prompt = runtime.ExpandPrompt(a.Prompt);
            var summary = await printer.PrintAsync(runtime.RunTurnAsync(prompt, ct), () =>
            {
                var u = runtime.Usage.Snapshot;
                return (u.InputTokens, u.OutputTokens, u.CachedInputTokens, u.Cost, (long)u.ApiDuration.TotalMilliseconds);
            }, () => runtime.Usage.Snapshot.ReasoningTokens, () => runtime.Usage.Snapshot).ConfigureAwait(false);
            await runtime.Hooks.EndAsync("other", CancellationToken.None).ConfigureAwait(false);
            return summary.Reason switch
            {
                AgentStopReason.Completed => 0,
                AgentStopReason.Cancelled => 130,
                _ => 1,
            };
        }
    }
}
