namespace CodeForge.Core.Tools;

/// <summary>Thrown when a tool is registered under a name that is already taken.</summary>
public sealed class ToolAlreadyRegisteredException : InvalidOperationException
{
    public ToolAlreadyRegisteredException()
        : this("(unknown)")
    {
    }

    public ToolAlreadyRegisteredException(string toolName)
        : base($"A tool named '{toolName}' is already registered; deregister it first or choose another name.")
    {
        ToolName = toolName;
    }

    public ToolAlreadyRegisteredException(string message, Exception innerException)
        : base(message, innerException)
    {
        ToolName = "(unknown)";
    }

    /// <summary>The name that was already taken.</summary>
    public string ToolName { get; }
}
