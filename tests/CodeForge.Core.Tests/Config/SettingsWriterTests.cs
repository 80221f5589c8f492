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
        var ex = await Assert.ThrowsAsync<ArgumentException>(() =>
            SettingsWriter.AddPermissionRuleAsync(PathOf("s.json"), "permit", "Read", TestContext.Current.CancellationToken));

        Assert.StartsWith("Unknown permission list \"permit\"; expected allow, ask or deny.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_LeavesNoTemporaryFilesBehind()
    {
        var path = PathOf("settings.json");

        await SettingsWriter.AddPermissionRuleAsync(path, "allow", "Read", TestContext.Current.CancellationToken);

        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp"));
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<string> WriteFileAsync(string name, string text)
    {
        var path = PathOf(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, text, Ct);
        return path;
    }

    [Fact]
    public async Task SetPluginEnabled_AddsFlipsAndSkipsNoOpsKeepingOtherKeys()
    {
        var path = await WriteFileAsync("settings.json", """{"model": "m"}""");

        Assert.True(await SettingsWriter.SetPluginEnabledAsync(path, "fmt@tools", true, Ct));
        Assert.False(await SettingsWriter.SetPluginEnabledAsync(path, "fmt@tools", true, Ct));
        Assert.True(await SettingsWriter.SetPluginEnabledAsync(path, "fmt@tools", false, Ct));

        var root = JsonNode.Parse(await File.ReadAllTextAsync(path, Ct))!;
        Assert.False((bool)root["enabledPlugins"]!["fmt@tools"]!);
        Assert.Equal("m", (string?)root["model"]);
    }

    [Theory]
    [InlineData("""{"enabledPlugins": []}""", "\"enabledPlugins\" is not an object; not changed.")]
    public async Task SetPluginEnabled_WhenTheKeyHasTheWrongShape_RefusesNamingTheFileAndKey(string json, string reason)
    {
        var path = await WriteFileAsync("settings.json", json);

        var ex = await Assert.ThrowsAsync<SettingsWriteException>(() => SettingsWriter.SetPluginEnabledAsync(path, "p@m", true, Ct));

        Assert.Equal($"{path}: {reason}", ex.Message);
        Assert.Equal(json, await File.ReadAllTextAsync(path, Ct));
    }

    [Theory]
    [InlineData("""{"permissions": "allow all"}""", "\"permissions\" is not an object; not changed.")]
    [InlineData("""{"permissions": {"allow": "Read"}}""", "\"permissions.allow\" is not an array; not changed.")]
    [InlineData("""["Read"]""", "the top level is not a JSON object; not changed.")]
    public async Task AddPermissionRule_WhenTheFileHasTheWrongShape_RefusesNamingTheFileAndReason(string json, string reason)
    {
        var path = await WriteFileAsync("settings.local.json", json);

        var ex = await Assert.ThrowsAsync<SettingsWriteException>(() => SettingsWriter.AddPermissionRuleAsync(path, "allow", "Read", Ct));

        Assert.Equal($"{path}: {reason}", ex.Message);
        Assert.Equal(json, await File.ReadAllTextAsync(path, Ct));
    }

    [Fact]
    public async Task Update_WhenFileIsNotValidJson_NamesTheLine()
    {
        var path = await WriteFileAsync("settings.json", "{\n  \"model\": \"m\",\n  \"x\": ]\n}");

        var ex = await Assert.ThrowsAsync<SettingsWriteException>(() => SettingsWriter.AddPermissionRuleAsync(path, "ask", "Read", Ct));

        Assert.Equal($"{path}:3: invalid JSON; not changed. Fix the file and try again.", ex.Message);
    }

    [Fact]
    public async Task Update_OfAnEmptyFile_StartsFromAnEmptyObjectAndWritesIndentedJson()
    {
        var path = await WriteFileAsync("settings.json", "  \n");

        Assert.True(await SettingsWriter.AddPermissionRuleAsync(path, "deny", "WebFetch", Ct));

        var text = await File.ReadAllTextAsync(path, Ct);
        Assert.Equal("{\n  \"permissions\": {\n    \"deny\": [\n      \"WebFetch\"\n    ]\n  }\n}\n", text.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Update_WhenTheChangeReportsNothingChanged_WritesNothing()
    {
        var path = PathOf("settings.json");

        Assert.False(await SettingsWriter.UpdateAsync(path, _ => false, cancellationToken: Ct));

        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task Update_WhileAnotherProcessHoldsTheLock_GivesUpAfterTheTimeoutNamingTheLock()
    {
        var path = await WriteFileAsync("settings.json", "{}");
        using var held = new FileStream(path + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();

        var ex = await Assert.ThrowsAsync<SettingsWriteException>(() =>
            SettingsWriter.UpdateAsync(path, _ => true, time, TimeSpan.Zero, Ct)).WaitAsync(TimeSpan.FromMinutes(2), Ct);

        Assert.Equal($"{path}.lock: another process has held this lock for 0 s; not changed.", ex.Message);
        Assert.Equal("{}", await File.ReadAllTextAsync(path, Ct));
    }

    [Fact]
    public async Task Writers_WithNullOrBlankArguments_Throw()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(() => SettingsWriter.UpdateAsync(null!, _ => true, cancellationToken: Ct));
        await Assert.ThrowsAsync<ArgumentNullException>(() => SettingsWriter.UpdateAsync(PathOf("s.json"), null!, cancellationToken: Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => SettingsWriter.AddPermissionRuleAsync(PathOf("s.json"), "allow", " ", Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => SettingsWriter.SetPluginEnabledAsync(PathOf("s.json"), "", true, Ct));
        Assert.False(File.Exists(PathOf("s.json")));
    }
}
