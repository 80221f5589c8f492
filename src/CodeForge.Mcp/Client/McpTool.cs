using System.Text.Json;
using CodeForge.Core.Tools;
using ModelContextProtocol.Protocol;

namespace CodeForge.Mcp.Client;

/// <summary>One tool of an MCP server, offered to the model as <c>mcp__&lt;server&gt;__&lt;tool&gt;</c>.</summary>
/// <remarks>
/// Immutable; <see cref="ExecuteAsync"/> may run concurrently (each call is one request on the server's connection; the
/// manager restarts a crashed server, see <see cref="McpClientManager"/>). The schema is the server's
/// <c>inputSchema</c>, taken as given (<see cref="ToolSchema.FromJsonSchema"/>); the server validates the arguments.
/// </remarks>
internal sealed class McpTool : ITool
{
    private readonly McpServerConnection _connection;

    public McpTool(McpServerConnection connection, Tool tool)
    {
        _connection = connection;
        ServerToolName = tool.Name;
        Name = McpToolNames.Format(connection.Config.Name, tool.Name);
        Description = string.IsNullOrWhiteSpace(tool.Description)
            ? $"The \"{tool.Name}\" tool of the MCP server \"{connection.Config.Name}\"."
            : tool.Description;
        ToolSchema schema;
        try
        {
            schema = ToolSchema.FromJsonSchema(tool.InputSchema);
        }
        catch (ArgumentException)
        {
            schema = ToolSchema.Empty;
        }
        Schema = schema;
    }

    public string Name { get; }

    public string ServerToolName { get; }

    public string Description { get; }

    public ToolCategory Category => ToolCategory.Mcp;

    public ToolSchema Schema { get; }

    public Task<ToolResult> ExecuteAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken) =>
        _connection.CallToolAsync(ServerToolName, arguments, cancellationToken);
}
