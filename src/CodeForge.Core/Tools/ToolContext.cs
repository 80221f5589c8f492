using System.Collections.Immutable;

namespace CodeForge.Core.Tools;

/// <summary>Where and under which limits a tool call runs.</summary>
/// <remarks>
/// Immutable (a record; derive variants with <c>with</c>) and safe to share between concurrent calls. Every value is
/// checked when set: a bad value throws at once, naming the property.
/// </remarks>
public sealed record ToolContext
{
    /// <summary>The default per-call timeout, as in the original: 120 s.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(120);

    /// <summary>The default output cap, as in the original: 100,000 characters.</summary>
    public const int DefaultMaxOutputSize = 100_000;

    /// <summary>Creates a context; a relative <paramref name="workingDirectory"/> is made absolute against the current directory.</summary>
    public ToolContext(string workingDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workingDirectory);
        WorkingDirectory = Path.GetFullPath(workingDirectory);
    }

    /// <summary>The absolute directory relative paths and commands resolve against.</summary>
    public string WorkingDirectory { get; }

    /// <summary>
    /// Directories besides <see cref="WorkingDirectory"/> that file tools may reach (Claude Code's
    /// <c>additionalDirectories</c> / <c>--add-dir</c>). Each must be absolute; they are normalised with
    /// <see cref="Path.GetFullPath(string)"/> when set. Empty by default.
    /// </summary>
    public ImmutableArray<string> AdditionalDirectories
    {
        get;
        init
        {
            if (value.IsDefault)
            {
                field = [];
                return;
            }
            foreach (var directory in value)
            {
                if (string.IsNullOrWhiteSpace(directory) || !Path.IsPathFullyQualified(directory))
                {
                    throw new ArgumentException(
                        $"Every additional directory must be an absolute path; got '{directory}'.", nameof(AdditionalDirectories));
                }
            }
            field = [.. value.Select(Path.GetFullPath)];
        }
    } = [];

    /// <summary><see cref="WorkingDirectory"/> followed by <see cref="AdditionalDirectories"/>: where file tools may go.</summary>
    public IEnumerable<string> AllowedDirectories => AdditionalDirectories.Prepend(WorkingDirectory);

    /// <summary>The session the call belongs to, if any.</summary>
    public string? SessionId { get; init; }

    /// <summary>How long the executor lets the tool run (positive, or <see cref="Timeout.InfiniteTimeSpan"/>).</summary>
    public TimeSpan Timeout
    {
        get;
        init
        {
            if (value <= TimeSpan.Zero && value != System.Threading.Timeout.InfiniteTimeSpan)
            {
                throw new ArgumentOutOfRangeException(nameof(Timeout), value, "The tool timeout must be positive or Timeout.InfiniteTimeSpan.");
            }
            field = value;
        }
    } = DefaultTimeout;

    /// <summary>The most characters of output a tool should return (positive).</summary>
    public int MaxOutputSize
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value, nameof(MaxOutputSize));
            field = value;
        }
    } = DefaultMaxOutputSize;
}
