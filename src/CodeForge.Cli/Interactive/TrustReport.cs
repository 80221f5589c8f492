using System.Globalization;
using CodeForge.Core.Trust;

namespace CodeForge.Cli.Interactive;

/// <summary>
/// <c>/trust</c>: shows whether this session uses the folder's own commands and approvals and what the folder would run;
/// <c>/trust add</c> trusts the folder as it is now, <c>/trust remove</c> forgets it. A change applies from the next start of
/// forge: a running session keeps the settings it started with.
/// </summary>
/// <remarks>Stateless; the store is safe across processes (see <see cref="TrustStore"/>).</remarks>
internal static class TrustReport
{
    public static async Task<IReadOnlyList<string>> RunAsync(WorkspaceTrust session, TrustStore store, string workingDirectory, string arguments,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(store);
        var now = WorkspaceScanner.Scan(session.Folder, workingDirectory);
        try
        {
            switch (arguments.Trim())
            {
                case "":
                    return Show(session, now);
                case "add":
                    await store.TrustAsync(session.Folder, now.Lines, cancellationToken).ConfigureAwait(false);
                    return [string.Create(CultureInfo.InvariantCulture, $"Trusted {session.Folder} ({now.Lines.Length} item(s)); its hooks, MCP servers, plugins and rules are used from the next start of forge.")];
                case "remove":
                    return await store.RemoveAsync(session.Folder, cancellationToken).ConfigureAwait(false)
                        ? [$"No longer trusted: {session.Folder} (from the next start of forge)."]
                        : [$"{session.Folder} was not trusted itself (a trusted parent still counts: forge trust list)."];
                default:
                    return ["Usage: /trust [add|remove]"];
            }
        }
        catch (IOException ex)
        {
            return [$"⚠ {ex.Message}"];
        }
    }

    private static List<string> Show(WorkspaceTrust session, WorkspaceDisclosure now)
    {
        var lines = new List<string>
        {
            session.IsTrusted
                ? $"{session.Folder}: trusted for this session ({Why(session.Reason)})"
                : $"{session.Folder}: not trusted for this session ({Why(session.Reason)}); its own commands, servers, plugins and approvals are not used",
        };
        if (now.IsEmpty)
        {
            lines.Add("It runs and pre-approves nothing of its own.");
        }
        else
        {
            lines.Add("It would run or pre-approve:");
            lines.AddRange(now.Lines.Select(l => "  " + l));
        }
        lines.Add(session.IsTrusted ? "/trust remove forgets it." : "/trust add trusts it (from the next start), or start forge with --trust-workspace.");
        return lines;
    }

    private static string Why(TrustReason reason) => reason switch
    {
        TrustReason.NothingToTrust => "it holds nothing to trust",
        TrustReason.Home => "your home folder",
        TrustReason.Remembered => "you trusted it",
        TrustReason.Flag => "--trust-workspace",
        TrustReason.UserSetting => "trustAllWorkspaces in your settings",
        TrustReason.Answered => "you answered yes",
        TrustReason.Declined => "you answered no",
        TrustReason.ChangedSinceTrusted => "it changed since you trusted it",
        _ => "nobody trusted it",
    };
}
