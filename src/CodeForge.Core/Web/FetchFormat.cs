namespace CodeForge.Core.Web;

/// <summary>The form in which a fetched page is returned to the model.</summary>
public enum FetchFormat
{
    /// <summary>HTML converted to Markdown (the default).</summary>
    Markdown,

    /// <summary>HTML reduced to plain text.</summary>
    Text,

    /// <summary>The body as served, unconverted.</summary>
    Raw,
}
