using CodeForge.Cli.Composition;
using CodeForge.Cli.Runtime;
using CodeForge.Core.Trust;

namespace CodeForge.Cli.Interactive;

/// <summary>
/// The interactive start-up's trust step: decides the folder's trust (flag, user setting, remembered trust), asks on the
/// <see cref="TrustScreen"/> when the folder is untrusted or changed since it was trusted, remembers a "trust" answer with
/// what the folder held (so a later addition asks again), and hands the decision to the runtime.
/// </summary>
/// <remarks>Runs once on the start-up path; the store is safe across processes (see <see cref="TrustStore"/>).</remarks>
internal static class InteractiveTrust
{
    public static async Task<ForgeOptions> DecideAsync(ForgeOptions options, Screen screen, KeyRouter keys, Func<string, string?> environment,
        DiagnosticLog diagnostics, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(diagnostics);
        var home = environment("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var store = TrustStore.ForUser(home);
        var trust = WorkspaceTrust.Resolve(options.WorkingDirectory, home, options.TrustWorkspace, store, p => diagnostics.Error(p));
        if (trust.NeedsAnswer)
        {
            var yes = await TrustScreen.AskAsync(screen, keys, trust, ct).ConfigureAwait(false);
            trust = trust.Answer(yes);
            if (yes)
            {
                try
                {
                    await store.TrustAsync(trust.Folder, trust.Disclosure.Lines, ct).ConfigureAwait(false);
                }
                catch (IOException ex)
                {
                    diagnostics.Error($"could not remember the trust of {trust.Folder}: {ex.Message} (trusted for this session)");
                }
            }
        }
        return options with { Trust = trust, McpInBackground = true };
    }
}
