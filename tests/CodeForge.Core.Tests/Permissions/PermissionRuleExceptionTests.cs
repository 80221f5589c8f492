using CodeForge.Core.Permissions;

namespace CodeForge.Core.Tests.Permissions;

/// <summary>What a user reads when a permission rule is rejected, whichever way the error was made.</summary>
public sealed class PermissionRuleExceptionTests
{
    [Fact]
    public void Constructor_WithRuleSourceAndReason_NamesAllThreeInTheMessage()
    {
        var source = new RuleSource(PermissionLayer.User, "/home/alice/.forge/settings.json", "permissions.allow[0]");

        var error = new PermissionRuleException("Bash(ls", source, "unbalanced parenthesis");

        Assert.Equal("Invalid permission rule 'Bash(ls' in /home/alice/.forge/settings.json permissions.allow[0]: unbalanced parenthesis", error.Message);
        Assert.Equal("Bash(ls", error.RuleText);
        Assert.Same(source, error.RuleSource);
        Assert.Equal("unbalanced parenthesis", error.Reason);
        Assert.IsAssignableFrom<FormatException>(error);
    }

    [Fact]
    public void Constructor_WithoutArguments_SaysTheRuleIsMalformedInTheSession()
    {
        var error = new PermissionRuleException();

        Assert.Equal("Invalid permission rule '(none)' in session: malformed rule", error.Message);
        Assert.Equal("(none)", error.RuleText);
        Assert.Equal(RuleSource.Session, error.RuleSource);
        Assert.Equal("malformed rule", error.Reason);
    }

    [Fact]
    public void Constructor_WithAMessage_UsesItAsMessageAndReason()
    {
        var error = new PermissionRuleException("rules must be strings");

        Assert.Equal("rules must be strings", error.Message);
        Assert.Equal("rules must be strings", error.Reason);
        Assert.Equal("", error.RuleText);
        Assert.Equal(RuleSource.Session, error.RuleSource);
        Assert.Null(error.InnerException);
    }

    [Fact]
    public void Constructor_WithAMessageAndCause_KeepsTheCause()
    {
        var cause = new InvalidOperationException("bad json");

        var error = new PermissionRuleException("rules must be strings", cause);

        Assert.Equal("rules must be strings", error.Message);
        Assert.Equal("rules must be strings", error.Reason);
        Assert.Equal("", error.RuleText);
        Assert.Equal(RuleSource.Session, error.RuleSource);
        Assert.Same(cause, error.InnerException);
    }

    [Fact]
    public void TryParse_OfANullRule_NamesItAsNull()
    {
        Assert.False(PermissionRule.TryParse(null, PermissionBehavior.Deny, RuleSource.Session, out _, out var error));

        Assert.Equal("(null)", error.RuleText);
        Assert.Equal("empty rule", error.Reason);
        Assert.Equal("Invalid permission rule '(null)' in session: empty rule", error.Message);
    }
}
