using System.Text.Json.Serialization;

namespace CodeForge.Core.Tokens;

/// <summary>Source-generated JSON contracts used by token counting (AOT-safe).</summary>
[JsonSerializable(typeof(string))]
internal sealed partial class TokensJsonContext : JsonSerializerContext;
