using System.Globalization;
using System.Text;
using System.Text.Json;
using CodeForge.Core.Tools;
using CodeForge.Mcp.Client;

namespace CodeForge.Cli.StreamJson;

/// <summary>
/// In-process MCP servers of the SDK program (<c>createSdkMcpServer</c>, named in <c>initialize</c> as
/// <c>sdkMcpServers</c>): their tools become forge tools named <c>mcp__&lt;server&gt;__&lt;tool&gt;</c>, and each call is
/// a JSON-RPC <c>tools/call</c> sent to the SDK in a <c>mcp_message</c> control request. The tool list comes from the
/// manifest the SDK sends with <c>initialize</c> (<c>sdkMcpServerManifests</c>), or, without one, from an
/// <c>initialize</c> + <c>tools/list</c> handshake over <c>mcp_message</c> that the first turn waits for.
/// </summary>
/// <remarks>Thread-safe: the tools are immutable; calls go through the thread-safe <see cref="ControlChannel"/>; JSON-RPC
/// ids come from an atomic counter.</remarks>
internal static class SdkMcpServers
{
    private static long s_nextId;

    /// <summary>Registers the tools of every server; a server without a manifest is asked (in the background: the
    /// answers come through the reader that called this). Returns what the first turn must wait for.</summary>
    public static Task RegisterAsync(JsonElement initialize, ControlChannel channel, ToolRegistry registry, TextWriter stderr, CancellationToken ct)
    {
        if (!initialize.TryGetProperty("sdkMcpServers", out var names) || names.ValueKind != JsonValueKind.Array)
        {
            return Task.CompletedTask;
        }
        var manifests = initialize.TryGetProperty("sdkMcpServerManifests", out var m) && m.ValueKind == JsonValueKind.Object ? m : default;
        var handshakes = new List<Task>();
        foreach (var server in names.EnumerateArray().Select(n => n.GetString()).OfType<string>())
        {
            if (manifests.ValueKind == JsonValueKind.Object && manifests.TryGetProperty(server, out var manifest)
                && manifest.TryGetProperty("toolsListResult", out var list))
            {
                Register(server, list, channel, registry, stderr);
            }
            else
            {
                handshakes.Add(HandshakeAsync(server, channel, registry, stderr, ct));
            }
        }
        return Task.WhenAll(handshakes);
    }

    private static async Task HandshakeAsync(string server, ControlChannel channel, ToolRegistry registry, TextWriter stderr, CancellationToken ct)
    {
        try
        {
            await SendAsync(channel, server, "initialize", w =>
            {
                w.WriteString("protocolVersion", "2025-06-18");
                w.WriteStartObject("capabilities");
                w.WriteEndObject();
                w.WriteStartObject("clientInfo");
                w.WriteString("name", "forge");
                w.WriteString("version", Program.InformationalVersion);
                w.WriteEndObject();
            }, ct).ConfigureAwait(false);
            var list = await SendAsync(channel, server, "tools/list", null, ct).ConfigureAwait(false);
            Register(server, list, channel, registry, stderr);
        }
        catch (Exception ex) when (ex is ControlRequestFailedException or InvalidOperationException or KeyNotFoundException)
        {
            await stderr.WriteLineAsync($"forge: SDK MCP server '{server}': {ex.Message}; its tools are not available").ConfigureAwait(false);
        }
    }

    private static void Register(string server, JsonElement list, ControlChannel channel, ToolRegistry registry, TextWriter stderr)
    {
        if (!list.TryGetProperty("tools", out var tools) || tools.ValueKind != JsonValueKind.Array)
        {
            stderr.WriteLine($"forge: SDK MCP server '{server}': tools/list has no \"tools\" array; no tools registered");
            return;
        }
        foreach (var tool in tools.EnumerateArray())
        {
            var name = InboundMessage.String(tool, "name");
            try
            {
                var schema = tool.TryGetProperty("inputSchema", out var s) ? s.Clone() : JsonDocument.Parse("""{"type":"object"}""").RootElement;
                registry.Register(new SdkMcpTool(channel, server, name ?? throw new ArgumentException("a tool has no name"),
                    InboundMessage.String(tool, "description") ?? "", ToolSchema.FromJsonSchema(schema)));
            }
            catch (ArgumentException ex)
            {
                stderr.WriteLine($"forge: SDK MCP server '{server}': tool '{name}' skipped: {ex.Message}");
            }
        }
    }

    /// <summary>Sends one JSON-RPC request to the SDK server; returns its <c>result</c> or throws with its <c>error</c>.</summary>
    internal static async Task<JsonElement> SendAsync(ControlChannel channel, string server, string method, Action<Utf8JsonWriter>? parameters, CancellationToken ct)
    {
        var id = Interlocked.Increment(ref s_nextId);
        var answer = await channel.RequestAsync("mcp_message", w =>
        {
            w.WriteString("server_name", server);
            w.WriteStartObject("message");
            w.WriteString("jsonrpc", "2.0");
            w.WriteNumber("id", id);
            w.WriteString("method", method);
            if (parameters is not null)
            {
                w.WriteStartObject("params");
                parameters(w);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }, ct).ConfigureAwait(false);
        if (!answer.TryGetProperty("mcp_response", out var response))
        {
            throw new InvalidOperationException($"the SDK's answer to {method} has no mcp_response");
        }
        if (response.TryGetProperty("error", out var error))
        {
            throw new InvalidOperationException($"{method} failed: {InboundMessage.String(error, "message") ?? error.GetRawText()}");
        }
        return response.TryGetProperty("result", out var result) ? result.Clone() : throw new InvalidOperationException($"the SDK's answer to {method} has no result");
    }

    private sealed class SdkMcpTool(ControlChannel channel, string server, string tool, string description, ToolSchema schema) : ITool
    {
        public string Name { get; } = McpToolNames.Format(server, tool);

        public string Description => description;

        public ToolCategory Category => ToolCategory.Mcp;

        public ToolSchema Schema => schema;

        public async Task<ToolResult> ExecuteAsync(JsonElement arguments, ToolContext context, CancellationToken cancellationToken)
        {
            JsonElement result;
            try
            {
                result = await SendAsync(channel, server, "tools/call", w =>
                {
                    w.WriteString("name", tool);
                    w.WritePropertyName("arguments");
                    arguments.WriteTo(w);
                }, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ControlRequestFailedException or InvalidOperationException)
            {
                return ToolResult.Fail($"SDK MCP server '{server}': {ex.Message}");
            }
            var text = new StringBuilder();
            if (result.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Array)
            {
                foreach (var block in content.EnumerateArray())
                {
                    if (text.Length > 0)
                    {
                        text.Append('\n');
                    }
                    text.Append(InboundMessage.String(block, "type") == "text"
                        ? InboundMessage.String(block, "text")
                        : string.Create(CultureInfo.InvariantCulture, $"[{InboundMessage.String(block, "type")} content]"));
                }
            }
            return result.TryGetProperty("isError", out var isError) && isError.ValueKind == JsonValueKind.True
                ? ToolResult.Fail(text.ToString())
                : ToolResult.Ok(text.ToString());
        }
    }
}
