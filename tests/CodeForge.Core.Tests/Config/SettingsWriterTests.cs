using System.Text.Json.Nodes;
using CodeForge.Core.Config;

namespace CodeForge.Core.Tests.Config;

public sealed class SettingsWriterTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("forge-writer-");

    private string PathOf(string name) => Path.Combine(_root.FullName, ".forge", name);

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task AddPermissionRule_WhenFileIsMissing_CreatesItWithTheRule()
    {
        var path = PathOf("settings.local.json");

        var changed = await SettingsWriter.AddPermissionRuleAsync(path, "allow", "Bash(npm test)", TestContext.Current.CancellationToken);

        Assert.True(changed);
        var root = JsonNode.Parse(await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken))!;
        Assert.Equal("Bash(npm test)", (string?)root["permissions"]!["allow"]![0]);
    }

    [Fact]
    public async Task AddPermissionRule_KeepsOtherKeysAndDoesNotDuplicate()
    {
        var path = PathOf("settings.local.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, """{"model": "sonnet", "permissions": {"allow": ["Bash(ls *)"]}}""", TestContext.Current.CancellationToken);

        Assert.False(await SettingsWriter.AddPermissionRuleAsync(path, "allow", "Bash(ls *)", TestContext.Current.CancellationToken));
        Assert.True(await SettingsWriter.AddPermissionRuleAsync(path, "deny", "Bash(rm *)", TestContext.Current.CancellationToken));

        var root = JsonNode.Parse(await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken))!;
        Assert.Equal("sonnet", (string?)root["model"]);
        Assert.Single(root["permissions"]!["allow"]!.AsArray());
        Assert.Equal("Bash(rm *)", (string?)root["permissions"]!["deny"]![0]);
    }

    [Fact]
    public async Task Update_WhenFileIsNotValidJson_RefusesAndLeavesItUntouched()
    {
        var path = PathOf("settings.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, "{ \"model\": ", TestContext.Current.CancellationToken);

        var ex = await Assert.ThrowsAsync<SettingsWriteException>(() =>
            SettingsWriter.AddPermissionRuleAsync(path, "allow", "Read", TestContext.Current.CancellationToken));

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Equal("{ \"model\": ", await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task AddPermissionRule_WhenListNameIsUnknown_Throws()
    {
        await Assert.ThrowsAsync<ArgumentException>(() =>
            SettingsWriter.AddPermissionRuleAsync(PathOf("s.json"), "permit", "Read", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Update_LeavesNoTemporaryFilesBehind()
    {
        var path = PathOf("settings.json");

        await SettingsWriter.AddPermissionRuleAsync(path, "allow", "Read", TestContext.Current.CancellationToken);

        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp"));
    }
}
