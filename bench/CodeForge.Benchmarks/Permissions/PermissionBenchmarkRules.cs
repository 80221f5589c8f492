using System.Text.Json;
using CodeForge.Core.Permissions;

namespace CodeForge.Benchmarks.Permissions;

/// <summary>A realistic policy of about 50 rules (built-in defaults, a user and a project settings file) and typical calls.</summary>
internal static class PermissionBenchmarkRules
{
    public const string Cwd = "/work/proj";

    public static PermissionChecker CreateChecker()
    {
        var checker = new PermissionChecker(Cwd, "/home/alice");
        checker.ReplaceLayer(PermissionLayer.User, Load(PermissionLayer.User, "/home/alice/.forge/settings.json",
            allow: ["Bash(git status)", "Bash(git diff *)", "Bash(git log *)", "Bash(head *)", "Bash(npm run *)", "Bash(ls *)",
                "WebFetch(domain:learn.microsoft.com)", "WebFetch(domain:*.github.com)", "mcp__github"],
            ask: ["Bash(git push *)"],
            deny: ["Read(./.env)", "Read(./secrets/**)", "Bash(curl *)", "Bash(wget *)"]));
        checker.ReplaceLayer(PermissionLayer.Project, Load(PermissionLayer.Project, Cwd + "/.forge/settings.json",
            allow: ["Edit(/src/**)", "Edit(/tests/**)", "Bash(dotnet build *)", "Bash(dotnet test *)", "WebSearch"],
            ask: ["Edit(/.github/**)"],
            deny: ["Edit(/**/*.lock)", "mcp__prod__*"]));
        return checker;
    }

    public static int RuleCount(PermissionChecker checker) =>
        Enum.GetValues<PermissionLayer>().Sum(layer => checker.Policy[layer].Count);

    /// <summary>A mix of calls: allowed compound Bash, denied path, allowed edit, default ask, allowed web fetch.</summary>
    public static (string Tool, JsonElement Args)[] Calls { get; } =
    [
        ("Bash", Json(("command", "git status && git diff --stat | head -20"))),
        ("Read", Json(("file_path", Cwd + "/secrets/prod.key"))),
        ("Edit", Json(("file_path", Cwd + "/src/App/Program.cs"), ("old_string", "a"), ("new_string", "b"))),
        ("Bash", Json(("command", "make -j4"))),
        ("WebFetch", Json(("url", "https://api.github.com/repos/x/y"), ("prompt", "summarize"))),
    ];

    private static PermissionRuleSet Load(PermissionLayer layer, string file, string[] allow, string[] ask, string[] deny)
    {
        var result = PermissionRuleSet.Load(layer, allow, ask, deny, file);
        return result.Errors.IsEmpty ? result.Rules : throw new InvalidOperationException(result.Errors[0].Message);
    }

    private static JsonElement Json(params (string Name, string Value)[] pairs)
    {
        using var doc = JsonDocument.Parse(JsonSerializer.Serialize(pairs.ToDictionary(p => p.Name, p => p.Value), BenchJson.Default.DictionaryStringString));
        return doc.RootElement.Clone();
    }
}
