using CodeForge.Core.Plugins;
using CodeForge.Core.Skills;
using CodeForge.Core.Tests.Skills;

namespace CodeForge.Core.Tests.Plugins;

public sealed class MarketplaceTests : IDisposable
{
    private readonly TempTree _tree = new();

    public void Dispose() => _tree.Dispose();

    [Fact]
    public void Read_ResolvesRelativeSourcesAndListsNetworkSourcesAsUnsupported()
    {
        _tree.Write("m/.claude-plugin/marketplace.json", """
            { "name": "team-tools", "owner": { "name": "Team" },
              "metadata": { "pluginRoot": "./plugins" },
              "plugins": [
                { "name": "a", "source": "./plugins/a", "description": "A", "version": "1.0.0" },
                { "name": "b", "source": "b" },
                { "name": "gh", "source": { "source": "github", "repo": "o/r" } } ] }
            """);
        var diagnostics = new List<LoadDiagnostic>();

        var m = Marketplace.Read(_tree["m"], diagnostics)!;

        Assert.Equal("team-tools", m.Name);
        Assert.Equal("Team", m.Owner);
        Assert.Equal(_tree["m/plugins/a"], m.Plugins[0].SourcePath);
        Assert.Equal(_tree["m/plugins/b"], m.Plugins[1].SourcePath);
        Assert.Null(m.Plugins[2].SourcePath);
        Assert.Contains("github o/r", m.Plugins[2].Unsupported, StringComparison.Ordinal);
        Assert.Equal(PluginSourceKind.GitHub, m.Plugins[2].Source!.Kind);
        Assert.Empty(diagnostics); // remote sources are normal: reported when installed, not on every read
    }

    [Theory]
    [InlineData("""{ "source": "github", "repo": "acme/tools", "ref": "v2" }""", PluginSourceKind.GitHub, "github acme/tools@v2")]
    [InlineData("""{ "source": "url", "url": "https://git.example/tools.git", "sha": "abc123" }""", PluginSourceKind.Git, "git https://git.example/tools.git@abc123")]
    [InlineData("""{ "source": "git", "url": "https://git.example/tools.git" }""", PluginSourceKind.Git, "git https://git.example/tools.git")]
    [InlineData("""{ "source": "git-subdir", "url": "https://git.example/mono.git", "path": "plugins/t", "ref": "main" }""", PluginSourceKind.GitSubdirectory, "git https://git.example/mono.git@main path plugins/t")]
    [InlineData("""{ "source": "npm", "package": "@acme/tools", "version": "1.2.0", "registry": "https://npm.example" }""", PluginSourceKind.Npm, "npm @acme/tools@1.2.0 from https://npm.example")]
    [InlineData("""{ "source": "pip", "package": "acme-tools" }""", PluginSourceKind.Pip, "pip acme-tools")]
    public void Read_EveryRemoteSourceForm_IsParsedWithAnOfflineError(string source, PluginSourceKind kind, string text)
    {
        _tree.Write("m/.claude-plugin/marketplace.json", $$"""{ "name": "m", "owner": { "name": "O" }, "plugins": [ { "name": "t", "source": {{source}} } ] }""");

        var entry = Assert.Single(Marketplace.Read(_tree["m"], new List<LoadDiagnostic>())!.Plugins);

        Assert.Equal(kind, entry.Source!.Kind);
        Assert.Equal(text, entry.Source.Text);
        Assert.True(entry.Source.IsRemote);
        Assert.Null(entry.SourcePath);
        Assert.Contains($"plugin 't' comes from {text}, which forge cannot fetch", entry.Unsupported, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "source": "github" }""", "a \"github\" source needs \"repo\"")]
    [InlineData("""{ "source": "git-subdir", "url": "https://x.git" }""", "needs \"path\"")]
    [InlineData("""{ "repo": "a/b" }""", "needs a \"source\" kind")]
    [InlineData("7", "must be a relative path")]
    public void Read_ASourceMissingItsFields_IsReportedOnItsLine(string source, string why)
    {
        _tree.Write("m/.claude-plugin/marketplace.json", $$"""
            { "name": "m",
              "plugins": [
                { "name": "t",
                  "source": {{source}} } ] }
            """);
        var diagnostics = new List<LoadDiagnostic>();

        var entry = Assert.Single(Marketplace.Read(_tree["m"], diagnostics)!.Plugins);

        Assert.Null(entry.SourcePath);
        var d = Assert.Single(diagnostics);
        Assert.Equal(4, d.Line);
        Assert.Contains(why, d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_OwnerMetadataStrictAndEntryFields_AreRead()
    {
        _tree.Write("m/p/x/README.md", "x");
        _tree.Write("m/.claude-plugin/marketplace.json", """
            { "name": "m", "owner": "Solo Dev",
              "metadata": { "description": "Tools", "version": "2.0.0", "pluginRoot": "./p" },
              "plugins": [ { "name": "x", "source": "x", "strict": false, "version": "0.1.0", "author": { "name": "Ann" }, "category": "dev",
                             "skills": ["./skills/a"], "unknownKey": true } ] }
            """);

        var m = Marketplace.Read(_tree["m"], new List<LoadDiagnostic>())!;

        Assert.Equal(("Solo Dev", "Tools", "2.0.0", "./p"), (m.Owner, m.Description, m.Version, m.PluginRoot));
        var x = m.Find("x")!;
        Assert.Equal(_tree["m/p/x"], x.SourcePath);
        Assert.False(x.Strict);
        Assert.Equal(("0.1.0", "Ann", "dev"), (x.Version, x.Author, x.Category));
        Assert.True(x.Definition!.Declares("skills"));
        Assert.False(x.Definition.Declares("commands"));
        Assert.Equal(4, x.Definition.Lines["skills"]);
    }

    [Fact]
    public void Read_ASourceEscapingTheMarketplace_IsUnsupported()
    {
        _tree.Write("m/.claude-plugin/marketplace.json", """{ "name": "m", "plugins": [ { "name": "x", "source": "../../x" } ] }""");

        var m = Marketplace.Read(_tree["m"], new List<LoadDiagnostic>())!;

        Assert.Contains("escapes", m.Plugins[0].Unsupported, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ \"plugins\": [] }", "name")]
    [InlineData("{ \"name\": \"m\" }", "plugins")]
    [InlineData("{ \"name\": \"m\",\n \"plugins\": [ }", "invalid JSON")]
    public void Read_ABadFile_IsReportedWithWhy(string json, string why)
    {
        _tree.Write("m/.claude-plugin/marketplace.json", json);
        var diagnostics = new List<LoadDiagnostic>();

        Assert.Null(Marketplace.Read(_tree["m"], diagnostics));
        Assert.Contains(why, Assert.Single(diagnostics).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NoMarketplaceFile_SaysSo()
    {
        var diagnostics = new List<LoadDiagnostic>();

        Assert.Null(Marketplace.Read(_tree.Root, diagnostics));
        Assert.False(Marketplace.IsMarketplace(_tree.Root));
        Assert.Contains("not a marketplace", Assert.Single(diagnostics).Message, StringComparison.Ordinal);
    }

    private (Marketplace? Market, List<LoadDiagnostic> Diagnostics) ReadJson(string json)
    {
        _tree.Write("m/.claude-plugin/marketplace.json", json);
        var diagnostics = new List<LoadDiagnostic>();
        return (Marketplace.Read(_tree["m"], diagnostics), diagnostics);
    }

    private string FileOf() => _tree["m/.claude-plugin/marketplace.json"];

    [Theory]
    [InlineData("[]", 1, "the marketplace file must be a JSON object")]
    [InlineData("{\n\"plugins\": []\n}", 1, "missing or unusable \"name\" (kebab-case, no spaces, ':', '@' or '/')")]
    [InlineData("{\n\"name\": \"my market\",\n\"plugins\": []\n}", 2, "missing or unusable \"name\" (kebab-case, no spaces, ':', '@' or '/')")]
    [InlineData("{\n\"name\": 7,\n\"plugins\": []\n}", 2, "missing or unusable \"name\" (kebab-case, no spaces, ':', '@' or '/')")]
    [InlineData("{\n\"name\": \"m\"\n}", 1, "missing \"plugins\" list")]
    [InlineData("{\n\"name\": \"m\",\n\"plugins\": {}\n}", 3, "missing \"plugins\" list")]
    public void Read_ABadFile_IsAnErrorOnItsLineSayingWhy(string json, int line, string message)
    {
        var (market, diagnostics) = ReadJson(json);

        Assert.Null(market);
        var d = Assert.Single(diagnostics);
        Assert.Equal(FileOf(), d.File);
        Assert.Equal(line, d.Line);
        Assert.Equal(message, d.Message);
        Assert.True(d.IsError);
    }

    [Fact]
    public void Read_InvalidJson_NamesTheMarketplaceFile()
    {
        var (_, diagnostics) = ReadJson("{ \"name\": \"m\",\n \"plugins\": [ }");

        var d = Assert.Single(diagnostics);
        Assert.Equal(2, d.Line);
        Assert.StartsWith("invalid JSON in the marketplace file: ", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NoMarketplaceFile_NamesTheDirectoryAndTheFileLookedFor()
    {
        var diagnostics = new List<LoadDiagnostic>();

        Marketplace.Read(_tree.Root + "/", diagnostics);

        var d = Assert.Single(diagnostics);
        Assert.Equal(_tree.Root, d.File);
        Assert.Null(d.Line);
        Assert.Equal("no .claude-plugin/marketplace.json here: not a marketplace", d.Message);
    }

    [Fact]
    public void IsMarketplace_IsWhetherTheMarketplaceFileExists()
    {
        _tree.Write("m/.claude-plugin/marketplace.json", "{}");
        _tree.Write("p/.claude-plugin/plugin.json", "{}");

        Assert.True(Marketplace.IsMarketplace(_tree["m"]));
        Assert.False(Marketplace.IsMarketplace(_tree["p"]));
    }

    [Theory]
    [InlineData("{ \"source\": \"./a\" }", "plugins[0] needs a usable \"name\"; entry skipped")]
    [InlineData("{ \"name\": \"a b\", \"source\": \"./a\" }", "plugins[0] needs a usable \"name\"; entry skipped")]
    [InlineData("{ \"name\": 1, \"source\": \"./a\" }", "plugins[0] needs a usable \"name\"; entry skipped")]
    [InlineData("\"a\"", "plugins[0] needs a usable \"name\"; entry skipped")]
    [InlineData("{ \"name\": \"a\" }", "plugins[0] (\"a\") has no \"source\"; entry skipped")]
    [InlineData("{ \"name\": \"a\", \"source\": \"\" }", "plugins[0] (\"a\"): \"source\" is empty")]
    [InlineData("{ \"name\": \"a\", \"source\": \"/abs/a\" }", "plugins[0] (\"a\"): an absolute source path is not allowed; use a path relative to the marketplace")]
    [InlineData("{ \"name\": \"a\", \"source\": \"~/a\" }", "plugins[0] (\"a\"): an absolute source path is not allowed; use a path relative to the marketplace")]
    [InlineData("{ \"name\": \"a\", \"source\": \"../../a\" }", "plugins[0] (\"a\"): source '../../a' escapes the marketplace directory")]
    [InlineData("{ \"name\": \"a\", \"source\": 7 }", "plugins[0] (\"a\"): \"source\" must be a relative path (\"./plugins/x\") or an object with a \"source\" kind")]
    [InlineData("{ \"name\": \"a\", \"source\": { \"repo\": \"o/r\" } }", "plugins[0] (\"a\"): the \"source\" object needs a \"source\" kind (github, url, git-subdir, npm, …)")]
    [InlineData("{ \"name\": \"a\", \"source\": { \"source\": \"directory\" } }", "plugins[0] (\"a\"): a \"directory\" source needs \"path\"")]
    [InlineData("{ \"name\": \"a\", \"source\": { \"source\": \"npm\" } }", "plugins[0] (\"a\"): a \"npm\" source needs \"package\"")]
    [InlineData("{ \"name\": \"a\", \"source\": { \"source\": \"pip\" } }", "plugins[0] (\"a\"): a \"pip\" source needs \"package\"")]
    [InlineData("{ \"name\": \"a\", \"source\": { \"source\": \"url\" } }", "plugins[0] (\"a\"): a \"url\" source needs \"url\"")]
    [InlineData("{ \"name\": \"a\", \"source\": { \"source\": \"git-subdir\", \"path\": \"p\" } }", "plugins[0] (\"a\"): a \"git-subdir\" source needs \"url\"")]
    public void Read_ABadEntry_IsAWarningOnItsLineSayingWhy(string entry, string message)
    {
        var (market, diagnostics) = ReadJson($"{{ \"name\": \"m\",\n\"plugins\": [\n{entry}\n] }}");

        Assert.NotNull(market);
        var d = Assert.Single(diagnostics);
        Assert.Equal(FileOf(), d.File);
        Assert.Equal(3, d.Line);
        Assert.Equal(message, d.Message);
        Assert.False(d.IsError);
    }

    [Fact]
    public void Read_AnEntryWithABadSource_IsListedAsUnsupported_AndOneWithoutANameIsLeftOut()
    {
        var (market, _) = ReadJson("{ \"name\": \"m\", \"plugins\": [ { \"source\": \"./x\" }, { \"name\": \"a\", \"source\": \"/abs\" }, { \"name\": \"b\" } ] }");

        var entry = Assert.Single(market!.Plugins);
        Assert.Equal("a", entry.Name);
        Assert.Null(entry.SourcePath);
        Assert.Equal("an absolute source path is not allowed; use a path relative to the marketplace", entry.Unsupported);
    }

    [Fact]
    public void Read_TwoEntriesOfOneName_KeepsTheFirstAndWarnsOnTheSecond()
    {
        var (market, diagnostics) = ReadJson("{ \"name\": \"m\", \"plugins\": [\n{ \"name\": \"a\", \"source\": \"./one\" },\n{ \"name\": \"a\", \"source\": \"./two\" }\n] }");

        var entry = Assert.Single(market!.Plugins);
        Assert.Equal(_tree["m/one"], entry.SourcePath);
        var d = Assert.Single(diagnostics);
        Assert.Equal(3, d.Line);
        Assert.Equal("plugins[1]: another entry is already named 'a'; entry skipped", d.Message);
    }

    [Fact]
    public void Read_ASourceOnItsOwnLine_IsReportedOnThatLine()
    {
        var (_, diagnostics) = ReadJson("{ \"name\": \"m\", \"plugins\": [\n{ \"name\": \"a\",\n  \"source\": \"/abs\" }\n] }");

        Assert.Equal(3, Assert.Single(diagnostics).Line);
    }

    [Theory]
    [InlineData("./a", "a")]
    [InlineData("../m/a", "a")]
    [InlineData(".", "")]
    [InlineData("a", "plugins/a")]
    [InlineData("sub/../a", "plugins/a")]
    public void Read_ARelativeSource_IsUnderTheMarketplaceOrItsPluginRoot(string source, string expected)
    {
        var (market, diagnostics) = ReadJson($$"""{ "name": "m", "metadata": { "pluginRoot": "plugins" }, "plugins": [ { "name": "a", "source": "{{source}}" } ] }""");

        Assert.Empty(diagnostics);
        var entry = Assert.Single(market!.Plugins);
        Assert.Equal(Path.TrimEndingDirectorySeparator(Path.Combine(_tree["m"], expected)), entry.SourcePath);
        Assert.Null(entry.Unsupported);
        Assert.Equal(PluginSourceKind.RelativePath, entry.Source!.Kind);
        Assert.False(entry.Source.IsRemote);
        Assert.Equal(source, entry.Source.Text);
    }

    [Theory]
    [InlineData("../elsewhere")]
    [InlineData("/abs")]
    public void Read_APluginRootOutsideTheMarketplace_IsIgnoredWithAWarning(string pluginRoot)
    {
        var (market, diagnostics) = ReadJson($$"""
            { "name": "m",
              "metadata": {
                "pluginRoot": "{{pluginRoot}}" },
              "plugins": [ { "name": "a", "source": "a" } ] }
            """);

        Assert.Null(market!.PluginRoot);
        Assert.Equal(_tree["m/a"], market.Plugins[0].SourcePath);
        var d = Assert.Single(diagnostics);
        Assert.Equal(3, d.Line);
        Assert.Equal($"metadata.pluginRoot '{pluginRoot}' must stay inside the marketplace; ignored", d.Message);
        Assert.False(d.IsError);
    }

    [Fact]
    public void Read_TopLevelDescriptionVersionAndPluginRoot_AreReadWhenThereIsNoMetadata()
    {
        var (market, _) = ReadJson("""{ "name": "m", "owner": 7, "description": "Top", "version": "3", "pluginRoot": "./p", "plugins": [] }""");

        Assert.Equal(("Top", "3", "./p"), (market!.Description, market.Version, market.PluginRoot));
        Assert.Null(market.Owner);
        Assert.Empty(market.Plugins);
        Assert.Equal(_tree["m"], market.Root);
    }

    [Fact]
    public void Read_MetadataWinsOverTheTopLevel()
    {
        var (market, _) = ReadJson("""{ "name": "m", "description": "Top", "metadata": { "description": "Meta", "version": 3 }, "version": "1", "plugins": [] }""");

        Assert.Equal("Meta", market!.Description);
        Assert.Equal("1", market.Version);
    }

    [Fact]
    public void Read_AnEntry_KeepsItsDefinitionWithTheLinesOfItsKeys()
    {
        var (market, _) = ReadJson("{ \"name\": \"mk\", \"plugins\": [\n{ \"name\": \"a\", \"source\": \"./a\",\n  \"author\": \"Ann\",\n  \"strict\": true,\n  \"commands\": [\"./c\"] }\n] }");

        var entry = Assert.Single(market!.Plugins);
        Assert.True(entry.Strict);
        Assert.Equal("Ann", entry.Author);
        Assert.Null(entry.Description);
        Assert.Null(entry.Category);
        var definition = entry.Definition!;
        Assert.Equal("a", definition.Name);
        Assert.Equal("mk", definition.Marketplace);
        Assert.Equal(FileOf(), definition.File);
        Assert.True(definition.Strict);
        Assert.Equal(2, definition.Lines[""]);
        Assert.Equal(5, definition.Lines["commands"]);
        Assert.Equal(5, definition.Lines["commands[0]"]);
        Assert.False(definition.Lines.ContainsKey("plugins[0].commands"));
        Assert.True(definition.Declares("commands"));
        Assert.False(definition.Declares("agents"));
    }

    [Fact]
    public void Find_IsByExactName()
    {
        var (market, _) = ReadJson("""{ "name": "m", "plugins": [ { "name": "a", "source": "./a" }, { "name": "b", "source": "./b" } ] }""");

        Assert.Equal("b", market!.Find("b")!.Name);
        Assert.Null(market.Find("B"));
        Assert.Null(market.Find("c"));
    }

    [Fact]
    public void Read_TheDirectoryAndFileSourceKinds_AreLocal()
    {
        var (market, _) = ReadJson("""{ "name": "m", "plugins": [ { "name": "a", "source": { "source": "directory", "path": "/x" } }, { "name": "b", "source": { "source": "file", "path": "/y" } } ] }""");

        Assert.All(market!.Plugins, p => Assert.Equal(PluginSourceKind.Directory, p.Source!.Kind));
        Assert.All(market.Plugins, p => Assert.False(p.Source!.IsRemote));
        Assert.Equal("directory /x", market.Plugins[0].Source!.Text);
    }

    [Fact]
    public void Read_AnUnknownSourceKind_IsKeptAsUnknownAndRefusedOffline()
    {
        var (market, diagnostics) = ReadJson("""{ "name": "m", "plugins": [ { "name": "a", "source": { "source": "archive", "url": "https://x/a.tgz" } } ] }""");

        var entry = Assert.Single(market!.Plugins);
        Assert.Equal(PluginSourceKind.Unknown, entry.Source!.Kind);
        Assert.True(entry.Source.IsRemote);
        Assert.Equal("plugin 'a' comes from \"archive\" source, which forge cannot fetch (it installs only from local directories); get it yourself (git clone / npm pack) and run: forge plugin install <that directory>",
            entry.Unsupported);
        Assert.Empty(diagnostics);
    }

    [Theory]
    [InlineData("""{ "source": "github", "repo": "o/r", "sha": "abc", "ref": "main", "path": "sub" }""", "github o/r@abc path sub")]
    [InlineData("""{ "source": "git-subdir", "repo": "o/r", "path": "p" }""", "git o/r path p")]
    [InlineData("""{ "source": "npm", "package": "x" }""", "npm x")]
    [InlineData("""{ "source": "pip", "package": "x", "version": "1.0" }""", "pip x==1.0")]
    public void Read_ARemoteSource_IsDescribedAsWritten(string source, string text)
    {
        var (market, _) = ReadJson($$"""{ "name": "m", "plugins": [ { "name": "t", "source": {{source}} } ] }""");

        Assert.Equal(text, Assert.Single(market!.Plugins).Source!.Text);
    }

    [Fact]
    public void ToInstalledJson_KeepsTheEntryAndNamesItsMarketplaceOnce()
    {
        var (market, _) = ReadJson("""{ "name": "mk", "plugins": [ { "name": "a", "source": "./a", "strict": false, "x-forge-marketplace": "old" } ] }""");
        var definition = market!.Plugins[0].Definition!;
        var path = _tree.Write("installed/.claude-plugin/forge-marketplace-entry.json", definition.ToInstalledJson());

        var diagnostics = new List<LoadDiagnostic>();
        var read = PluginEntryDefinition.ReadInstalled(path, diagnostics)!;

        Assert.Empty(diagnostics);
        Assert.Equal("a", read.Name);
        Assert.False(read.Strict);
        Assert.Equal("mk", read.Marketplace);
        Assert.Equal("./a", read.Entry.GetProperty("source").GetString());
        Assert.Single(read.Entry.EnumerateObject(), p => p.Name == "x-forge-marketplace");
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{ \"source\": \"./a\" }")]
    [InlineData("{ \"name\": 1 }")]
    public void ReadInstalled_AnEntryWithoutAName_IsAnError(string json)
    {
        var path = _tree.Write("e.json", json);
        var diagnostics = new List<LoadDiagnostic>();

        Assert.Null(PluginEntryDefinition.ReadInstalled(path, diagnostics));
        var d = Assert.Single(diagnostics);
        Assert.Equal(1, d.Line);
        Assert.Equal("the marketplace entry needs a \"name\"", d.Message);
    }

    [Fact]
    public void ReadInstalled_WithoutAMarketplaceOrStrict_IsStrictFromNoMarketplace()
    {
        var path = _tree.Write("e.json", "{ \"name\": \"a\", \"strict\": \"no\" }");

        var read = PluginEntryDefinition.ReadInstalled(path, new List<LoadDiagnostic>())!;

        Assert.True(read.Strict);
        Assert.Equal("", read.Marketplace);
    }
}
