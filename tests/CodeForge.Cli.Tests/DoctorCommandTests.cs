using System.Net;
using System.Net.Sockets;
using CodeForge.Testing;

namespace CodeForge.Cli.Tests;

/// <summary><c>forge doctor</c> end to end: the real forge process in a real folder with a real HOME.</summary>
public sealed class DoctorCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("forge-doctor-");

    public DoctorCommandTests()
    {
        Directory.CreateDirectory(Path.Combine(Repo, ".git"));
        Directory.CreateDirectory(Home);
    }

    public void Dispose() => _dir.Delete(recursive: true);

    private string Repo => Path.Combine(_dir.FullName, "repo");

    private string Home => Path.Combine(_dir.FullName, "home");

    private Dictionary<string, string> Env => new() { ["HOME"] = Home };

    private void Write(string relative, string text)
    {
        var path = Path.Combine(Repo, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    [Fact]
    public async Task Doctor_InAnUntrustedFolder_ReportsItsTrustWhatItWouldRunAndThatItsMcpJsonIsNotUsed()
    {
        Write(".forge/settings.json", """{"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "touch PWNED"}]}]}}""");
        Write(".mcp.json", """{"mcpServers": {"pwn": {"command": "sh", "args": ["-c", "touch PWNED"]}}}""");

        var run = await ForgeProcess.RunAsync(["doctor"], Repo, Env);

        Assert.True(run.ExitCode == 0, run.StdOut + run.StdErr);
        Assert.Contains("Workspace trust", run.StdOut, StringComparison.Ordinal);
        Assert.Contains("not trusted: its hooks, MCP servers, plugins and approvals are not used", run.StdOut, StringComparison.Ordinal);
        Assert.Contains("hook: Stop: touch PWNED  (.forge/settings.json)", run.StdOut, StringComparison.Ordinal);
        Assert.Contains($"{Path.Combine(Repo, ".forge", "settings.json")} (project)", run.StdOut, StringComparison.Ordinal);
        Assert.Contains(".mcp.json: not used (the folder is not trusted)", run.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("pwn (project)", run.StdOut, StringComparison.Ordinal);
        Assert.Contains("Sandbox", run.StdOut, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Repo, "PWNED")));
    }

    [Fact]
    public async Task Doctor_InATrustedFolderWithABrokenSettingsFileAndADisabledServer_ReportsTheProblemAndTheSkippedServer()
    {
        Write(".forge/settings.json", "{\n  \"permissions\": {\"defaultMode\": \"sometimes\"},\n  \"disabledMcpjsonServers\": [\"off\"]\n}");
        Write(".mcp.json", """{"mcpServers": {"on": {"command": "true"}, "off": {"command": "true"}}}""");
        Assert.Equal(0, (await ForgeProcess.RunAsync(["trust", "add"], Repo, Env)).ExitCode);

        var run = await ForgeProcess.RunAsync(["doctor"], Repo, Env);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"⚠ {Path.Combine(Repo, ".forge", "settings.json")}:2: error: permissions.defaultMode", run.StdOut, StringComparison.Ordinal);
        Assert.Contains("on (project)", run.StdOut, StringComparison.Ordinal);
        Assert.Contains("off (listed in disabledMcpjsonServers): not started", run.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_WithAnInstalledPluginThatHasAnMcpServer_ListsThatServerWithTheOthers()
    {
        // The shape of public plugins (e.g. jeremylongshore/claude-code-plugins-plus): the servers in a .mcp.json at the
        // plugin's root, next to .claude-plugin/plugin.json.
        var plugin = Path.Combine(_dir.FullName, "changelog");
        Directory.CreateDirectory(Path.Combine(plugin, ".claude-plugin"));
        var ct = TestContext.Current.CancellationToken;
        await File.WriteAllTextAsync(Path.Combine(plugin, ".claude-plugin", "plugin.json"), """{"name": "changelog", "version": "0.1.0"}""", ct);
        await File.WriteAllTextAsync(Path.Combine(plugin, ".mcp.json"), """{"mcpServers": {"changelog-server": {"command": "python3", "args": ["scripts/changelog_mcp.py"]}}}""", ct);
        Assert.Equal(0, (await ForgeProcess.RunAsync(["plugin", "install", plugin], Repo, Env)).ExitCode);

        var doctor = await ForgeProcess.RunAsync(["doctor"], Repo, Env);
        var list = await ForgeProcess.RunAsync(["plugin", "list"], Repo, Env);

        var mcpSection = doctor.StdOut[doctor.StdOut.IndexOf("MCP servers", StringComparison.Ordinal)..];
        Assert.Contains("changelog-server (plugin)", mcpSection, StringComparison.Ordinal);
        Assert.DoesNotContain("none configured", mcpSection, StringComparison.Ordinal);
        Assert.Contains("    mcp servers: changelog-server", list.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_WithTheFakeModelServerAsProvider_SaysItIsReachableWithoutSendingTheKeyOrCallingAModel()
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        var env = new Dictionary<string, string>(Env)
        {
            ["ANTHROPIC_API_KEY"] = FakeModelServer.FakeApiKey,
            ["ANTHROPIC_BASE_URL"] = server.AnthropicBaseUrl,
        };

        var run = await ForgeProcess.RunAsync(["doctor"], Repo, env);

        Assert.True(run.ExitCode == 0, run.StdOut + run.StdErr);
        Assert.Contains("Model provider (reachability: one request to the base URL, no key sent, no model called)", run.StdOut, StringComparison.Ordinal);
        Assert.Contains($"base URL {server.AnthropicBaseUrl}", run.StdOut, StringComparison.Ordinal);
        Assert.Contains("reachable: HTTP 404 in ", run.StdOut, StringComparison.Ordinal);
        var probe = Assert.Single(server.Requests);
        Assert.Equal("GET", probe.Method);
        Assert.Equal(ModelProtocol.Unknown, probe.Protocol);
        Assert.DoesNotContain(probe.Headers, h => h.Value.Contains(FakeModelServer.FakeApiKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Doctor_WhenTheProviderBaseUrlRefusesConnections_ReportsItAsAProblem()
    {
        // A loopback port that was just free: nothing listens there, so the connection is refused at once.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var env = new Dictionary<string, string>(Env)
        {
            ["ANTHROPIC_API_KEY"] = "unused",
            ["ANTHROPIC_BASE_URL"] = $"http://127.0.0.1:{port}",
        };

        var run = await ForgeProcess.RunAsync(["doctor"], Repo, env);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"⚠ not reachable: http://127.0.0.1:{port}/", run.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_WithNoProviderConfigured_SaysSoWithoutCountingItAsAProblem()
    {
        var run = await ForgeProcess.RunAsync(["doctor"], Repo, Env);

        Assert.True(run.ExitCode == 0, run.StdOut + run.StdErr);
        Assert.Contains("not configured: No model provider configured", run.StdOut, StringComparison.Ordinal);
    }
}
