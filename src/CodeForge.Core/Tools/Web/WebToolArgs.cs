using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace CodeForge.Core.Tools.Web;

// The arguments of the web tools under Claude Code's parameter names; see BuiltIn/BuiltInToolArgs.cs for the conventions.

/// <summary>The arguments of WebFetch.</summary>
internal sealed record WebFetchArgs(
    [property: JsonPropertyName("url"), Description("The URL to fetch content from"), StringLength(int.MaxValue, MinimumLength = 1)]
    string Url,
    [property: JsonPropertyName("prompt"), Description("The prompt to run on the fetched content")]
    string Prompt);

/// <summary>The arguments of WebSearch.</summary>
internal sealed record WebSearchArgs(
    [property: JsonPropertyName("query"), Description("The search query to use"), StringLength(int.MaxValue, MinimumLength = 2)]
    string Query,
    [property: JsonPropertyName("allowed_domains"), Description("Only include search results from these domains"), ItemsDescription("A domain, e.g. example.com")]
    IReadOnlyList<string>? AllowedDomains = null,
    [property: JsonPropertyName("blocked_domains"), Description("Never include search results from these domains"), ItemsDescription("A domain, e.g. example.com")]
    IReadOnlyList<string>? BlockedDomains = null);
