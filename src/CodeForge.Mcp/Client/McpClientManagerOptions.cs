using System.Globalization;
using CodeForge.Mcp.Config;

namespace CodeForge.Mcp.Client;

/// <summary>Limits and hooks of an <see cref="McpClientManager"/>.</summary>
/// <remarks>Immutable; safe to share.</remarks>
public sealed record McpClientManagerOptions
{
    /// <summary>The default start-up timeout: 30 s (Claude Code's <c>MCP_TIMEOUT</c> default).</summary>
    public static readonly TimeSpan DefaultStartupTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The default output budget: 25,000 tokens (Claude Code's <c>MAX_MCP_OUTPUT_TOKENS</c> default).</summary>
    public const int DefaultMaxOutputTokens = 25_000;

    /// <summary>How long a server may take to start, answer <c>initialize</c> and list its tools.</summary>
    public TimeSpan StartupTimeout { get; init; } = DefaultStartupTimeout;

    /// <summary>The most (estimated) tokens of one tool result; more is cut with a marker.</summary>
    public int MaxOutputTokens { get; init; } = DefaultMaxOutputTokens;

    /// <summary>The directory stdio servers start in (null: the current directory).</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>How long a stdio server gets to exit after its stdin closes before it is killed.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The clock for timeouts.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The version forge reports to servers.</summary>
    public string ClientVersion { get; init; } = "0.1.0";

    /// <summary>
    /// Test seam for the systematic-scheduling tests: creates the client of a start in place of the SDK's
    /// <c>McpClient.CreateAsync</c> over a real transport (whose pipe and HTTP I/O completes on threads Coyote does not
    /// control), with the start's token. Everything around it (the gate, the restart, the tool listing and calls through
    /// the SDK's <see cref="ModelContextProtocol.Client.McpClient"/>) is the real code. Never set in the product.
    /// </summary>
    internal Func<McpServerConfig, CancellationToken, Task<ModelContextProtocol.Client.McpClient>>? ClientFactoryForTests { get; init; }

    /// <summary>
    /// Test seam: a deliberately broken variant for the systematic-scheduling tests, whose connections start, restart
    /// and close without their one-at-a-time gate. Never set in the product.
    /// </summary>
    internal bool StartGateSkippedForTests { get; init; }

    /// <summary>
    /// Reads <c>MCP_TIMEOUT</c> (start-up timeout in milliseconds) and <c>MAX_MCP_OUTPUT_TOKENS</c> as Claude Code does.
    /// A value that is not a positive whole number is reported in <paramref name="problems"/> and the default kept.
    /// </summary>
    public static McpClientManagerOptions FromEnvironment(Func<string, string?> environment, ICollection<string>? problems = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var options = new McpClientManagerOptions();
        if (environment("MCP_TIMEOUT") is { Length: > 0 } timeout)
        {
            if (int.TryParse(timeout, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms > 0)
            {
                options = options with { StartupTimeout = TimeSpan.FromMilliseconds(ms) };
            }
            else
            {
                problems?.Add($"MCP_TIMEOUT must be a positive number of milliseconds, got \"{timeout}\"; using {DefaultStartupTimeout.TotalSeconds:0} s");
            }
        }
        if (environment("MAX_MCP_OUTPUT_TOKENS") is { Length: > 0 } tokens)
        {
            if (int.TryParse(tokens, NumberStyles.None, CultureInfo.InvariantCulture, out var t) && t > 0)
            {
                options = options with { MaxOutputTokens = t };
            }
            else
            {
                problems?.Add($"MAX_MCP_OUTPUT_TOKENS must be a positive whole number, got \"{tokens}\"; using {DefaultMaxOutputTokens}");
            }
        }
        return options;
    }
}
