using System.Text.Json;
using CodeForge.Mcp.Config;

namespace CodeForge.Mcp.Tests.Config;

public sealed class McpConfigLoaderTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("forge-mcp-config-");

    public void Dispose() => _root.Delete(recursive: true);

    private static string? NoEnv(string name) => null;

    private static McpConfigSet Parse(string json, Func<string, string?>? env = null) =>
        McpConfigLoader.Parse(json, "/p/.mcp.json", McpConfigScope.Project, env ?? NoEnv);

    [Fact]
    public void Parse_StdioAndHttpAndSseEntries_ReadsEveryField()
    {
        var set = Parse("""
            {"mcpServers": {
              "local": {"command": "npx", "args": ["-y", "pkg"], "env": {"A": "1"}},
              "remote": {"type": "http", "url": "https://example.test/mcp", "headers": {"X-Key": "k"}},
              "legacy": {"type": "sse", "url": "http://127.0.0.1:1/sse"}
            }}
            """);

        Assert.Empty(set.Diagnostics);
        var local = set.Servers.Single(s => s.Name == "local");
        Assert.Equal(McpTransportKind.Stdio, local.Transport);
        Assert.Equal("npx", local.Command);
        Assert.Equal(["-y", "pkg"], local.Args);
        Assert.Equal("1", local.Env["A"]);
        var remote = set.Servers.Single(s => s.Name == "remote");
        Assert.Equal(McpTransportKind.Http, remote.Transport);
        Assert.Equal("k", remote.Headers["x-key"]);
        Assert.Equal(McpTransportKind.Sse, set.Servers.Single(s => s.Name == "legacy").Transport);
        Assert.All(set.Servers, s => Assert.Null(s.Error));
    }

    [Fact]
    public void Parse_ExpandsVariablesAndDefaultsInCommandArgsEnvUrlAndHeaders()
    {
        var env = new Dictionary<string, string> { ["BIN"] = "/opt/bin", ["TOKEN"] = "s3cret", ["HOST"] = "h.test" };
        var set = Parse("""
            {"mcpServers": {
              "a": {"command": "${BIN}/server", "args": ["--port", "${PORT:-8080}"], "env": {"T": "${TOKEN}", "D": "${NOPE:-}"}},
              "b": {"type": "http", "url": "https://${HOST}/mcp", "headers": {"Authorization": "Bearer ${TOKEN}"}}
            }}
            """, n => env.GetValueOrDefault(n));

        var a = set.Servers.Single(s => s.Name == "a");
        Assert.Equal("/opt/bin/server", a.Command);
        Assert.Equal(["--port", "8080"], a.Args);
        Assert.Equal("s3cret", a.Env["T"]);
        Assert.Equal("", a.Env["D"]);
        var b = set.Servers.Single(s => s.Name == "b");
        Assert.Equal("https://h.test/mcp", b.Url);
        Assert.Equal("Bearer s3cret", b.Headers["Authorization"]);
        Assert.Equal("${TOKEN}", b.Raw.GetProperty("headers").GetProperty("Authorization").GetString()![7..]);
    }

    [Fact]
    public void Parse_MissingVariableWithoutDefault_FailsThatServerOnlyNamingTheVariable()
    {
        var set = Parse("""
            {"mcpServers": {
              "needs": {"command": "x", "env": {"K": "${API_KEY}"}, "args": ["${OTHER}"]},
              "fine": {"command": "y"}
            }}
            """);

        Assert.Empty(set.Diagnostics);
        var needs = set.Servers.Single(s => s.Name == "needs");
        Assert.NotNull(needs.Error);
        Assert.Contains("${API_KEY}", needs.Error);
        Assert.Contains("${OTHER}", needs.Error);
        Assert.Contains("/p/.mcp.json", needs.Error);
        Assert.Null(set.Servers.Single(s => s.Name == "fine").Error);
    }

    [Fact]
    public void Parse_InvalidJson_ReportsTheFileAndLineAndLoadsNothing()
    {
        var set = Parse("{\n  \"mcpServers\": {\n    \"a\": {\"command\": \"x\"\n  }\n");

        Assert.Empty(set.Servers);
        var d = Assert.Single(set.Diagnostics);
        Assert.Equal("/p/.mcp.json", d.File);
        Assert.True(d.Line >= 4, d.ToString());
        Assert.Contains("invalid JSON", d.Message);
    }

    [Theory]
    [InlineData("""{"command": 42}""", "\"command\" must be a string, got the number 42")]
    [InlineData("""{"command": "x", "args": "a b"}""", "\"args\" must be an array of strings, got a string")]
    [InlineData("""{"command": "x", "args": ["a", 1]}""", "\"args[1]\" must be a string")]
    [InlineData("""{"command": "x", "env": {"A": 1}}""", "\"env.A\" must be a string")]
    [InlineData("""{"type": "http", "url": "u", "headers": []}""", "\"headers\" must be an object of strings, got an array")]
    [InlineData("""{"args": ["a"]}""", "neither \"command\" (a local server) nor \"url\"")]
    [InlineData("""{"type": "ws", "url": "ws://x"}""", "unknown \"type\" \"ws\"")]
    [InlineData("""{"type": "http"}""", "an http server needs a \"url\"")]
    [InlineData("""{"type": "stdio", "url": "http://x"}""", "a stdio server needs a \"command\"")]
    [InlineData("""{"type": 7, "command": "x"}""", "\"type\" must be a string")]
    [InlineData("""[1, 2]""", "the entry must be an object, got an array")]
    public void Parse_MalformedEntry_IsSkippedWithADiagnosticNamingFileLineAndServer_AndTheOthersLoad(string entry, string expected)
    {
        var set = Parse($$"""
            {
              "mcpServers": {
                "good": {"command": "ok"},
                "bad": {{entry}}
              }
            }
            """);

        Assert.Equal(["good"], set.Servers.Select(s => s.Name));
        var d = Assert.Single(set.Diagnostics);
        Assert.Equal("bad", d.Server);
        Assert.Equal(4, d.Line);
        Assert.Contains(expected, d.Message);
        Assert.StartsWith("/p/.mcp.json:4: MCP server \"bad\": ", d.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]", "must be a JSON object")]
    [InlineData("{}", "has no \"mcpServers\"")]
    [InlineData("""{"mcpServers": []}""", "\"mcpServers\" must be an object")]
    public void Parse_WrongTopLevelShape_IsReported(string json, string expected)
    {
        var set = Parse(json);

        Assert.Empty(set.Servers);
        Assert.Contains(expected, Assert.Single(set.Diagnostics).Message);
    }

    [Fact]
    public void Parse_HttpUrlThatIsNotHttp_IsAServerError()
    {
        var set = Parse("""{"mcpServers": {"r": {"type": "http", "url": "ftp://x/y"}}}""");

        Assert.Contains("absolute http or https URL", Assert.Single(set.Servers).Error);
    }

    [Fact]
    public void Load_ProjectOverridesUserAndSettings_AndPluginsAreNamespacedWithTheirRoot()
    {
        var project = Path.Combine(_root.FullName, ".mcp.json");
        var user = Path.Combine(_root.FullName, "mcp.json");
        var settings = Path.Combine(_root.FullName, "settings.json");
        File.WriteAllText(project, """{"mcpServers": {"shared": {"command": "project-cmd"}}}""");
        File.WriteAllText(user, """{"mcpServers": {"shared": {"command": "user-cmd"}, "mine": {"command": "mine-cmd"}}}""");
        File.WriteAllText(settings, """{"permissions": {}, "mcpServers": {"fromsettings": {"command": "s"}}}""");
        var plugin = new McpPluginServer("db-tools", "database", JsonElement.Parse("""
            {"command": "${CLAUDE_PLUGIN_ROOT}/servers/db", "args": ["--config", "${CLAUDE_PLUGIN_ROOT}/config.json"]}
            """), "/plugins/db-tools");

        var set = McpConfigLoader.Load(new McpConfigSources { ProjectFile = project, UserFile = user, UserSettingsFile = settings, Plugins = [plugin] }, NoEnv);

        Assert.Empty(set.Diagnostics);
        Assert.Equal(["fromsettings", "mine", "plugin:db-tools:database", "shared"], set.Servers.Select(s => s.Name));
        var shared = set.Servers.Single(s => s.Name == "shared");
        Assert.Equal("project-cmd", shared.Command);
        Assert.Equal(McpConfigScope.Project, shared.Scope);
        var db = set.Servers.Single(s => s.Name == "plugin:db-tools:database");
        Assert.Equal("mcp__plugin_db-tools_database__", db.ToolPrefix);
        Assert.Equal("/plugins/db-tools/servers/db", db.Command);
        Assert.Equal(["--config", "/plugins/db-tools/config.json"], db.Args);
        Assert.Equal(McpConfigScope.Plugin, db.Scope);
    }

    [Fact]
    public void Load_APluginServer_IsNamedAsClaudeCodeNamesIt_AndAUserServerOfItsToolPrefixDoesNotReplaceIt()
    {
        var user = Path.Combine(_root.FullName, "mcp.json");
        File.WriteAllText(user, """{"mcpServers": {"plugin_dot_plug_ev": {"command": "user-cmd"}}}""");
        var plugin = new McpPluginServer("dot.plug", "ev", JsonElement.Parse("""{"command": "plugin-cmd"}"""), "/plugins/dot");

        var set = McpConfigLoader.Load(new McpConfigSources { UserFile = user, Plugins = [plugin] }, NoEnv);

        Assert.Equal(["plugin:dot.plug:ev", "plugin_dot_plug_ev"], set.Servers.Select(s => s.Name));
        var fromPlugin = set.Servers[0];
        Assert.Equal("plugin-cmd", fromPlugin.Command);
        Assert.Equal("mcp__plugin_dot_plug_ev__", fromPlugin.ToolPrefix);
        Assert.Equal("plugin:dot.plug:ev", plugin.Name);
    }

    [Fact]
    public void Load_MissingFilesAndASettingsFileWithoutServers_GiveNoDiagnostics()
    {
        var settings = Path.Combine(_root.FullName, "settings.json");
        File.WriteAllText(settings, """{"model": "x"}""");

        var set = McpConfigLoader.Load(new McpConfigSources
        {
            ProjectFile = Path.Combine(_root.FullName, "none.json"),
            UserSettingsFile = settings,
        }, NoEnv);

        Assert.Empty(set.Servers);
        Assert.Empty(set.Diagnostics);
    }

    [Fact]
    public void Load_OneBrokenFile_DoesNotStopTheOthers()
    {
        var project = Path.Combine(_root.FullName, ".mcp.json");
        var user = Path.Combine(_root.FullName, "mcp.json");
        File.WriteAllText(project, "{ not json");
        File.WriteAllText(user, """{"mcpServers": {"mine": {"command": "m"}}}""");

        var set = McpConfigLoader.Load(new McpConfigSources { ProjectFile = project, UserFile = user }, NoEnv);

        Assert.Equal(["mine"], set.Servers.Select(s => s.Name));
        Assert.Equal(project, Assert.Single(set.Diagnostics).File);
    }

    [Fact]
    public void Load_APluginServerWithADataFolder_SubstitutesItAndExportsRootAndData()
    {
        var data = Path.Combine(_root.FullName, "plugin-data", "db-tools-market");
        var plugin = new McpPluginServer("db-tools", "database", JsonElement.Parse("""
            {"command": "node", "args": ["${CLAUDE_PLUGIN_DATA}/db.sqlite"], "env": {"CACHE": "${CLAUDE_PLUGIN_DATA}/cache"}}
            """), "/plugins/db-tools") { PluginData = data };

        var set = McpConfigLoader.Load(new McpConfigSources { Plugins = [plugin] }, NoEnv);

        var db = Assert.Single(set.Servers);
        Assert.Null(db.Error);
        Assert.Equal([$"{data}/db.sqlite"], db.Args);
        Assert.Equal($"{data}/cache", db.Env["CACHE"]);
        Assert.Equal(data, db.Env["CLAUDE_PLUGIN_DATA"]);
        Assert.Equal("/plugins/db-tools", db.Env["CLAUDE_PLUGIN_ROOT"]);
        Assert.True(Directory.Exists(data));
    }

    [Fact]
    public void Load_WhenAFileBreaksAfterAGoodRead_KeepsItsLastGoodServersAndSaysWhereAndWhy()
    {
        var dir = Directory.CreateTempSubdirectory("forge-mcp-lastgood-");
        try
        {
            var project = Path.Combine(dir.FullName, ".mcp.json");
            var memory = new McpConfigFileMemory();
            File.WriteAllText(project, """{"mcpServers": {"one": {"command": "node", "args": ["a.js"]}}}""");
            Assert.Equal(["one"], McpConfigLoader.Load(new McpConfigSources { ProjectFile = project }, NoEnv, memory).Servers.Select(s => s.Name));

            File.WriteAllText(project, "{\n  \"mcpServers\": {\n    \"two\": }\n}");
            var broken = McpConfigLoader.Load(new McpConfigSources { ProjectFile = project }, NoEnv, memory);

            Assert.Equal(["one"], broken.Servers.Select(s => s.Name));
            var error = Assert.Single(broken.Diagnostics, d => !d.IsNote);
            Assert.Equal((project, 3), (error.File, error.Line));
            Assert.Contains("invalid JSON", error.Message, StringComparison.Ordinal);
            var note = Assert.Single(broken.Diagnostics, d => d.IsNote);
            Assert.Contains("last good MCP servers of this file stay in effect", note.Message, StringComparison.Ordinal);
            Assert.Empty(McpConfigLoader.Load(new McpConfigSources { ProjectFile = project }, NoEnv).Servers);

            File.Delete(project);
            Assert.Empty(McpConfigLoader.Load(new McpConfigSources { ProjectFile = project }, NoEnv, memory).Servers);
            File.WriteAllText(project, "not json");
            Assert.Empty(McpConfigLoader.Load(new McpConfigSources { ProjectFile = project }, NoEnv, memory).Servers);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
