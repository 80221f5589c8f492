namespace CodeForge.Core.Permissions;

/// <summary>A malformed permission rule: names the rule text, where it was written, and why it is rejected.</summary>
public sealed class PermissionRuleException : FormatException
{
    public PermissionRuleException()
        : this("(none)", RuleSource.Session, "malformed rule")
    {
    }

    public PermissionRuleException(string message)
        : base(message)
    {
        RuleText = "";
        RuleSource = RuleSource.Session;
        Reason = message;
    }

    public PermissionRuleException(string message, Exception innerException)
        : base(message, innerException)
    {
        RuleText = "";
        RuleSource = RuleSource.Session;
        Reason = message;
    }

    public PermissionRuleException(string ruleText, RuleSource source, string reason)
        : base($"Invalid permission rule '{ruleText}' in {source}: {reason}")
    {
        RuleText = ruleText;
        RuleSource = source;
        Reason = reason;
    }

    /// <summary>The rule text as written.</summary>
    public string RuleText { get; }

    /// <summary>Where the rule was written.</summary>
    public RuleSource RuleSource { get; }

    /// <summary>Why it is rejected.</summary>
    public string Reason { get; }
}
