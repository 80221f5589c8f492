using System.Text.Json;
using CodeForge.Core.Agent;
using CodeForge.Core.Tools;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace CodeForge.Mcp.Server;

/// <summary>
/// CodeForge's own tools (every tool of a <see cref="ToolRegistry"/>: Read, Write, Edit, MultiEdit, Glob, Grep, …)
/// offered as an MCP server (<c>forge mcp serve</c>), through the SDK's low-level server API.
/// </summary>
/// <remarks>
/// <para>Permissions: every call passes the given <see cref="ToolCallGate"/> (the same settings rules and the same
/// PreToolUse/PostToolUse hooks as <c>forge -p</c>). Only <em>allow</em> runs the tool; <em>ask</em> is a denial, as in
/// headless mode, because no one is there to answer (the gate has no prompt). So by default the read-only tools (Read,
/// Glob, Grep) run and writing tools need an allow rule in settings.</para>
/// <para>Concurrency: the registry is an immutable snapshot read per request; tool calls may run concurrently (the
/// SDK dispatches requests in parallel), each through the thread-safe <see cref="ToolExecutor"/>.</para>
/// </remarks>
public static class ForgeMcpServer
{
    /// <summary>The server options: tools capability and the list/call handlers over <paramref name="executor"/>.</summary>
    public static McpServerOptions CreateOptions(ToolExecutor executor, ToolContext context, ToolCallGate gate, string version)
    {
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(gate);
        return new McpServerOptions
        {
            ServerInfo = new Implementation { Name = "forge", Version = version },
            ServerInstructions = "CodeForge's file tools (Read, Write, Edit, MultiEdit, Glob, Grep) on the directory forge was started in.",
            Capabilities = new ServerCapabilities { Tools = new ToolsCapability() },
            Handlers = new McpServerHandlers
            {
                ListToolsHandler = (request, cancellationToken) => ValueTask.FromResult(ListTools(executor.Registry)),
                CallToolHandler = async (request, cancellationToken) =>
                    await CallToolAsync(executor, context, gate, request.Params!, cancellationToken).ConfigureAwait(false),
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

    /// <summary>What the model's client is told when a call would ask: no one can answer here.</summary>
    public const string CannotAsk = "forge mcp serve cannot ask, so this is denied; add an allow rule for the tool to .forge/settings.json to permit it";

    internal static async Task<CallToolResult> CallToolAsync(ToolExecutor executor, ToolContext context, ToolCallGate gate,
        CallToolRequestParams request, CancellationToken cancellationToken)
    {
        var arguments = ToElement(request.Arguments);
        if (!executor.Registry.Exists(request.Name))
        {
            return Error($"Unknown tool \"{request.Name}\". Available: {string.Join(", ", executor.Registry.ListNames())}.");
        }
        var call = await gate.RunAsync(executor, "mcp-" + Guid.NewGuid().ToString("N"), request.Name, arguments, context, cancellationToken).ConfigureAwait(false);
        if (call.Result is not { } result)
        {
            return Error($"Permission denied for {request.Name}: {call.Authorization.Reason.TrimEnd('.')}.");
        }
        var feedback = string.Join("\n", new[] { call.After?.Block == true ? call.After.Reason : null, call.After?.AdditionalContext }.Where(t => !string.IsNullOrEmpty(t)));
        return result.Success
            ? new CallToolResult { Content = [new TextContentBlock { Text = feedback.Length == 0 ? result.Output : result.Output + "\n\n" + feedback }] }
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
