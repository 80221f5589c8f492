using CodeForge.Core.Permissions;
using static CodeForge.Core.Tests.Permissions.PermissionTestKit;

namespace CodeForge.Core.Tests.Permissions;

/// <summary>How a policy decides Bash commands the parser cannot see through when the sandbox enforces the deny rules.</summary>
public sealed class PermissionPolicyTests
{
    private static PermissionPolicy Policy(string[] allow, string[] deny, bool sandboxed)
    {
        var loaded = PermissionRuleSet.Load(PermissionLayer.Project, allow, [], deny, baseDirectory: Cwd);
        Assert.Empty(loaded.Errors);
        return PermissionPolicy.Create(Cwd, Home, PermissionRuleSet.Empty).WithLayer(PermissionLayer.Project, loaded.Rules).WithSandboxEnforcement(sandboxed);
    }

    private static PermissionDecision Bash(PermissionPolicy policy, string command) => policy.Evaluate("Bash", Command(command), Cwd);

    public static TheoryData<string> Unseen => new()
    {
        "python3 -c \"print(1)\"",
        "node -e \"console.log(1)\"",
        "find . -name '*.cs' -exec grep x {} \\;",
        "ls | xargs grep x",
        "echo $(date)",
        "cat \"$FILE\"",
    };

    [Theory]
    [MemberData(nameof(Unseen))]
    public void Evaluate_BashAllowed_AndTheSandboxEnforcesEveryDenyRule_RunsWhatTheParserCannotSee(string command)
    {
        var policy = Policy(["Bash"], ["Bash(rm *)", "Read(./secret.txt)", "Edit(./src/**)"], sandboxed: true);

        var decision = Bash(policy, command);

        Assert.Equal(PermissionBehavior.Allow, decision.Behavior);
    }

    [Theory]
    [MemberData(nameof(Unseen))]
    public void Evaluate_WithoutTheSandbox_AsksAsBefore(string command)
    {
        var policy = Policy(["Bash"], ["Bash(rm *)", "Read(./secret.txt)"], sandboxed: false);

        Assert.Equal(PermissionBehavior.Ask, Bash(policy, command).Behavior);
    }

    [Fact]
    public void Evaluate_ARuleTheSandboxCannotEnforce_KeepsTheParsersAnswer()
    {
        var policy = Policy(["Bash"], ["Bash(git push:*)"], sandboxed: true);

        var decision = Bash(policy, "python3 -c \"import os; os.system('git push')\"");

        Assert.Equal(PermissionBehavior.Ask, decision.Behavior);
        Assert.False(policy.SandboxPlan.EnforcesEveryDenyRule);
    }

    [Fact]
    public void Evaluate_APrefixAllowRule_NeverAdmitsAHiddenCommand()
    {
        var policy = Policy(["Bash(echo *)"], ["Bash(rm *)"], sandboxed: true);

        Assert.Equal(PermissionBehavior.Ask, Bash(policy, "echo $(touch x)").Behavior);
    }

    [Fact]
    public void Evaluate_PlanMode_StillNeedsAProvenReadOnlyCommand()
    {
        var policy = Policy(["Bash"], ["Bash(rm *)"], sandboxed: true).WithMode(PermissionMode.Plan);

        Assert.Equal(PermissionBehavior.Deny, Bash(policy, "python3 -c \"print(1)\"").Behavior);
    }

    [Theory]
    [InlineData("rm -rf build", "Bash(rm *)")]
    [InlineData("cat secret.txt", "Read(./secret.txt)")]
    [InlineData("echo x > src/a.cs", "Edit(./src/**)")]
    public void Evaluate_WhatTheParserSeesDenied_IsStillDeniedAtOnce(string command, string rule)
    {
        var policy = Policy(["Bash"], ["Bash(rm *)", "Read(./secret.txt)", "Edit(./src/**)"], sandboxed: true);

        var decision = Bash(policy, command);

        Assert.Equal(PermissionBehavior.Deny, decision.Behavior);
        Assert.Equal(rule, decision.DecidingRule?.Text);
    }

    [Fact]
    public void Evaluate_AHiddenWriteToAProtectedPath_TheParserSees_StillAsks()
    {
        var policy = Policy(["Bash"], ["Bash(rm *)"], sandboxed: true);

        Assert.Equal(PermissionBehavior.Ask, Bash(policy, "echo x > .git/hooks/pre-commit").Behavior);
    }

    [Fact]
    public void WithLayer_KeepsTheSandboxEnforcement()
    {
        var policy = Policy(["Bash"], [], sandboxed: true).WithLayer(PermissionLayer.User, PermissionRuleSet.Empty).WithMode(PermissionMode.AcceptEdits);

        Assert.True(policy.SandboxEnforcesDenyRules);
    }
    [Theory]
    [InlineData("make build", false)]
    [InlineData("make build", true)]
    [InlineData("echo $(date)", false)]
    [InlineData("echo $(date)", true)]
    public void Evaluate_AWholeToolAllowRuleForAnotherTool_NeitherAllowsBashNorCoversWhatTheParserCannotSee(string command, bool sandboxed)
    {
        var policy = Policy(["WebSearch", "Read"], ["Bash(rm *)"], sandboxed);

        Assert.Equal(PermissionBehavior.Ask, Bash(policy, command).Behavior);
    }
    /// <summary>
    /// A working directory reached through a symbolic link: a link inside it to the denied file is the denied file, and
    /// other files are not.
    /// </summary>
    [Fact]
    public void Evaluate_InALinkedWorkingDirectory_ADenyRuleMatchesALinkToTheDeniedFile()
    {
        var root = Path.GetFullPath(Directory.CreateTempSubdirectory("forge-policy-").FullName);
        try
        {
            var real = Path.Join(root, "real");
            Directory.CreateDirectory(real);
            File.WriteAllText(Path.Join(real, ".env"), "KEY=1");
            File.WriteAllText(Path.Join(real, "notes.txt"), "x");
            var link = Path.Join(root, "link");
            Directory.CreateSymbolicLink(link, real);
            File.CreateSymbolicLink(Path.Join(real, "alias"), Path.Join(real, ".env"));
            var loaded = PermissionRuleSet.Load(PermissionLayer.Project, [], [], ["Read(./.env)"], baseDirectory: link);
            var policy = PermissionPolicy.Create(link, Path.Join(root, "home"), PermissionRuleSet.Empty).WithLayer(PermissionLayer.Project, loaded.Rules);

            Assert.Equal(PermissionBehavior.Deny, policy.Evaluate("Read", FilePath(Path.Join(link, "alias"))).Behavior);
            Assert.Equal(PermissionBehavior.Deny, policy.Evaluate("Read", FilePath(Path.Join(link, ".env"))).Behavior);
            Assert.NotEqual(PermissionBehavior.Deny, policy.Evaluate("Read", FilePath(Path.Join(link, "notes.txt"))).Behavior);
            Assert.Null(policy.ToLexicalWorkspace("/etc/passwd"));
            Assert.Equal(Path.Join(link, "notes.txt"), policy.ToLexicalWorkspace(Path.Join(real, "notes.txt")));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void ToLexicalWorkspace_WhenTheWorkingDirectoryIsNoLink_MapsNothing()
    {
        var policy = PermissionPolicy.Create(Cwd, Home, PermissionRuleSet.Empty);

        Assert.Null(policy.ToLexicalWorkspace(Cwd + "/a.txt"));
        Assert.Null(policy.ToLexicalWorkspace("/etc/passwd-and-more"));
    }

    /// <summary>
    /// A Bash command that writes outside the workspace, with no rule about it, asks saying what it writes (and dontAsk
    /// mode refuses it saying so), rather than with the plain "no rule matches" question.
    /// </summary>
    [Fact]
    public void Evaluate_ABashWriteOutsideTheWorkspace_NamesTheFileItWrites()
    {
        var policy = PermissionPolicy.Create(Cwd, Home, PermissionRuleSet.Empty);

        var asked = Bash(policy, "echo x > /tmp/out.txt");
        var refused = Bash(policy.WithMode(PermissionMode.DontAsk), "echo x > /tmp/out.txt");

        Assert.Equal(PermissionBehavior.Ask, asked.Behavior);
        Assert.Contains("the command writes /tmp/out.txt, outside the working directory", asked.Reason, StringComparison.Ordinal);
        Assert.Equal(PermissionBehavior.Deny, refused.Behavior);
        Assert.Contains("the command writes /tmp/out.txt, outside the working directory", refused.Reason, StringComparison.Ordinal);
    }
}
