namespace CodeForge.Core.Skills;

/// <summary>
/// The body of a Markdown file with frontmatter (a SKILL.md, a plugin agent), read from disk the first time it is
/// needed (when the skill is activated or the agent is spawned) rather than when the file is loaded: start-up reads only
/// what the catalogue needs, and the bodies of the skills and agents a session never uses stay out of its heap.
/// </summary>
/// <remarks>
/// <para><b>Concurrency contract.</b> <see cref="Value"/> may be called from any thread, concurrently. The first
/// successful read is published once (double-checked under a private lock, as <see cref="Lazy{T}"/> with
/// <see cref="LazyThreadSafetyMode.ExecutionAndPublication"/> does), so callers racing on the first activation read the
/// file once and all get the same string. Unlike <see cref="Lazy{T}"/>, a failed read is not cached: the next call reads
/// again, so a file restored on disk can be used without a reload.</para>
/// <para>The value is what the file holds at that first read (a body edited after the load but before the first use is
/// seen; later edits are not, until the plugin or skill is loaded again).</para>
/// </remarks>
public sealed class MarkdownBody
{
    private readonly object _gate = new();
    private readonly Func<string, string> _transform;
    private volatile string? _value;
    private int _reads;

    /// <summary>
    /// The body of <paramref name="path"/> (the text after its frontmatter), passed through <paramref name="transform"/>
    /// (e.g. trimming, <c>${CLAUDE_PLUGIN_ROOT}</c>) when it is read.
    /// </summary>
    public MarkdownBody(string path, Func<string, string>? transform = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = path;
        _transform = transform ?? (static body => body);
    }

    /// <summary>
    /// As <see cref="MarkdownBody(string, Func{string, string}?)"/>; with <paramref name="acceptsInvalidFrontmatter"/> a
    /// frontmatter that does not parse is no error (its text after the block is the body: an agent file Claude Code loads).
    /// </summary>
    public MarkdownBody(string path, Func<string, string>? transform, bool acceptsInvalidFrontmatter)
        : this(path, transform) => _acceptsInvalidFrontmatter = acceptsInvalidFrontmatter;

    private readonly bool _acceptsInvalidFrontmatter;

    /// <summary>The file the body is read from.</summary>
    public string Path { get; }

    /// <summary>Whether the body has been read (successfully).</summary>
    public bool IsLoaded => _value is not null;

    /// <summary>How many times the file has been read for its body (a test hook).</summary>
    internal int Reads => Volatile.Read(ref _reads);

    /// <summary>The body, read on the first call (see the remarks).</summary>
    /// <exception cref="MarkdownBodyException">The file cannot be read, or its frontmatter no longer parses; the message names the file.</exception>
    public string Value
    {
        get
        {
            var value = _value;
            if (value is not null)
            {
                return value;
            }
            lock (_gate)
            {
                return _value ??= Read();
            }
        }
    }

    public override string ToString() => Path;

    private string Read()
    {
        Interlocked.Increment(ref _reads);
        string text;
        try
        {
            text = TextFiles.ReadAllText(Path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new MarkdownBodyException(Path, $"cannot read {Path}: {ex.Message}", ex);
        }
        var doc = MarkdownFrontmatter.Parse(text, Path);
        if (!_acceptsInvalidFrontmatter && doc.Diagnostics.FirstOrDefault(d => d.IsError) is { } broken)
        {
            throw new MarkdownBodyException(Path, $"{Path} changed since it was loaded and can no longer be used: {broken}");
        }
        return _transform(doc.Body);
    }
}

/// <summary>A <see cref="MarkdownBody"/> could not be read; the message names the file and why.</summary>
public sealed class MarkdownBodyException : IOException
{
    public MarkdownBodyException(string path, string message, Exception? inner = null)
        : base(message, inner)
    {
        Path = path;
    }

    /// <summary>The file whose body could not be read.</summary>
    public string Path { get; }
}
