using System.Collections.Immutable;

namespace CodeForge.Mcp.Client;

/// <summary>Where a server is in its life.</summary>
public enum McpServerState
{
    /// <summary>Not started yet (servers start on first use).</summary>
    NotStarted,

    /// <summary>Starting: process or connection, <c>initialize</c>, tool list.</summary>
    Starting,

    /// <summary>Connected; its tools are known.</summary>
    Connected,

    /// <summary>Could not start (bad config, missing command, timeout, crash during start); <see cref="McpServerStatus.Error"/> says why.</summary>
    Failed,
}

/// <summary>A tool a server offers, under the name the model calls it by.</summary>
/// <param name="Name">The forge name, <c>mcp__&lt;server&gt;__&lt;tool&gt;</c>.</param>
/// <param name="ServerToolName">The tool's own name on the server.</param>
/// <param name="Description">Its description.</param>
public sealed record McpToolInfo(string Name, string ServerToolName, string Description);

/// <summary>A snapshot of one server's state.</summary>
/// <param name="Name">The server.</param>
/// <param name="State">Its state.</param>
/// <param name="Error">Why it failed (with <see cref="McpServerState.Failed"/>).</param>
/// <param name="Tools">Its tools once connected, else empty.</param>
/// <param name="Starts">How many times a start was attempted (restarts included).</param>
public sealed record McpServerStatus(string Name, McpServerState State, string? Error, ImmutableArray<McpToolInfo> Tools, int Starts);
