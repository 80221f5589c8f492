using System.Text.Json;
using CodeForge.Core.Permissions;
using CodeForge.Core.Tools;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace CodeForge.Mcp.Server;

/// <summary>
/// CodeForge's own tools (every tool of a <see cref="ToolRegistry"/>: Read, Write, Edit, MultiEdit, Glob, Grep, …)
/// offered as an MCP server (<c>forge mcp serve</c>), through the SDK's low-level server API.
/// </summary>
/// <remarks>
/// <para>Permissions: every call is checked with the given <see cref="PermissionChecker"/> (the same settings rules as
/// <c>forge -p</c>: deny, then ask, then allow, then the mode). Only <em>allow</em> runs the tool; <em>ask</em> is a
/// denial, as in headless mode, because no one is there to answer. So by default the read-only tools (Read, Glob,
/// Grep) run and writing tools need an allow rule in settings.</para>
/// <para>Concurrency: the registry is an immutable snapshot read per request; tool calls may run concurrently (the
/// SDK dispatches requests in parallel), each through the thread-safe <see cref="ToolExecutor"/>.</para>
/// </remarks>
public static class ForgeMcpServer
{
    /// <summary>The server options: tools capability and the list/call handlers over <paramref name="executor"/>.</summary>
    public static McpServerOptions CreateOptions(ToolExecutor executor, ToolContext context, PermissionChecker checker, string version)
    {
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(checker);
        return new McpServerOptions
        {
            ServerInfo = new Implementation { Name = "forge", Version = version },
            ServerInstructions = "CodeForge's file tools (Read, Write, Edit, MultiEdit, Glob, Grep) on the directory forge was started in.",
            Capabilities = new ServerCapabilities { Tools = new ToolsCapability() },
            Handlers = new McpServerHandlers
            {
                ListToolsHandler = (request, cancellationToken) => ValueTask.FromResult(ListTools(executor.Registry)),
                CallToolHandler = async (request, cancellationToken) =>
                    await CallToolAsync(executor, context, checker, request.Params!, cancellationToken).ConfigureAwait(false),
            },
        };
    }

    /// <summary>Serves over stdin/stdout until the client disconnects or <paramref name="cancellationToken"/> fires.</summary>
    public static async Task RunStdioAsync(McpServerOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        await using var transport = new StdioServerTransport(options, loggerFactory: null);
        await using var server = McpServer.Create(transport, options);
        await server.RunAsync(cancellationToken).ConfigureAwait(false);
    }

    internal static ListToolsResult ListTools(ToolRegistry registry) => new()
    {
        Tools = [.. registry.ListAll().Select(t => new Tool { Name = t.Name, Description = t.Description, InputSchema = t.Schema.JsonSchema })],
    };

    internal static async Task<CallToolResult> CallToolAsync(ToolExecutor executor, ToolContext context, PermissionChecker checker,
        CallToolRequestParams request, CancellationToken cancellationToken)
    {
        var arguments = ToElement(request.Arguments);
        if (!executor.Registry.Exists(request.Name))
        {
            return Error($"Unknown tool \"{request.Name}\". Available: {string.Join(", ", executor.Registry.ListNames())}.");
        }
        var decision = checker.Check(request.Name, arguments);
        if (!decision.IsAllowed)
        {
            var why = decision.NeedsConfirmation
                ? $"{decision.Reason}. forge mcp serve cannot ask, so this is denied; add an allow rule (e.g. \"{request.Name}\") to .forge/settings.json to permit it"
                : decision.Reason;
            return Error($"Permission denied for {request.Name}: {why}.");
        }
        var result = await executor.ExecuteAsync(request.Name, arguments, context, cancellationToken).ConfigureAwait(false);
        return result.Success
            ? new CallToolResult { Content = [new TextContentBlock { Text = result.Output }] }
            : Error(result.Error!);
    }

    private static CallToolResult Error(string message) => new() { IsError = true, Content = [new TextContentBlock { Text = message }] };

    private static JsonElement ToElement(IDictionary<string, JsonElement>? arguments)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in arguments ?? new Dictionary<string, JsonElement>())
            {
                writer.WritePropertyName(name);
                value.WriteTo(writer);
            }
            writer.WriteEndObject();
        }
        return JsonElement.Parse(stream.ToArray());
    }
}
