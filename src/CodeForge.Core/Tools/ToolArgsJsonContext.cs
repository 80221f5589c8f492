using System.Text.Json.Serialization;
using CodeForge.Core.Agent;
using CodeForge.Core.Skills;
using CodeForge.Core.Tools.BuiltIn;
using CodeForge.Core.Tools.Web;

namespace CodeForge.Core.Tools;

/// <summary>
/// Source-generated JSON contracts of the built-in tools' argument records (Native AOT: no reflection): read with
/// <see cref="ToolSchema.TryRead{T}"/>, and the source of their schemas (<see cref="ToolSchema.For{T}"/>). Nullable
/// annotations and required constructor parameters are respected, so a record never holds a null where it declares none.
/// </summary>
/// <remarks>Thread-safe: the generated metadata is immutable once created.</remarks>
[JsonSourceGenerationOptions(RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(ReadArgs))]
[JsonSerializable(typeof(WriteArgs))]
[JsonSerializable(typeof(EditArgs))]
[JsonSerializable(typeof(MultiEditArgs))]
[JsonSerializable(typeof(GlobArgs))]
[JsonSerializable(typeof(GrepArgs))]
[JsonSerializable(typeof(BashArgs))]
[JsonSerializable(typeof(BashOutputArgs))]
[JsonSerializable(typeof(KillShellArgs))]
[JsonSerializable(typeof(TodoWriteArgs))]
[JsonSerializable(typeof(WebFetchArgs))]
[JsonSerializable(typeof(WebSearchArgs))]
[JsonSerializable(typeof(SkillArgs))]
[JsonSerializable(typeof(TaskArgs))]
internal sealed partial class ToolArgsJsonContext : JsonSerializerContext;
