using System.Text.Json;
using CodeForge.Core.Permissions;
using static CodeForge.Core.Tests.Permissions.PermissionTestKit;

namespace CodeForge.Core.Tests.Permissions;

public sealed class PermissionRuleTests
{
    private static readonly RuleSource Project = new(PermissionLayer.Project);

    // ---------------------------------------------------------------- parsing

    [Theory]
    [InlineData("Bash", PermissionRuleKind.Tool)]
    [InlineData("Bash(npm run build)", PermissionRuleKind.BashCommand)]
    [InlineData("Bash(ls:*)", PermissionRuleKind.BashCommand)]
    [InlineData("Read(./.env)", PermissionRuleKind.Path)]
    [InlineData("Edit(/src/**/*.ts)", PermissionRuleKind.Path)]
    [InlineData("WebFetch(domain:example.com)", PermissionRuleKind.Domain)]
    [InlineData("mcp__puppeteer", PermissionRuleKind.McpServer)]
    [InlineData("mcp__puppeteer__*", PermissionRuleKind.ToolGlob)]
    [InlineData("mcp__puppeteer__puppeteer_navigate", PermissionRuleKind.Tool)]
    [InlineData("Task(Explore)", PermissionRuleKind.Subagent)]
    public void Parse_WhenRuleIsWellFormed_RecognisesItsKind(string text, PermissionRuleKind kind)
    {
        var rule = PermissionRule.Parse(text, PermissionBehavior.Allow, Project);

        Assert.Equal(kind, rule.Kind);
        Assert.Equal(text, rule.Text);
        Assert.Equal(PermissionBehavior.Allow, rule.Behavior);
        Assert.Same(Project, rule.Source);
    }

    [Fact]
    public void Parse_WhenRuleHasSurroundingSpaces_TrimsTheText()
    {
        var rule = PermissionRule.Parse("  Bash(ls *)  ", PermissionBehavior.Deny, Project);

        Assert.Equal("Bash(ls *)", rule.Text);
        Assert.Equal("Bash", rule.ToolPattern);
        Assert.Equal("ls *", rule.Specifier);
    }

    [Theory]
    [InlineData("", "empty rule")]
    [InlineData("   ", "empty rule")]
    [InlineData("Bash(ls", "unbalanced parenthesis")]
    [InlineData("Bash)ls(", "unbalanced parenthesis")]
    [InlineData("Bash ls)", "')' without '('")]
    [InlineData("Bash((ls)", "unbalanced parenthesis in the specifier")]
    [InlineData("(ls)", "empty tool name")]
    [InlineData("Bash()", "empty specifier")]
    [InlineData("Bash(  )", "empty specifier")]
    [InlineData("Bash(ls:* -la)", "':*' is only recognized at the end")]
    [InlineData("Bash(:*)", "empty command before ':*'")]
    [InlineData("WebFetch(domain:https://example.com)", "bad domain")]
    [InlineData("WebFetch(domain:a.*.com)", "bad domain")]
    [InlineData("WebFetch(domain:)", "bad domain")]
    [InlineData("WebFetch(example.com)", "domain:<host>")]
    [InlineData("bash(ls)", "did you mean 'Bash'")]
    [InlineData("read", "did you mean 'Read'")]
    [InlineData("web_fetch", "did you mean 'WebFetch'")]
    [InlineData("Ba sh", "invalid character ' '")]
    [InlineData("mcp__", "missing MCP server name")]
    [InlineData("mcp____tool", "missing MCP server name")]
    [InlineData("mcp__srv__", "missing MCP tool name")]
    [InlineData("mcp__srv(x)", "MCP rule takes no specifier")]
    [InlineData("mcp__*(x)", "glob cannot take a specifier")]
    [InlineData("Read(//)", "empty path pattern")]
    [InlineData("Read(!secret)", "negated path patterns")]
    [InlineData("Read(a\0b)", "NUL character in path pattern")]
    [InlineData("Read(~bob/x)", "'~user' paths")]
    [InlineData("Bash(command:ls)", "content field")]
    [InlineData("Read(file_path:/etc/passwd)", "content field")]
    [InlineData("WebFetch(url:x)", "content field")]
    [InlineData("TodoWrite(x)", "takes no specifier")]
    public void Parse_WhenRuleIsMalformed_ThrowsNamingRuleSourceAndReason(string text, string reason)
    {
        var source = new RuleSource(PermissionLayer.Project, "/repo/.forge/settings.json", "permissions.deny[2]");

        var error = Assert.Throws<PermissionRuleException>(() => PermissionRule.Parse(text, PermissionBehavior.Deny, source));

        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
        Assert.Equal(text, error.RuleText);
        Assert.Same(source, error.RuleSource);
        Assert.Contains($"'{text}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("/repo/.forge/settings.json permissions.deny[2]", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("*")]
    [InlineData("mcp__*")]
    [InlineData("mcp__srv*")]
    [InlineData("Bash*")]
    [InlineData("mcp__*__tool")]
    public void Parse_WhenAllowRuleHasToolGlobNotAfterServerPrefix_Throws(string text)
    {
        var error = Assert.Throws<PermissionRuleException>(() => PermissionRule.Parse(text, PermissionBehavior.Allow, Project));

        Assert.Contains("only allowed in allow rules after a literal mcp__<server>__ prefix", error.Reason, StringComparison.Ordinal);
        // The same glob is fine in deny and ask lists.
        Assert.Equal(PermissionRuleKind.ToolGlob, PermissionRule.Parse(text, PermissionBehavior.Deny, Project).Kind);
        Assert.Equal(PermissionRuleKind.ToolGlob, PermissionRule.Parse(text, PermissionBehavior.Ask, Project).Kind);
    }

    [Fact]
    public void Parse_WhenParameterRuleIsInAllowList_Throws()
    {
        var error = Assert.Throws<PermissionRuleException>(
            () => PermissionRule.Parse("Bash(run_in_background:true)", PermissionBehavior.Allow, Project));

        Assert.Contains("only allowed in deny and ask lists", error.Reason, StringComparison.Ordinal);
        Assert.Equal(PermissionRuleKind.Parameter, PermissionRule.Parse("Bash(run_in_background:true)", PermissionBehavior.Deny, Project).Kind);
    }

    [Fact]
    public void TryParse_WhenMalformed_ReturnsFalseWithError()
    {
        Assert.False(PermissionRule.TryParse("Bash(", PermissionBehavior.Ask, Project, out var rule, out var error));
        Assert.Null(rule);
        Assert.Contains("unbalanced parenthesis", error.Reason, StringComparison.Ordinal);

        Assert.True(PermissionRule.TryParse("Bash(ls)", PermissionBehavior.Ask, Project, out rule, out error));
        Assert.NotNull(rule);
        Assert.Null(error);
    }

    [Theory]
    [InlineData("Bash(echo $(date))", "echo $(date)")]
    [InlineData("Bash(make (all))", "make (all)")]
    [InlineData("Read(./a(1)/b(2).txt)", "./a(1)/b(2).txt")]
    public void Parse_WhenTheSpecifierHasBalancedParentheses_KeepsThem(string text, string specifier)
    {
        var rule = PermissionRule.Parse(text, PermissionBehavior.Deny, Project);

        Assert.Equal(specifier, rule.Specifier);
    }

    // ---------------------------------------------------------------- Bash

    [Fact]
    public void Bash_ExactRule_MatchesOnlyThatCommand()
    {
        Assert.True(Allows("Bash(npm run build)", "npm run build"));
        Assert.True(Allows("Bash(npm run build)", "  npm   run build "));
        Assert.False(Allows("Bash(npm run build)", "npm run build --watch"));
        Assert.False(Allows("Bash(npm run build)", "npm run"));
    }

    [Fact]
    public void Bash_TrailingSpaceStar_EnforcesWordBoundary()
    {
        Assert.True(Allows("Bash(ls *)", "ls -la"));
        Assert.True(Allows("Bash(ls *)", "ls"));
        Assert.False(Allows("Bash(ls *)", "lsof"));
    }

    [Fact]
    public void Bash_StarWithoutSpace_MatchesAnySuffix()
    {
        Assert.True(Allows("Bash(ls*)", "ls -la"));
        Assert.True(Allows("Bash(ls*)", "lsof"));
        Assert.False(Allows("Bash(ls*)", "cat ls"));
    }

    [Fact]
    public void Bash_ColonStarSuffix_EqualsTrailingSpaceStar()
    {
        Assert.True(Allows("Bash(ls:*)", "ls -la"));
        Assert.True(Allows("Bash(ls:*)", "ls"));
        Assert.False(Allows("Bash(ls:*)", "lsof"));
        Assert.True(Allows("Bash(npm run:*)", "npm run test"));
    }

    [Fact]
    public void Bash_NpmRunStar_MatchesScriptsOnly()
    {
        Assert.True(Allows("Bash(npm run *)", "npm run test"));
        Assert.True(Allows("Bash(npm run *)", "npm run build -- --prod"));
        Assert.False(Allows("Bash(npm run *)", "npm install left-pad"));
    }

    [Fact]
    public void Bash_StarInTheMiddle_MatchesAnySequenceIncludingSpaces()
    {
        Assert.True(Allows("Bash(git * main)", "git checkout main"));
        Assert.True(Allows("Bash(git * main)", "git push origin main"));
        Assert.False(Allows("Bash(git * main)", "git checkout dev"));
        Assert.True(Allows("Bash(* --version)", "node --version"));
        Assert.True(Allows("Bash(* --help *)", "dotnet --help build"));
        Assert.True(Allows("Bash(git * main *)", "git push origin main"));
        Assert.True(Allows("Bash(git * main *)", "git push origin main --force"));
        Assert.False(Allows("Bash(git * main *)", "git push origin mainline"));
    }

    [Fact]
    public void Bash_CompoundCommand_AllowNeedsEverySubcommandDenyAny()
    {
        Assert.False(Allows("Bash(ls *)", "ls && rm -rf x"));
        Assert.True(Allows("Bash(ls *)", "ls -la && ls src"));
        Assert.True(Denies("Bash(rm *)", "ls && rm -rf x"));
        Assert.False(Denies("Bash(rm *)", "ls && echo rm"));
    }

    [Fact]
    public void Bash_CompoundCommand_IsAllowedWhenEachSubcommandIsAllowedByAnyRule()
    {
        var policy = PolicyWith(PermissionBehavior.Allow, "Bash(git status)", "Bash(npm test *)");

        var both = policy.Evaluate("Bash", Command("git status && npm test -- --watch=false"));
        var oneMissing = policy.Evaluate("Bash", Command("git status && rm -rf x"));

        Assert.Equal(PermissionBehavior.Allow, both.Behavior);
        Assert.Equal("Bash(git status)", both.DecidingRule?.Text);
        Assert.Contains("'Bash(npm test *)'", both.Reason, StringComparison.Ordinal);
        Assert.Equal(PermissionBehavior.Ask, oneMissing.Behavior);
        Assert.Null(oneMissing.DecidingRule);
    }

    [Theory]
    [InlineData("ls; rm x")]
    [InlineData("ls || rm x")]
    [InlineData("ls | rm x")]
    [InlineData("ls |& rm x")]
    [InlineData("ls & rm x")]
    [InlineData("ls\nrm x")]
    [InlineData("(ls && rm x)")]
    [InlineData("if ls; then rm x; fi")]
    public void Bash_EverySeparator_SplitsSubcommands(string command)
    {
        Assert.False(Allows("Bash(ls *)", command));
        Assert.True(Denies("Bash(rm *)", command));
    }

    [Theory]
    [InlineData("echo 'a && rm x'")]
    [InlineData("echo \"a; rm x\"")]
    [InlineData("echo a\\;rm")]
    [InlineData("ls 2>&1")]
    [InlineData("ls &> out.txt")]
    public void Bash_SeparatorsInsideQuotesOrRedirections_DoNotSplit(string command)
    {
        Assert.True(Allows("Bash(echo *)", command) || Allows("Bash(ls *)", command));
    }

    [Theory]
    [InlineData("echo $(rm -rf x)")]
    [InlineData("echo \"$(rm -rf x)\"")]
    [InlineData("echo `rm -rf x`")]
    [InlineData("diff <(rm -rf x) y")]
    public void Bash_CommandSubstitution_IsCheckedAsASubcommand(string command)
    {
        Assert.False(Allows("Bash(echo *)", command));
        Assert.True(Denies("Bash(rm *)", command));
    }

    [Theory]
    [InlineData("timeout 30 npm test")]
    [InlineData("timeout -s KILL 30 npm test")]
    [InlineData("time npm test")]
    [InlineData("nice -n 5 npm test")]
    [InlineData("nohup npm test")]
    [InlineData("stdbuf -oL npm test")]
    [InlineData("command npm test")]
    [InlineData("builtin npm test")]
    [InlineData("NODE_ENV=test npm test")]
    [InlineData("NODE_ENV=test timeout 5 nice npm test")]
    [InlineData("env npm test")]
    [InlineData("env NODE_ENV=test npm test")]
    [InlineData("env -u DEBUG npm test")]
    public void Bash_WrappersAndSafeAssignments_AreStrippedForAllowRules(string command)
    {
        Assert.True(Allows("Bash(npm test)", command));
    }

    [Theory]
    [InlineData("LD_PRELOAD=/tmp/x.so npm test")]
    [InlineData("PATH=/tmp npm test")]
    [InlineData("env PATH=/tmp npm test")]
    [InlineData("env -S 'npm test'")]
    [InlineData("sudo npm test")]
    public void Bash_UnsafeAssignmentsAndOtherPrefixes_DefeatAllowRules(string command)
    {
        Assert.False(Allows("Bash(npm test)", command));
    }

    [Theory]
    [InlineData("FOO=1 rm x")]
    [InlineData("PATH=/x LD_PRELOAD=y rm x")]
    [InlineData("sudo rm x")]
    [InlineData("sudo -u root rm x")]
    [InlineData("env X=1 rm x")]
    [InlineData("timeout 5 rm x")]
    [InlineData("xargs rm")]
    public void Bash_DenyRules_MatchPastAssignmentsAndWrappers(string command)
    {
        Assert.True(Denies("Bash(rm *)", command));
    }

    [Theory]
    [InlineData("rm  -rf   /")]
    [InlineData("rm -rf \"/\"")]
    [InlineData("rm -rf '/etc'")]
    [InlineData("r\\m -rf /")]
    [InlineData("\trm -rf /home")]
    public void Bash_DenyRules_SeeThroughWhitespaceQuotesAndEscapes(string command)
    {
        Assert.True(Denies("Bash(rm -rf /*)", command));
    }

    [Fact]
    public void Bash_CommandVQuery_IsNotTreatedAsRunningTheCommand()
    {
        Assert.False(Denies("Bash(rm *)", "command -v rm"));
    }

    [Fact]
    public void Bash_DenyRuleWithOperators_MatchesTheWholeCommand()
    {
        Assert.True(Denies("Bash(cd / && rm *)", "cd / && rm -rf x"));
    }

    [Theory]
    [InlineData("echo \"unterminated")]
    [InlineData("echo $(ls")]
    [InlineData("echo `ls")]
    public void Bash_IncompleteCommand_IsNeverAllowed(string command)
    {
        Assert.False(Allows("Bash(echo *)", command));
        Assert.False(Allows("Bash(*)", command));
    }

    [Fact]
    public void Bash_CommandLongerThan10000Characters_IsNeverAllowed()
    {
        var command = "echo " + new string('a', 10_000);

        Assert.False(Allows("Bash(echo *)", command));
        Assert.True(Denies("Bash(echo *)", command));
    }

    [Fact]
    public void Bash_EmptyCommand_IsNotVacuouslyAllowed()
    {
        Assert.False(Allows("Bash(ls *)", "  "));
        Assert.False(Allows("Bash(ls *)", ";;"));
    }

    [Fact]
    public void Bash_RuleWithoutCommandArgument_DoesNotMatch()
    {
        var decision = PolicyWith(PermissionBehavior.Deny, "Bash(rm *)").Evaluate("Bash", Args(("timeout", 5)));

        Assert.Equal(PermissionBehavior.Ask, decision.Behavior);
        Assert.Null(decision.DecidingRule);
    }

    [Fact]
    public void Bash_DeeplyNestedSubstitution_IsIncompleteNotAStackOverflow()
    {
        var command = string.Concat(Enumerable.Repeat("$(", 500)) + "rm x" + new string(')', 500);

        Assert.False(Allows("Bash(*)", command));
        Assert.True(Denies("Bash(rm *)", command));
    }

    [Theory]
    [InlineData("echo hi > /work/proj/secrets/x")]
    [InlineData("echo hi >> secrets/x")]
    [InlineData("echo hi 2> ./secrets/x")]
    [InlineData("echo hi &>secrets/x")]
    [InlineData("echo hi >| 'secrets/x'")]
    public void Bash_OutputRedirection_IsCheckedAgainstEditDenyRules(string command)
    {
        Assert.True(Decides("Edit(./secrets/**)", PermissionBehavior.Deny, "Bash", Command(command)));
        Assert.True(Decides("Read(./secrets/**)", PermissionBehavior.Deny, "Bash", Command(command)));
        Assert.False(Decides("Edit(./secrets/**)", PermissionBehavior.Deny, "Bash", Command("cat secrets/x 2>&1")));
    }

    // ---------------------------------------------------------------- paths

    [Fact]
    public void Path_DotSlash_IsRelativeToWorkingDirectoryOnly()
    {
        Assert.True(Decides("Read(./.env)", PermissionBehavior.Deny, "Read", FilePath("/work/proj/.env")));
        Assert.True(Decides("Read(./.env)", PermissionBehavior.Deny, "Read", FilePath(".env")));
        Assert.False(Decides("Read(./.env)", PermissionBehavior.Deny, "Read", FilePath("/work/proj/sub/.env")));
        Assert.False(Decides("Read(./.env)", PermissionBehavior.Deny, "Read", FilePath("/elsewhere/.env")));
    }

    [Fact]
    public void Path_BarePatternWithoutSlash_MatchesAtAnyDepthUnderWorkingDirectory()
    {
        Assert.True(Decides("Read(*.env)", PermissionBehavior.Deny, "Read", FilePath("/work/proj/a/b/prod.env")));
        Assert.True(Decides("Read(.env)", PermissionBehavior.Deny, "Read", FilePath("/work/proj/sub/.env")));
        Assert.False(Decides("Read(*.env)", PermissionBehavior.Deny, "Read", FilePath("/etc/prod.env")));
        Assert.False(Decides("Read(.env)", PermissionBehavior.Deny, "Read", FilePath("/work/proj/prod.env")));
        Assert.False(Decides("Read(secrets)", PermissionBehavior.Deny, "Read", FilePath("/work/proj/mysecrets/x")));
    }

    [Fact]
    public void Path_BarePatternWithSlash_IsAnchoredForAllowButAnyDepthForDeny()
    {
        Assert.True(Decides("Read(secrets/**)", PermissionBehavior.Deny, "Read", FilePath("/work/proj/a/secrets/k.pem")));
        Assert.True(Decides("Edit(src/**)", PermissionBehavior.Allow, "Edit", FilePath("/work/proj/src/a.cs")));
        Assert.False(Decides("Edit(src/**)", PermissionBehavior.Allow, "Edit", FilePath("/work/proj/lib/src/a.cs")));
    }

    [Fact]
    public void Path_DoubleSlash_IsAbsolute()
    {
        Assert.True(Decides("Read(//etc/**)", PermissionBehavior.Deny, "Read", FilePath("/etc/passwd")));
        Assert.True(Decides("Read(//etc/**)", PermissionBehavior.Deny, "Read", FilePath("/etc/ssh/sshd_config")));
        Assert.False(Decides("Read(//etc/**)", PermissionBehavior.Deny, "Read", FilePath("/work/proj/etc/passwd")));
    }

    [Fact]
    public void Path_Tilde_IsRelativeToInjectedHome()
    {
        Assert.True(Decides("Read(~/Documents/*.pdf)", PermissionBehavior.Deny, "Read", FilePath("/home/alice/Documents/tax.pdf")));
        Assert.True(Decides("Read(~/Documents/*.pdf)", PermissionBehavior.Deny, "Read", FilePath("~/Documents/tax.pdf")));
        Assert.False(Decides("Read(~/Documents/*.pdf)", PermissionBehavior.Deny, "Read", FilePath("/home/alice/Documents/x/tax.pdf")));
        Assert.False(Decides("Read(~/Documents/*.pdf)", PermissionBehavior.Deny, "Read", FilePath("/home/bob/Documents/tax.pdf")));
    }

    [Fact]
    public void Path_SingleSlash_IsRelativeToSettingsSourceNotWorkingDirectory()
    {
        var source = RuleSource.ForSettingsFile(PermissionLayer.Project, "/repo/.forge/settings.json", "permissions.allow[0]");
        Assert.Equal("/repo", source.BaseDirectory);

        Assert.True(Decides("Edit(/src/**/*.ts)", PermissionBehavior.Allow, "Edit", FilePath("/repo/src/a/b.ts"), source));
        Assert.True(Decides("Edit(/src/**/*.ts)", PermissionBehavior.Allow, "Edit", FilePath("/repo/src/b.ts"), source));
        Assert.False(Decides("Edit(/src/**/*.ts)", PermissionBehavior.Allow, "Edit", FilePath("/work/proj/src/b.ts"), source));
        Assert.False(Decides("Edit(/src/**/*.ts)", PermissionBehavior.Allow, "Edit", FilePath("/repo/src/b.js"), source));
    }

    [Fact]
    public void Path_SingleSlashInSessionRule_IsRelativeToWorkingDirectory()
    {
        Assert.True(Decides("Edit(/src/**)", PermissionBehavior.Allow, "Edit", FilePath("/work/proj/src/a.cs"), RuleSource.Session));
    }

    [Fact]
    public void Path_DirectoryPattern_CoversEverythingInside()
    {
        Assert.True(Decides("Read(./secrets)", PermissionBehavior.Deny, "Read", FilePath("/work/proj/secrets/a/b.key")));
    }

    [Fact]
    public void Path_DotDotSegments_AreNormalizedBeforeMatching()
    {
        Assert.True(Decides("Read(//etc/**)", PermissionBehavior.Deny, "Read", FilePath("/work/proj/../../etc/shadow")));
        Assert.True(Decides("Read(./.env)", PermissionBehavior.Deny, "Read", FilePath("sub/../.env")));
    }

    [Theory]
    [InlineData("Edit")]
    [InlineData("Write")]
    [InlineData("MultiEdit")]
    public void Path_ReadDeny_AlsoBlocksEditTools(string tool)
    {
        Assert.True(Decides("Read(./.env)", PermissionBehavior.Deny, tool, FilePath("/work/proj/.env")));
        Assert.False(Decides("Read(./.env)", PermissionBehavior.Allow, tool, FilePath("/work/proj/.env")));
    }

    [Theory]
    [InlineData("Edit", true)]
    [InlineData("Write", true)]
    [InlineData("MultiEdit", true)]
    [InlineData("Read", false)]
    public void Path_EditRule_CoversWriteAndMultiEdit(string tool, bool expected)
    {
        Assert.Equal(expected, Decides("Edit(./src/**)", PermissionBehavior.Allow, tool, FilePath("/work/proj/src/a.cs")));
    }

    [Theory]
    [InlineData("Glob")]
    [InlineData("Grep")]
    public void Path_ReadRule_CoversGlobAndGrepPath(string tool)
    {
        Assert.True(Decides("Read(./secrets/**)", PermissionBehavior.Deny, tool, Args(("path", "/work/proj/secrets/deep"), ("pattern", "*"))));
        Assert.False(Decides("Read(./secrets/**)", PermissionBehavior.Deny, tool, Args(("path", "/work/proj/src"), ("pattern", "*"))));
    }

    [Fact]
    public void Path_WriteRule_AppliesToWriteOnly()
    {
        Assert.True(Decides("Write(./out/**)", PermissionBehavior.Ask, "Write", FilePath("/work/proj/out/a")));
        Assert.False(Decides("Write(./out/**)", PermissionBehavior.Ask, "Edit", FilePath("/work/proj/out/a")));
    }

    [Fact]
    public void Path_RuleWhenCallHasNoPath_DoesNotMatch()
    {
        Assert.False(Decides("Read(./**)", PermissionBehavior.Allow, "Read", Args(("offset", 3))));
        Assert.False(Decides("Read(./**)", PermissionBehavior.Allow, "Read", default));
    }

    [Fact]
    public void Path_MatchingIsCaseSensitiveOnLinux()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "case sensitivity follows the platform");
        Assert.False(Decides("Read(./.ENV)", PermissionBehavior.Deny, "Read", FilePath("/work/proj/.env")));
    }

    // ---------------------------------------------------------------- WebFetch

    [Fact]
    public void Domain_Exact_MatchesThatHostOnly()
    {
        Assert.True(Decides("WebFetch(domain:example.com)", PermissionBehavior.Allow, "WebFetch", Url("https://example.com/a?b")));
        Assert.True(Decides("WebFetch(domain:example.com)", PermissionBehavior.Allow, "WebFetch", Url("HTTP://Example.COM:8080/")));
        Assert.True(Decides("WebFetch(domain:example.com)", PermissionBehavior.Allow, "WebFetch", Url("example.com/x")));
        Assert.False(Decides("WebFetch(domain:example.com)", PermissionBehavior.Allow, "WebFetch", Url("https://api.example.com/")));
        Assert.False(Decides("WebFetch(domain:example.com)", PermissionBehavior.Allow, "WebFetch", Url("https://example.com.evil.io/")));
    }

    [Fact]
    public void Domain_StarDot_MatchesSubdomainsAtAnyDepthButNotTheDomain()
    {
        const string rule = "WebFetch(domain:*.example.com)";
        Assert.True(Decides(rule, PermissionBehavior.Allow, "WebFetch", Url("https://api.example.com/")));
        Assert.True(Decides(rule, PermissionBehavior.Allow, "WebFetch", Url("https://a.b.example.com/")));
        Assert.False(Decides(rule, PermissionBehavior.Allow, "WebFetch", Url("https://example.com/")));
        Assert.False(Decides(rule, PermissionBehavior.Allow, "WebFetch", Url("https://badexample.com/")));
    }

    [Fact]
    public void Domain_Star_MatchesEveryHost()
    {
        Assert.True(Decides("WebFetch(domain:*)", PermissionBehavior.Allow, "WebFetch", Url("https://anything.org/")));
        Assert.False(Decides("WebFetch(domain:*)", PermissionBehavior.Allow, "WebFetch", Url("::not a url::")));
    }

    // ---------------------------------------------------------------- MCP, globs, parameters, subagents

    [Fact]
    public void Mcp_ServerRule_MatchesEveryToolOfThatServerOnly()
    {
        Assert.True(Decides("mcp__puppeteer", PermissionBehavior.Allow, "mcp__puppeteer__puppeteer_navigate", default));
        Assert.False(Decides("mcp__puppeteer", PermissionBehavior.Allow, "mcp__puppeteer2__navigate", default));
        Assert.True(Decides("mcp__puppeteer__*", PermissionBehavior.Allow, "mcp__puppeteer__puppeteer_click", default));
        Assert.False(Decides("mcp__puppeteer__*", PermissionBehavior.Allow, "mcp__other__x", default));
    }

    [Fact]
    public void Mcp_ToolRule_MatchesThatToolOnly()
    {
        Assert.True(Decides("mcp__puppeteer__puppeteer_navigate", PermissionBehavior.Allow, "mcp__puppeteer__puppeteer_navigate", default));
        Assert.False(Decides("mcp__puppeteer__puppeteer_navigate", PermissionBehavior.Allow, "mcp__puppeteer__puppeteer_click", default));
    }

    [Fact]
    public void ToolGlob_InDenyRule_MatchesTheFullName()
    {
        Assert.True(Decides("mcp__*", PermissionBehavior.Deny, "mcp__github__create_issue", default));
        Assert.False(Decides("mcp__*", PermissionBehavior.Deny, "Bash", Command("ls")));
        Assert.True(Decides("*", PermissionBehavior.Deny, "Bash", Command("ls")));
        Assert.True(Decides("*", PermissionBehavior.Deny, "WebSearch", default));
    }

    [Fact]
    public void BareTool_MatchesEveryCallOfItAndIsCaseSensitive()
    {
        Assert.True(Decides("WebSearch", PermissionBehavior.Allow, "WebSearch", Args(("query", "x"))));
        Assert.False(Decides("WebSearch", PermissionBehavior.Allow, "websearch", default));
        Assert.True(Decides("Edit", PermissionBehavior.Allow, "Write", FilePath("/x")));
        Assert.False(Decides("Read", PermissionBehavior.Allow, "Glob", default));
    }

    [Fact]
    public void Parameter_Rule_MatchesTopLevelArgument()
    {
        const string rule = "Bash(run_in_background:true)";
        Assert.True(Decides(rule, PermissionBehavior.Deny, "Bash", Args(("command", "sleep 9"), ("run_in_background", true))));
        Assert.False(Decides(rule, PermissionBehavior.Deny, "Bash", Args(("command", "sleep 9"), ("run_in_background", false))));
        Assert.False(Decides(rule, PermissionBehavior.Deny, "Bash", Command("sleep 9")));
        Assert.True(Decides("Task(model:opus*)", PermissionBehavior.Ask, "Task", Args(("model", "opus-4"))));
        Assert.True(Decides("Bash(timeout:600000)", PermissionBehavior.Ask, "Bash", Args(("command", "x"), ("timeout", 600000))));
    }

    [Fact]
    public void Subagent_Rule_MatchesSubagentType()
    {
        Assert.True(Decides("Task(Explore)", PermissionBehavior.Allow, "Task", Args(("subagent_type", "Explore"), ("prompt", "p"))));
        Assert.True(Decides("Agent(Explore)", PermissionBehavior.Allow, "Task", Args(("subagent_type", "Explore"))));
        Assert.False(Decides("Task(Explore)", PermissionBehavior.Allow, "Task", Args(("subagent_type", "general-purpose"))));
    }

    [Fact]
    public void Rule_ForOneTool_NeverMatchesAnother()
    {
        Assert.False(Decides("Bash(ls *)", PermissionBehavior.Allow, "Read", Args(("command", "ls"))));
        Assert.False(Decides("WebFetch(domain:*)", PermissionBehavior.Allow, "Read", Url("https://x.org")));
    }

    [Fact]
    public void Rule_WhenArgumentsAreNotAnObject_DoesNotThrow()
    {
        using var doc = JsonDocument.Parse("[1,2]");
        Assert.False(Decides("Bash(*)", PermissionBehavior.Allow, "Bash", doc.RootElement));
        Assert.True(Decides("Bash", PermissionBehavior.Allow, "Bash", doc.RootElement));
    }
}
