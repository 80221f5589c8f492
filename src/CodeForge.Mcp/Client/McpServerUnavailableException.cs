namespace CodeForge.Mcp.Client;

/// <summary>An MCP server could not be started or reached; <see cref="Reason"/> says why.</summary>
public sealed class McpServerUnavailableException : Exception
{
    /// <summary>Creates the exception for <paramref name="server"/>.</summary>
    public McpServerUnavailableException(string server, string reason, Exception? inner = null)
        : base($"MCP server \"{server}\" is not available: {reason}", inner)
    {
        Server = server;
        Reason = reason;
    }

    /// <summary>The server.</summary>
    public string Server { get; }

    /// <summary>Why, without the server's name.</summary>
    public string Reason { get; }
}
