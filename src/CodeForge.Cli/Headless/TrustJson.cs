using System.Text.Json;
using CodeForge.Core.Trust;

namespace CodeForge.Cli.Headless;

/// <summary>
/// The <c>workspace_trust</c> object of the stream-json <c>system/init</c> line: whether the folder's own commands and
/// approvals are used, why, and each item left out (so an SDK client can tell its user what to allow).
/// </summary>
/// <remarks>Stateless; writes an immutable <see cref="WorkspaceTrust"/>.</remarks>
internal static class TrustJson
{
    public static void Write(Utf8JsonWriter w, WorkspaceTrust? trust)
    {
        ArgumentNullException.ThrowIfNull(w);
        if (trust is null)
        {
            return;
        }
        w.WriteStartObject("workspace_trust");
        w.WriteString("folder", trust.Folder);
        w.WriteBoolean("trusted", trust.IsTrusted);
        w.WriteString("reason", Reason(trust.Reason));
        w.WriteStartArray("skipped");
        foreach (var item in trust.Skipped)
        {
            w.WriteStringValue(item.ToString());
        }
        w.WriteEndArray();
        if (!trust.IsTrusted && !trust.Skipped.IsEmpty)
        {
            w.WriteString("how_to_allow", "forge trust add, or --trust-workspace for one run");
        }
        w.WriteEndObject();
    }

    internal static string Reason(TrustReason reason) => reason switch
    {
        TrustReason.NothingToTrust => "nothing_to_trust",
        TrustReason.Home => "home",
        TrustReason.Remembered => "trusted",
        TrustReason.Flag => "trust_workspace_flag",
        TrustReason.UserSetting => "trustAllWorkspaces",
        TrustReason.Answered => "trusted_now",
        TrustReason.ChangedSinceTrusted => "changed_since_trusted",
        TrustReason.Declined => "declined",
        _ => "not_trusted",
    };
}
