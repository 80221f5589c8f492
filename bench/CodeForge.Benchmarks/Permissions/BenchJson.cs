using System.Text.Json.Serialization;

namespace CodeForge.Benchmarks.Permissions;

[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class BenchJson : JsonSerializerContext;
