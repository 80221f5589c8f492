using System.Collections.Frozen;

namespace CodeForge.Core.Tools.BuiltIn;

/// <summary>
/// The file types Grep's <c>type</c> parameter accepts (ripgrep's names for the common ones, plus a few aliases), each a
/// list of file-name globs. Both Grep paths use this table (ripgrep gets it through <c>--type-add</c>), so they agree.
/// </summary>
public static class GrepFileTypes
{
    /// <summary>Type name → globs.</summary>
    public static FrozenDictionary<string, string[]> All { get; } = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["c"] = ["*.[chH]", "*.[chH].in", "*.cats"],
        ["cpp"] = ["*.[ChH]", "*.cc", "*.[ch]pp", "*.[ch]xx", "*.hh", "*.inl", "*.[ChH].in", "*.cc.in", "*.[ch]pp.in", "*.[ch]xx.in", "*.hh.in"],
        ["cs"] = ["*.cs"],
        ["csharp"] = ["*.cs"],
        ["csproj"] = ["*.csproj"],
        ["css"] = ["*.css", "*.scss"],
        ["dart"] = ["*.dart"],
        ["docker"] = ["*Dockerfile*"],
        ["elixir"] = ["*.ex", "*.eex", "*.exs"],
        ["fsharp"] = ["*.fs", "*.fsx", "*.fsi"],
        ["go"] = ["*.go"],
        ["haskell"] = ["*.hs", "*.lhs", "*.cpphs", "*.c2hs", "*.hsc"],
        ["html"] = ["*.htm", "*.html", "*.ejs"],
        ["java"] = ["*.java", "*.jsp", "*.jspx", "*.properties"],
        ["js"] = ["*.js", "*.jsx", "*.vue", "*.cjs", "*.mjs"],
        ["json"] = ["*.json", "composer.lock"],
        ["kotlin"] = ["*.kt", "*.kts"],
        ["lua"] = ["*.lua"],
        ["make"] = ["[Gg][Nn][Uu]makefile", "[Mm]akefile", "[Gg][Nn][Uu]makefile.am", "[Mm]akefile.am", "[Gg][Nn][Uu]makefile.in", "[Mm]akefile.in", "*.mk", "*.mak"],
        ["markdown"] = ["*.markdown", "*.md", "*.mdown", "*.mdwn", "*.mkd", "*.mkdn", "*.mdx"],
        ["md"] = ["*.markdown", "*.md", "*.mdown", "*.mdwn", "*.mkd", "*.mkdn", "*.mdx"],
        ["msbuild"] = ["*.csproj", "*.fsproj", "*.vcxproj", "*.proj", "*.props", "*.targets", "*.sln"],
        ["php"] = ["*.php", "*.php3", "*.php4", "*.php5", "*.phtml"],
        ["proto"] = ["*.proto"],
        ["ps"] = ["*.cdxml", "*.ps1", "*.ps1xml", "*.psd1", "*.psm1"],
        ["py"] = ["*.py", "*.pyi"],
        ["python"] = ["*.py", "*.pyi"],
        ["r"] = ["*.R", "*.r", "*.Rmd", "*.Rnw"],
        ["rb"] = ["*.rb", "Gemfile", "*.gemspec", ".irbrc", "Rakefile", "*.rake"],
        ["ruby"] = ["*.rb", "Gemfile", "*.gemspec", ".irbrc", "Rakefile", "*.rake"],
        ["rust"] = ["*.rs"],
        ["scala"] = ["*.scala", "*.sbt"],
        ["sh"] = ["*.bash", "*.bashrc", ".bash_profile", ".bash_login", ".bash_logout", "*.sh", "*.zsh", ".zshrc", ".profile"],
        ["sql"] = ["*.sql", "*.psql"],
        ["swift"] = ["*.swift"],
        ["toml"] = ["*.toml", "Cargo.lock"],
        ["ts"] = ["*.ts", "*.tsx", "*.cts", "*.mts"],
        ["typescript"] = ["*.ts", "*.tsx", "*.cts", "*.mts"],
        ["txt"] = ["*.txt"],
        ["xml"] = ["*.xml", "*.xml.dist", "*.dtd", "*.xsl", "*.xslt", "*.xsd", "*.xjb", "*.rng", "*.sch", "*.xhtml"],
        ["yaml"] = ["*.yaml", "*.yml"],
        ["zig"] = ["*.zig"],
    }.ToFrozenDictionary(StringComparer.Ordinal);
}
