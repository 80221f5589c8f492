using CodeForge.Core.Tools.BuiltIn;

namespace CodeForge.Core.Tests.Tools.BuiltIn;

/// <summary>
/// Grep's <c>type</c> table: each type selects the files its name promises (ripgrep's globs for the common types, plus the
/// aliases the tool description names, such as "python" and "rust"). One example file name per glob, so a glob lost from
/// the table is a file the type no longer searches.
/// </summary>
public sealed class GrepFileTypesTests
{
    /// <summary>Type → one example file name per glob, in the table's order.</summary>
    private static readonly (string Type, string Names)[] Rows =
    [
        ("c", "x.c x.c.in x.cats"),
        ("cpp", "x.C x.cc x.cpp x.cxx x.hh x.inl x.C.in x.cc.in x.cpp.in x.cxx.in x.hh.in"),
        ("cs", "x.cs"),
        ("csharp", "x.cs"),
        ("csproj", "x.csproj"),
        ("css", "x.css x.scss"),
        ("dart", "x.dart"),
        ("docker", "Dockerfile"),
        ("elixir", "x.ex x.eex x.exs"),
        ("fsharp", "x.fs x.fsx x.fsi"),
        ("go", "x.go"),
        ("haskell", "x.hs x.lhs x.cpphs x.c2hs x.hsc"),
        ("html", "x.htm x.html x.ejs"),
        ("java", "x.java x.jsp x.jspx x.properties"),
        ("js", "x.js x.jsx x.vue x.cjs x.mjs"),
        ("json", "x.json composer.lock"),
        ("kotlin", "x.kt x.kts"),
        ("lua", "x.lua"),
        ("make", "GNUmakefile Makefile GNUmakefile.am Makefile.am GNUmakefile.in Makefile.in x.mk x.mak"),
        ("markdown", "x.markdown x.md x.mdown x.mdwn x.mkd x.mkdn x.mdx"),
        ("md", "x.markdown x.md x.mdown x.mdwn x.mkd x.mkdn x.mdx"),
        ("msbuild", "x.csproj x.fsproj x.vcxproj x.proj x.props x.targets x.sln"),
        ("php", "x.php x.php3 x.php4 x.php5 x.phtml"),
        ("proto", "x.proto"),
        ("ps", "x.cdxml x.ps1 x.ps1xml x.psd1 x.psm1"),
        ("py", "x.py x.pyi"),
        ("python", "x.py x.pyi"),
        ("r", "x.R x.r x.Rmd x.Rnw"),
        ("rb", "x.rb Gemfile x.gemspec .irbrc Rakefile x.rake"),
        ("ruby", "x.rb Gemfile x.gemspec .irbrc Rakefile x.rake"),
        ("rust", "x.rs"),
        ("scala", "x.scala x.sbt"),
        ("sh", "x.bash x.bashrc .bash_profile .bash_login .bash_logout x.sh x.zsh .zshrc .profile"),
        ("sql", "x.sql x.psql"),
        ("swift", "x.swift"),
        ("toml", "x.toml Cargo.lock"),
        ("ts", "x.ts x.tsx x.cts x.mts"),
        ("typescript", "x.ts x.tsx x.cts x.mts"),
        ("txt", "x.txt"),
        ("xml", "x.xml x.xml.dist x.dtd x.xsl x.xslt x.xsd x.xjb x.rng x.sch x.xhtml"),
        ("yaml", "x.yaml x.yml"),
        ("zig", "x.zig"),
    ];

    public static TheoryData<string, string> Examples
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var (type, names) in Rows)
            {
                data.Add(type, names);
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void All_TheTypeSelectsAFileForEachOfItsGlobsAndNoOther(string type, string examples)
    {
        var names = examples.Split(' ');
        Assert.True(GrepFileTypes.All.TryGetValue(type, out var globs), $"no type '{type}'");
        Assert.Equal(names.Length, globs.Length);
        var rules = GlobRules.FromOverrideGlobs(globs);
        for (var i = 0; i < names.Length; i++)
        {
            Assert.True(rules.Match(names[i], names[i], isDirectory: false) == RuleMatch.Whitelist, $"'{type}' does not select {names[i]}");
            var alone = GlobRules.FromOverrideGlobs([globs[i]]);
            Assert.True(alone.Match(names[i], names[i], isDirectory: false) == RuleMatch.Whitelist, $"'{globs[i]}' of '{type}' does not select {names[i]}");
        }
        Assert.Equal(RuleMatch.None, rules.Match("notes.unknown", "notes.unknown", isDirectory: false));
    }

    [Fact]
    public void All_HasExactlyTheTypesWithExamples()
    {
        var named = Rows.Select(row => row.Type).Order(StringComparer.Ordinal);

        Assert.Equal(named, GrepFileTypes.All.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("cs", "csharp")]
    [InlineData("py", "python")]
    [InlineData("rb", "ruby")]
    [InlineData("ts", "typescript")]
    [InlineData("md", "markdown")]
    public void All_AnAliasSelectsTheSameFilesAsItsShortName(string shortName, string alias)
    {
        Assert.Equal(GrepFileTypes.All[shortName], GrepFileTypes.All[alias]);
    }

    [Fact]
    public void All_TypeNamesAreCaseSensitive()
    {
        Assert.False(GrepFileTypes.All.ContainsKey("CS"));
        Assert.True(GrepFileTypes.All.ContainsKey("r"));
        Assert.False(GrepFileTypes.All.ContainsKey("R"));
    }
}
