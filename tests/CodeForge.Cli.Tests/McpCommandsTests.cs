using System.Text.Json;
using CodeForge.Testing;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace CodeForge.Cli.Tests;

/// <summary><c>forge mcp add|list|get|remove|serve</c> through the real forge process, with real npm MCP servers.</summary>
public sealed class McpCommandsTests() : ForgeWorkspaceTestBase("forge-mcp-cli-", modelServer: false)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<ForgeProcess.Result> Forge(params string[] args) => ForgeProcess.RunAsync(args, Repo, Env());

    [Fact]
    public async Task AddListGetRemove_ManageTheProjectFileAndReportEachServersHealth()
    {
        var everything = McpTestServers.Everything;

        var added = await Forge("mcp", "add", "everything", "-e", "GREETING=hi", "--", "node", everything, "stdio");
        var ghost = await Forge("mcp", "add", "ghost", "--", "forge-no-such-command-xyz", "--flag");
        var remote = await Forge("mcp", "add", "--transport", "http", "--scope", "user", "remote", "http://127.0.0.1:9/mcp", "--header", "Authorization: Bearer ${TOKEN}");
        var duplicate = await Forge("mcp", "add", "everything", "--", "node", "other.js");

        Assert.True(added.ExitCode == 0, added.StdErr);
        Assert.True(ghost.ExitCode == 0, ghost.StdErr);
        Assert.True(remote.ExitCode == 0, remote.StdErr);
        Assert.Equal(1, duplicate.ExitCode);
        Assert.Contains("already exists", duplicate.StdErr);
        using (var project = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Repo, ".mcp.json"), Ct)))
        {
            var entry = project.RootElement.GetProperty("mcpServers").GetProperty("everything");
            Assert.Equal("node", entry.GetProperty("command").GetString());
            Assert.Equal([everything, "stdio"], entry.GetProperty("args").EnumerateArray().Select(a => a.GetString()));
            Assert.Equal("hi", entry.GetProperty("env").GetProperty("GREETING").GetString());
            Assert.Equal(["--flag"], project.RootElement.GetProperty("mcpServers").GetProperty("ghost").GetProperty("args").EnumerateArray().Select(a => a.GetString()));
        }
        using (var user = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Home, ".forge", "mcp.json"), Ct)))
        {
            var entry = user.RootElement.GetProperty("mcpServers").GetProperty("remote");
            Assert.Equal("http", entry.GetProperty("type").GetString());
            Assert.Equal("Bearer ${TOKEN}", entry.GetProperty("headers").GetProperty("Authorization").GetString());
        }

        Assert.Equal(0, (await Forge("trust", "add")).ExitCode); // the project's own servers start only in a trusted folder
        var list = await Forge("mcp", "list");

        Assert.True(list.ExitCode == 0, list.StdErr);
        var lines = list.StdOut.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("everything: node ", StringComparison.Ordinal) && l.Contains("✓ Connected", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("ghost: ", StringComparison.Ordinal) && l.Contains("✗ Failed: command \"forge-no-such-command-xyz\" was not found", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("remote: ", StringComparison.Ordinal) && l.Contains("✗ Failed: environment variable ${TOKEN} is not set", StringComparison.Ordinal));

        var get = await Forge("mcp", "get", "remote");
        Assert.True(get.ExitCode == 0, get.StdErr);
        Assert.Contains("Scope: user", get.StdOut);
        Assert.Contains("URL: http://127.0.0.1:9/mcp", get.StdOut);
        Assert.Contains("Authorization=Bearer ${TOKEN}", get.StdOut);

        var removed = await Forge("mcp", "remove", "ghost");
        var missing = await Forge("mcp", "remove", "ghost");
        var getMissing = await Forge("mcp", "get", "ghost");

        Assert.True(removed.ExitCode == 0, removed.StdErr);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("no MCP server named \"ghost\"", missing.StdErr);
        Assert.Equal(1, getMissing.ExitCode);
        using var after = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Repo, ".mcp.json"), Ct));
        Assert.False(after.RootElement.GetProperty("mcpServers").TryGetProperty("ghost", out _));
        Assert.True(after.RootElement.GetProperty("mcpServers").TryGetProperty("everything", out _));
    }

    [Fact]
    public async Task Add_KeepsUnknownKeysOfTheFile()
    {
        await File.WriteAllTextAsync(Path.Combine(Repo, ".mcp.json"), """{"$comment": "keep me", "mcpServers": {"old": {"command": "x", "custom": 1}}}""", Ct);

        var added = await Forge("mcp", "add", "new", "--", "node", "server.js");

        Assert.True(added.ExitCode == 0, added.StdErr);
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Repo, ".mcp.json"), Ct));
        Assert.Equal("keep me", doc.RootElement.GetProperty("$comment").GetString());
        Assert.Equal(1, doc.RootElement.GetProperty("mcpServers").GetProperty("old").GetProperty("custom").GetInt32());
        Assert.Equal("node", doc.RootElement.GetProperty("mcpServers").GetProperty("new").GetProperty("command").GetString());
    }

    [Theory]
    [InlineData("bad name", "invalid server name")]
    [InlineData("env-bad", "invalid --env")]
    [InlineData("url-bad", "invalid URL")]
    [InlineData("header-bad", "invalid --header")]
    public async Task Add_BadInput_IsRefusedWithTheReasonAndWritesNothing(string name, string expected)
    {
        string[] args = name switch
        {
            "env-bad" => ["mcp", "add", name, "-e", "NOEQUALS", "--", "node"],
            "url-bad" => ["mcp", "add", "--transport", "http", name, "ftp://x"],
            "header-bad" => ["mcp", "add", "--transport", "http", name, "http://127.0.0.1:1/mcp", "--header", "no colon"],
            _ => ["mcp", "add", name, "--", "node"],
        };

        var run = await Forge(args);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains(expected, run.StdErr);
        Assert.False(File.Exists(Path.Combine(Repo, ".mcp.json")));
    }

    [Fact]
    public async Task List_BadMcpJson_NamesFileLineAndServerAndStillChecksTheGoodServers()
    {
        await File.WriteAllTextAsync(Path.Combine(Repo, ".mcp.json"), $$$"""
            {
              "mcpServers": {
                "good": {"command": "node", "args": ["{{{McpTestServers.Everything}}}", "stdio"]},
                "typo": {"command": 42},
                "empty": {"env": {}}
              }
            }
            """, Ct);
        Directory.CreateDirectory(Path.Combine(Home, ".forge"));
        await File.WriteAllTextAsync(Path.Combine(Home, ".forge", "mcp.json"), "{\n  \"mcpServers\": {\n    \"x\": {\"command\": \"a\",}\n  ,,\n}", Ct);

        Assert.Equal(0, (await Forge("trust", "add")).ExitCode); // the project's own servers start only in a trusted folder
        var list = await Forge("mcp", "list");

        Assert.True(list.ExitCode == 0, list.StdErr);
        var projectFile = Path.Combine(Repo, ".mcp.json");
        Assert.Contains($"{projectFile}:4: MCP server \"typo\": \"command\" must be a string, got the number 42", list.StdErr);
        Assert.Contains($"{projectFile}:5: MCP server \"empty\": neither \"command\"", list.StdErr);
        Assert.Contains($"{Path.Combine(Home, ".forge", "mcp.json")}:4: invalid JSON", list.StdErr);
        Assert.Contains("good: node", list.StdOut);
        Assert.Contains("✓ Connected", list.StdOut);
        Assert.DoesNotContain("typo:", list.StdOut);
    }

    [Fact]
    public async Task Serve_CallsPassTheSameGate_APreToolUseHookBlocksARead()
    {
        var file = Path.Combine(Repo, "guarded.txt");
        await File.WriteAllTextAsync(file, "guarded content\n", Ct);
        Directory.CreateDirectory(Path.Combine(Repo, ".forge"));
        await File.WriteAllTextAsync(Path.Combine(Repo, ".forge", "settings.json"), """
            {"hooks": {"PreToolUse": [{"matcher": "Read", "hooks": [{"type": "command", "command": "echo 'reads are guarded' >&2; exit 2"}]}]}}
            """, Ct);
        // The folder's own hooks run only once it is trusted (an untrusted folder's hooks are ignored by mcp serve too).
        var trust = await Forge("trust", "add", Repo);
        Assert.True(trust.ExitCode == 0, trust.StdErr);
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "forge",
            Command = CodeForge.Testing.Forge.ForgeBinary.FileName,
            Arguments = [.. CodeForge.Testing.Forge.ForgeBinary.PrefixArguments, "mcp", "serve"],
            WorkingDirectory = Repo,
            EnvironmentVariables = new Dictionary<string, string?> { ["HOME"] = Home },
        });
        await using var client = await McpClient.CreateAsync(transport, new McpClientOptions { InitializationTimeout = ForgeProcess.Watchdog }, cancellationToken: Ct); // forge starting on a loaded machine may need more than the SDK's 60 s

        var read = await client.CallToolAsync(new CallToolRequestParams
        {
            Name = "Read",
            Arguments = new Dictionary<string, JsonElement> { ["file_path"] = JsonSerializer.SerializeToElement(file, TestJson.Default.String) },
        }, Ct);

        Assert.True(read.IsError);
        var text = Assert.IsType<TextContentBlock>(Assert.Single(read.Content)).Text;
        Assert.Contains("blocked by a PreToolUse hook: reads are guarded", text, StringComparison.Ordinal);
        Assert.DoesNotContain("guarded content", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_OffersForgesToolsToAnMcpClient_ReadsAFileAndDeniesWhatWouldAsk()
    {
        var file = Path.Combine(Repo, "notes.txt");
        await File.WriteAllTextAsync(file, "served by forge\n", Ct);
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "forge",
            Command = CodeForge.Testing.Forge.ForgeBinary.FileName,
            Arguments = [.. CodeForge.Testing.Forge.ForgeBinary.PrefixArguments, "mcp", "serve"],
            WorkingDirectory = Repo,
            EnvironmentVariables = new Dictionary<string, string?> { ["HOME"] = Home },
        });
        await using var client = await McpClient.CreateAsync(transport, new McpClientOptions { InitializationTimeout = ForgeProcess.Watchdog }, cancellationToken: Ct); // forge starting on a loaded machine may need more than the SDK's 60 s

        var tools = await client.ListToolsAsync(cancellationToken: Ct);
        var read = await client.CallToolAsync(new CallToolRequestParams
        {
            Name = "Read",
            Arguments = new Dictionary<string, JsonElement> { ["file_path"] = JsonSerializer.SerializeToElement(file, TestJson.Default.String) },
        }, Ct);
        var write = await client.CallToolAsync(new CallToolRequestParams
        {
            Name = "Write",
            Arguments = new Dictionary<string, JsonElement>
            {
                ["file_path"] = JsonSerializer.SerializeToElement(Path.Combine(Repo, "new.txt"), TestJson.Default.String),
                ["content"] = JsonSerializer.SerializeToElement("x", TestJson.Default.String),
            },
        }, Ct);

        Assert.Equal(["Edit", "Glob", "Grep", "MultiEdit", "Read", "Write"], tools.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.Equal("object", tools.Single(t => t.Name == "Read").JsonSchema.GetProperty("type").GetString());
        Assert.NotEqual(true, read.IsError);
        Assert.Contains("served by forge", Assert.IsType<TextContentBlock>(Assert.Single(read.Content)).Text);
        Assert.True(write.IsError);
        Assert.Contains("Permission denied for Write", Assert.IsType<TextContentBlock>(Assert.Single(write.Content)).Text);
        Assert.False(File.Exists(Path.Combine(Repo, "new.txt")));
    }

    [Fact]
    public async Task List_InAnUntrustedFolder_ListsTheProjectsServersWithoutStartingThem()
    {
        var marker = Path.Combine(_root.FullName, "PWNED");
        await File.WriteAllTextAsync(Path.Combine(Repo, ".mcp.json"),
            "{\"mcpServers\": {\"pwn\": {\"command\": \"sh\", \"args\": [\"-c\", " + JsonSerializer.Serialize("touch " + marker, TestJson.Default.String) + "]}}}", Ct);

        var list = await Forge("mcp", "list");

        Assert.True(list.ExitCode == 0, list.StdErr);
        Assert.Contains("pwn: ", list.StdOut, StringComparison.Ordinal);
        Assert.Contains("not started: this folder is not trusted (forge trust add)", list.StdOut, StringComparison.Ordinal);
        Assert.False(File.Exists(marker), "forge mcp list started an untrusted folder's server");
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class TestJson : System.Text.Json.Serialization.JsonSerializerContext;
