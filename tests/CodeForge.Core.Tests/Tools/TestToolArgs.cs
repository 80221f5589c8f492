using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace CodeForge.Core.Tests.Tools;

/// <summary>Arguments shaped like the original's Read and Grep tools, plus nested ones.</summary>
internal sealed record SampleArgs(
    [property: JsonPropertyName("file_path"), Description("Absolute path"), StringLength(int.MaxValue, MinimumLength = 1)] string FilePath,
    [property: JsonPropertyName("limit"), Description("Lines to read"), DefaultValue(2000), Range(1, 10000)] long? Limit = null,
    [property: JsonPropertyName("ratio"), Description("A fraction"), Range(0.0, 1.0)] double? Ratio = null,
    [property: JsonPropertyName("output_mode"), Description("What to print"), AllowedValues("content", "files_with_matches", "count"), DefaultValue("files_with_matches")] string? OutputMode = null,
    [property: JsonPropertyName("-i"), Description("Ignore case")] bool? IgnoreCase = null,
    [property: JsonPropertyName("tag"), Description("Short tag"), StringLength(2)] string? Tag = null,
    [property: JsonPropertyName("todos"), Description("To-do items")] IReadOnlyList<SampleTodo>? Todos = null);

/// <summary>One nested item of <see cref="SampleArgs"/>.</summary>
[Description("One item")]
internal sealed record SampleTodo(
    [property: JsonPropertyName("content"), Description("What to do")] string Content,
    [property: JsonPropertyName("status"), Description("State"), AllowedValues("pending", "done")] string Status);

/// <summary>A Read-like tool's arguments for the executor tests: a required path and a bounded optional limit.</summary>
internal sealed record LimitedReadArgs(
    [property: JsonPropertyName("file_path"), Description("Absolute path"), StringLength(int.MaxValue, MinimumLength = 1)] string FilePath,
    [property: JsonPropertyName("limit"), Description("Lines"), Range(1, 10)] long? Limit = null);

/// <summary>Source-generated contracts of the test tools' argument records.</summary>
[JsonSourceGenerationOptions(RespectNullableAnnotations = true, RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(SampleArgs))]
[JsonSerializable(typeof(LimitedReadArgs))]
internal sealed partial class TestToolArgsJsonContext : JsonSerializerContext;

