using CodeForge.Core.Permissions;

namespace CodeForge.Core.Tests.Permissions;

public sealed class SandboxDenyPlanTests : IDisposable
{
    private readonly string _root = Path.GetFullPath(Directory.CreateTempSubdirectory("forge-plan-").FullName);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private PermissionPolicy Policy(params string[] deny)
    {
        var loaded = PermissionRuleSet.Load(PermissionLayer.Project, [], [], deny, baseDirectory: _root);
        Assert.Empty(loaded.Errors);
        return PermissionPolicy.Create(_root, Path.Join(_root, "home"), PermissionRuleSet.Empty).WithLayer(PermissionLayer.Project, loaded.Rules);
    }

    private string Touch(string relative)
    {
        var path = Path.Join(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "x");
        return path;
    }

    [Fact]
    public void Compile_SortsRulesByWhatTheSandboxCanDo()
    {
        var plan = SandboxDenyPlan.Compile(Policy("Read(./.env)", "Edit(./src/**)", "Bash(rm *)", "Bash(curl:*)", "Bash(git push:*)", "Bash(echo *)", "Bash(sh *)", "Bash(ls)"));

        Assert.Equal(["Read(./.env)"], plan.Hidden.Select(r => r.Text));
        Assert.Equal(["Edit(./src/**)"], plan.ReadOnly.Select(r => r.Text));
        Assert.Equal(["rm", "unlink", "shred", "curl"], plan.Programs.Select(p => p.Program));
        Assert.Equal(["Bash(git push:*)", "Bash(echo *)", "Bash(sh *)", "Bash(ls)"], plan.ParserOnly.Select(p => p.Rule.Text));
        Assert.Contains("subcommand", plan.ParserOnly[0].Reason, StringComparison.Ordinal);
        Assert.Contains("shell builtin", plan.ParserOnly[1].Reason, StringComparison.Ordinal);
        Assert.Contains("shell the sandbox runs", plan.ParserOnly[2].Reason, StringComparison.Ordinal);
        Assert.False(plan.EnforcesEveryDenyRule);
    }

    [Fact]
    public void Compile_WithOnlyEnforceableRules_EnforcesEveryDenyRule()
    {
        var plan = SandboxDenyPlan.Compile(Policy("Read(./.env)", "Bash(rm:*)"));

        Assert.True(plan.EnforcesEveryDenyRule);
        Assert.Equal("deny rules enforced: Read(./.env), Bash(rm:*) (masks rm, unlink, shred); " + SandboxDenyPlan.ProgramRuleLimit, plan.Describe());
    }

    [Fact]
    public void Compile_WithRmDenied_MasksItsSiblingsUnderTheSameRule()
    {
        var plan = SandboxDenyPlan.Compile(Policy("Bash(rm *)"));

        Assert.All(plan.Programs, p => Assert.Equal("Bash(rm *)", p.Rule.Text));
        Assert.Equal(["rm", "unlink", "shred"], plan.Programs.Select(p => p.Program));
    }

    [Fact]
    public void Resolve_WithRmDenied_HidesEveryCopyOfUnlink()
    {
        var bin = Path.Join(_root, "bin");
        var unlink = Touch("bin/unlink");

        var mounts = SandboxDenyPlan.Compile(Policy("Bash(rm *)")).Resolve(bin);

        Assert.Contains(unlink, mounts.Unreadable);
    }

    [Fact]
    public void Describe_WithNoProgramRule_DoesNotStateTheProgramLimit()
    {
        var plan = SandboxDenyPlan.Compile(Policy("Read(./.env)", "Edit(./src/**)"));

        Assert.DoesNotContain("not the act", plan.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_FindsGlobMatchesAndWholeDirectories_ThatExistNow()
    {
        var env = Touch(".env");
        var envLocal = Touch(".env.local");
        Touch("src/app.cs");
        Touch("deep/a/secrets/one.txt");
        var plan = SandboxDenyPlan.Compile(Policy("Read(./.env*)", "Read(**/secrets/**)", "Edit(./src/**)"));

        var mounts = plan.Resolve(null);

        Assert.Equal([env, envLocal, Path.Join(_root, "deep/a/secrets")], mounts.Unreadable.Order(StringComparer.Ordinal));
        Assert.Equal([Path.Join(_root, "src")], mounts.ReadOnly);
    }

    [Fact]
    public void Resolve_ALiteralRuleNamingADirectory_HidesTheWholeDirectory_AndAMissingPathNothing()
    {
        Touch("private/a.txt");
        var plan = SandboxDenyPlan.Compile(Policy("Read(./private)", "Read(./absent.txt)", "Edit(//" + _root.TrimStart('/') + "/private/a.txt)"));

        var mounts = plan.Resolve(null);

        Assert.Equal([Path.Join(_root, "private")], mounts.Unreadable);
        Assert.Equal([Path.Join(_root, "private/a.txt")], mounts.ReadOnly);
    }

    [Fact]
    public void Resolve_FollowsAMatchingLinkToItsTarget()
    {
        var target = Touch("real/secret.txt");
        File.CreateSymbolicLink(Path.Join(_root, "secret.txt"), target);
        var plan = SandboxDenyPlan.Compile(Policy("Read(./secret.txt)"));

        Assert.Equal([target], plan.Resolve(null).Unreadable);
    }

    [Fact]
    public void Resolve_DeniedProgram_HidesEveryCopyOnThePath()
    {
        var bin = Path.Join(_root, "bin");
        var copy = Touch("bin/rm");
        var plan = SandboxDenyPlan.Compile(Policy("Bash(rm *)"));

        var mounts = plan.Resolve(bin);

        Assert.Contains(copy, mounts.Unreadable);
        Assert.Contains(mounts.Unreadable, p => p.StartsWith("/usr/", StringComparison.Ordinal) && p.EndsWith("/rm", StringComparison.Ordinal));
    }

    [Fact]
    public void ProgramCopies_AMultiCallBinaryUsedByOtherCommands_IsNotEnforceable()
    {
        var bin = Path.Join(_root, "mbin");
        var busybox = Touch("mbin/busybox");
        File.CreateSymbolicLink(Path.Join(bin, "rm"), busybox);

        var copies = SandboxDenyPlan.ProgramCopies("rm", bin, out var whyNot);

        Assert.Null(copies);
        Assert.Contains("multi-call binary", whyNot, StringComparison.Ordinal);
    }

    [Fact]
    public void ProgramCopies_WhenAMultiCallBinaryOnThePathServesOtherCommands_IsNotEnforceableAndSaysWhichBinary()
    {
        var bin = Path.Join(_root, "bin4");
        Touch("bin4/rm");
        var mbin = Path.Join(_root, "mbin2");
        var busybox = Touch("mbin2/busybox");
        File.CreateSymbolicLink(Path.Join(mbin, "ls"), busybox);

        var copies = SandboxDenyPlan.ProgramCopies("rm", $"{bin}:{mbin}", out var whyNot);

        Assert.Null(copies);
        Assert.Equal($"{busybox} (busybox) can act as rm, and other commands are links to it", whyNot);
    }

    /// <summary>Bash builtins (bash(1) SHELL BUILTIN COMMANDS) run inside the shell even where a program of that name exists.</summary>
    [Theory]
    [InlineData("echo")]
    [InlineData("printf")]
    [InlineData("test")]
    [InlineData("[")]
    [InlineData("kill")]
    [InlineData("pwd")]
    public void ProgramCopies_OfAShellBuiltin_IsNotEnforceableByAMount(string program)
    {
        var copies = SandboxDenyPlan.ProgramCopies(program, null, out var whyNot);

        Assert.Null(copies);
        Assert.Equal($"{program} is a shell builtin, which no mount can hide", whyNot);
    }

    [Fact]
    public void ProgramCopies_AnUnusedMultiCallBinary_IsHiddenToo()
    {
        var busybox = Touch("mbin/busybox");

        var copies = SandboxDenyPlan.ProgramCopies("rm", Path.Join(_root, "mbin"), out _);

        Assert.NotNull(copies);
        Assert.Contains(busybox, copies);
    }

    [Fact]
    public void ProgramCopies_AreOnlyFilesThatExist()
    {
        var copy = Touch("bin2/rm");
        Directory.CreateDirectory(Path.Join(_root, "empty"));

        var copies = SandboxDenyPlan.ProgramCopies("rm", $"{Path.Join(_root, "empty")}:{Path.Join(_root, "bin2")}", out _);

        Assert.NotNull(copies);
        Assert.Contains(copy, copies);
        Assert.All(copies, c => Assert.True(File.Exists(c), $"{c} does not exist, yet the sandbox would hide it"));
        Assert.DoesNotContain(Path.Join(_root, "empty", "rm"), copies);
    }

    [Theory]
    [InlineData("rm *", "rm")]
    [InlineData("python3.12 *", "python3.12")]
    [InlineData("git push *", null)]
    [InlineData("rm", null)]
    [InlineData("*rm *", null)]
    [InlineData("./rm *", null)]
    public void WholeProgram_RecognisesOnlyAWholeProgramPattern(string pattern, string? expected)
    {
        Assert.Equal(expected, SandboxDenyPlan.WholeProgram(pattern));
    }

    /// <summary>
    /// /proc, /sys and /dev are the kernel's views, not files a mount can hide: the sandbox mounts nothing over them,
    /// whether the rule names the directory or a file below it.
    /// </summary>
    [Theory]
    [InlineData("Read(//proc)", "Edit(//sys)")]
    [InlineData("Read(//proc/self/environ)", "Edit(//proc/self/oom_score_adj)")]
    [InlineData("Read(//sys/kernel)", "Edit(//dev/null)")]
    [InlineData("Read(//dev)", "Edit(//proc/sys/kernel)")]
    public void Resolve_ARuleOnAKernelFileSystem_MountsNothingThere(string read, string edit)
    {
        var mounts = SandboxDenyPlan.Compile(Policy(read, edit)).Resolve(null);

        Assert.Empty(mounts.Unreadable);
        Assert.Empty(mounts.ReadOnly);
    }
}
