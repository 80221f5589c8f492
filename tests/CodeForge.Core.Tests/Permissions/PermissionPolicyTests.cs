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
}
