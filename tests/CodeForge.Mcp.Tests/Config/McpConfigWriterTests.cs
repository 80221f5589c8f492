using System.Text.Json;
using System.Text.Json.Nodes;
using CodeForge.Core.Config;
using CodeForge.Mcp.Config;

namespace CodeForge.Mcp.Tests.Config;

public sealed class McpConfigWriterTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("forge-mcp-writer-");

    public void Dispose() => _root.Delete(recursive: true);

    private string File1 => Path.Combine(_root.FullName, ".mcp.json");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static JsonObject Entry(string command) => new() { ["command"] = command };

    [Fact]
    public async Task AddAsync_CreatesTheFileAndRefusesADuplicateUnlessReplacing()
    {
        Assert.True(await McpConfigWriter.AddAsync(File1, "a", Entry("one"), cancellationToken: Ct));
        Assert.False(await McpConfigWriter.AddAsync(File1, "a", Entry("two"), cancellationToken: Ct));
        Assert.Equal("one", Read()["a"]!["command"]!.GetValue<string>());

        Assert.True(await McpConfigWriter.AddAsync(File1, "a", Entry("three"), replace: true, Ct));
        Assert.Equal("three", Read()["a"]!["command"]!.GetValue<string>());
    }

    [Fact]
    public async Task RemoveAsync_RemovesOnlyThatServerAndKeepsOtherKeys()
    {
        await File.WriteAllTextAsync(File1, """{"other": [1, 2], "mcpServers": {"a": {"command": "x"}, "b": {"command": "y"}}}""", Ct);

        Assert.True(await McpConfigWriter.RemoveAsync(File1, "a", Ct));
        Assert.False(await McpConfigWriter.RemoveAsync(File1, "a", Ct));
        Assert.False(await McpConfigWriter.RemoveAsync(Path.Combine(_root.FullName, "missing.json"), "a", Ct));

        var root = JsonNode.Parse(await File.ReadAllTextAsync(File1, Ct))!;
        Assert.Equal("[1,2]", root["other"]!.ToJsonString());
        Assert.Equal(["b"], root["mcpServers"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task AddAsync_InvalidJsonOrWrongShape_IsRefusedAndTheFileUntouched()
    {
        await File.WriteAllTextAsync(File1, "{ broken", Ct);
        await Assert.ThrowsAsync<SettingsWriteException>(() => McpConfigWriter.AddAsync(File1, "a", Entry("x"), cancellationToken: Ct));
        Assert.Equal("{ broken", await File.ReadAllTextAsync(File1, Ct));

        await File.WriteAllTextAsync(File1, """{"mcpServers": [1]}""", Ct);
        var ex = await Assert.ThrowsAsync<SettingsWriteException>(() => McpConfigWriter.AddAsync(File1, "a", Entry("x"), cancellationToken: Ct));
        Assert.Contains("\"mcpServers\" is not an object", ex.Message);
        Assert.Equal("""{"mcpServers": [1]}""", await File.ReadAllTextAsync(File1, Ct));
    }

    [Fact]
    public async Task AddAsync_ConcurrentWriters_LoseNoServer()
    {
        var adds = Enumerable.Range(0, 20).Select(i => Task.Run(() => McpConfigWriter.AddAsync(File1, $"s{i}", Entry($"c{i}"), cancellationToken: Ct), Ct)).ToArray();

        var results = await Task.WhenAll(adds);

        Assert.All(results, Assert.True);
        var servers = Read();
        Assert.Equal(20, servers.Count);
        Assert.All(Enumerable.Range(0, 20), i => Assert.Equal($"c{i}", servers[$"s{i}"]!["command"]!.GetValue<string>()));
        Assert.Empty(Directory.GetFiles(_root.FullName, "*.tmp"));
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(File1, Ct));
    }

    private JsonObject Read() => JsonNode.Parse(File.ReadAllText(File1))!["mcpServers"]!.AsObject();
}
