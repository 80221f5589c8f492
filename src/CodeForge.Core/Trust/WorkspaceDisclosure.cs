using System.Collections.Immutable;

namespace CodeForge.Core.Trust;

/// <summary>What kind of thing a folder would make forge run or pre-approve.</summary>
public enum DisclosureKind
{
    /// <summary>A hook command (any event) from project or local settings.</summary>
    Hook,

    /// <summary>An MCP server from <c>.mcp.json</c> or project settings: a command line or a URL.</summary>
    McpServer,

    /// <summary>A permission rule that pre-approves a tool.</summary>
    PermissionAllow,

    /// <summary>A plugin the project enables (it may carry hooks, MCP servers and commands of its own).</summary>
    Plugin,

    /// <summary>A command forge would run to get credentials or status (<c>apiKeyHelper</c>, <c>statusLine</c>, ...).</summary>
    Command,

    /// <summary>An environment variable the project sets for every tool and hook.</summary>
    Environment,

    /// <summary>An instruction file (<c>AGENTS.md</c>, <c>CLAUDE.md</c>) or one of its <c>@</c> imports: it runs nothing but
    /// shapes what the model does.</summary>
    Memory,
}

/// <summary>One thing a folder would run or pre-approve, with the file that says so.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Description">What exactly would run or be allowed, as the user should read it.</param>
/// <param name="SourceFile">The file it comes from, relative to the folder.</param>
/// <param name="LeavesFolder">An instruction import of a file outside the folder (left out while it is not trusted).</param>
public sealed record DisclosureItem(DisclosureKind Kind, string Description, string SourceFile, bool LeavesFolder = false)
{
    /// <summary>One line for the trust screen and for comparing what was trusted with what is there now.</summary>
    public override string ToString() => $"{KindLabel(Kind)}: {Description}  ({SourceFile})";

    private static string KindLabel(DisclosureKind kind) => kind switch
    {
        DisclosureKind.Hook => "hook",
        DisclosureKind.McpServer => "MCP server",
        DisclosureKind.PermissionAllow => "pre-approved",
        DisclosureKind.Plugin => "plugin",
        DisclosureKind.Command => "command",
        DisclosureKind.Memory => "instructions",
        _ => "environment",
    };
}

/// <summary>
/// Everything a folder would run or pre-approve if trusted: each hook command, MCP server, allow rule, enabled plugin,
/// helper command and environment variable from its project and local settings and <c>.mcp.json</c>, plus the files
/// that could not be read (they are not trusted blindly either).
/// </summary>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record WorkspaceDisclosure(string Folder, ImmutableArray<DisclosureItem> Items, ImmutableArray<string> Problems)
{
    /// <summary>True when the folder would run and pre-approve nothing.</summary>
    public bool IsEmpty => Items.IsEmpty;

    /// <summary>The items as lines, sorted, without duplicates: what a trust decision is recorded against.</summary>
    public ImmutableArray<string> Lines => [.. Items.Select(i => i.ToString()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>The items an untrusted folder does not get: everything but its instruction files and their imports from
    /// inside it (which it keeps, see <see cref="WorkspaceTrust"/>).</summary>
    public ImmutableArray<DisclosureItem> Runnable => [.. Items.Where(i => i.Kind != DisclosureKind.Memory || i.LeavesFolder)];

    /// <summary>The lines present now that were not in <paramref name="trusted"/>.</summary>
    public ImmutableArray<string> LinesAddedSince(IEnumerable<string> trusted)
    {
        var before = trusted.ToHashSet(StringComparer.Ordinal);
        return [.. Lines.Where(l => !before.Contains(l))];
    }
}
