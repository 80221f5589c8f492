using CodeForge.Cli.Interactive;
using CodeForge.Core.Permissions;

namespace CodeForge.Cli.Tests.Interactive;

public sealed class PermissionProtectionTests
{
    private static readonly string Cwd = Path.Combine(Path.GetTempPath(), "forge-protection");

    private static PermissionPolicy Policy(bool sandboxed, params string[] deny) =>
        PermissionPolicy.Create(Cwd, Cwd).WithLayer(PermissionLayer.Project, PermissionRuleSet.Load(PermissionLayer.Project, ["Bash"], [], deny).Rules)
            .WithSandboxEnforcement(sandboxed);

    [Fact]
    public void Lines_WithTheSandbox_SayWhichRulesItEnforcesAndWhichOnlyTheParserChecks()
    {
        var lines = PermissionProtection.Lines(Policy(true, "Read(./.env)", "Edit(./src/**)", "Bash(rm:*)", "Bash(git push:*)"), "bwrap");

        Assert.StartsWith("Protection: bwrap sandbox", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.Contains("Read(./.env): sandbox: every match unreadable", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Edit(./src/**): sandbox: every match read-only", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Bash(rm:*): sandbox: every copy of rm, unlink, shred masked", StringComparison.Ordinal) &&
                                    l.Contains("stops the program, not the act", StringComparison.Ordinal) &&
                                    l.Contains("an Edit(path) deny rule (read-only inside the sandbox) is what protects the file", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Bash(git push:*): parser only — the sandbox cannot enforce it", StringComparison.Ordinal) &&
                                    l.Contains("subcommand", StringComparison.Ordinal));
    }

    [Fact]
    public void Lines_WithoutTheSandbox_SayEveryRuleIsTheParsersAndWhy()
    {
        var lines = PermissionProtection.Lines(Policy(false, "Read(./.env)", "Bash(rm:*)"), "parser-only (no bwrap)");

        Assert.Equal("Protection: parser-only (no bwrap) — deny rules are checked by the command parser only", lines[0]);
        Assert.Contains(lines, l => l.Contains("Read(./.env): parser only — no sandbox is running", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Bash(rm:*): parser only — no sandbox is running", StringComparison.Ordinal));
    }
}
