using System.Text;
using System.Text.Json;
using CodeForge.Core.Plugins;
using CodeForge.Core.Skills;

namespace CodeForge.Core.Tests.Plugins;

public sealed class PluginJsonTests
{
    public static TheoryData<string> Valid => new()
    {
        "{\"name\": \"p\", \"version\": \"1.0.0\", \"author\": {\"name\": \"Ada\"}}",
        "{\n  // a comment\n  \"name\": \"p\",\n  \"skills\": [\"./a\", \"./b\",],\n}\n",
        "\uFEFF{\"name\": \"p\"}",
        "{\"name\": \"p\", \"keywords\": [\"x\", \"y\"], \"hooks\": {\"PreToolUse\": [{\"hooks\": [{\"type\": \"command\"}]}]}}  \n",
        "[1, 2]",
        "{\"name\": \"caf\u00e9 \u65e5\u672c\"}",
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Parse_OfUtf8Bytes_GivesTheSameElementAndKeyLinesAsTheText(string json)
    {
        var fromText = PluginJson.Parse(json.TrimStart('\uFEFF'), "p.json", new List<LoadDiagnostic>(), "plugin manifest")!;
        var diagnostics = new List<LoadDiagnostic>();

        var fromBytes = PluginJson.Parse(Encoding.UTF8.GetBytes(json), "p.json", diagnostics, "plugin manifest");

        Assert.Empty(diagnostics);
        Assert.NotNull(fromBytes);
        Assert.Equal(fromText.Root.GetRawText(), fromBytes.Root.GetRawText());
        Assert.Equal(fromText.Lines.OrderBy(l => l.Key, StringComparer.Ordinal), fromBytes.Lines.OrderBy(l => l.Key, StringComparer.Ordinal));
    }

    public static TheoryData<string, int, string> Malformed => new()
    {
        { "{\n  \"name\": \"p\",\n  \"version\": 1.0.0\n}", 3, "invalid JSON in the plugin manifest" },
        { "{\"name\": \"p\"} {\"name\": \"q\"}", 1, "invalid JSON in the plugin manifest" },
        { "{\"name\": \"p\"}\ntrailing", 2, "invalid JSON in the plugin manifest" },
        { "", 1, "invalid JSON in the plugin manifest" },
        { "{\n\"name\": \"p\"", 2, "invalid JSON in the plugin manifest" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Parse_OfMalformedBytes_ReportsTheFileLineAndReasonAsTheTextPathDoes(string json, int line, string reason)
    {
        var fromText = new List<LoadDiagnostic>();
        Assert.Null(PluginJson.Parse(json, "/x/.claude-plugin/plugin.json", fromText, "plugin manifest"));
        var fromBytes = new List<LoadDiagnostic>();

        var file = PluginJson.Parse(Encoding.UTF8.GetBytes(json), "/x/.claude-plugin/plugin.json", fromBytes, "plugin manifest");

        Assert.Null(file);
        var d = Assert.Single(fromBytes);
        Assert.Equal("/x/.claude-plugin/plugin.json", d.File);
        Assert.Equal(line, d.Line);
        Assert.StartsWith(reason, d.Message, StringComparison.Ordinal);
        Assert.Equal(Assert.Single(fromText).ToString(), d.ToString());
    }

    [Fact]
    public void Parse_OfBytesThatAreNotUtf8_ReadsThemAsTheTextReaderDoes()
    {
        // A Latin-1 'é' inside a string: not valid UTF-8, so the text path (with its replacement character) decides.
        var bytes = Encoding.Latin1.GetBytes("{\"name\": \"caf\u00e9\"}");

        var file = PluginJson.Parse(bytes, "p.json", new List<LoadDiagnostic>(), "plugin manifest");

        Assert.NotNull(file);
        Assert.Equal("caf\uFFFD", file.Root.GetProperty("name").GetString());
    }

    [Fact]
    public void Parse_OfUtf16BytesWithAByteOrderMark_ReadsThemAsTheTextReaderDoes()
    {
        var bytes = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("{\"name\": \"p\",\n \"version\": \"2\"}")).ToArray();

        var file = PluginJson.Parse(bytes, "p.json", new List<LoadDiagnostic>(), "plugin manifest");

        Assert.NotNull(file);
        Assert.Equal("2", file.Root.GetProperty("version").GetString());
        Assert.Equal(2, file.LineOf("version"));
        Assert.Equal(JsonValueKind.Object, file.Root.ValueKind);
    }
}
