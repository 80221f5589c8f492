// CPU time of reading plugins in process (JIT, warmed up), split by step: `dotnet run -c Release bench/plugin-read-probe.cs -- DIR`
// where DIR holds generated plugins (ManyPlugins layout: DIR/p000, DIR/p001, ...). Each row is the best of 5 rounds, in
// process CPU time per operation, so the figures hold on a loaded machine. With `--loop` it only reads every plugin 60
// times (for `perf record`).
#:project ../src/CodeForge.Core/CodeForge.Core.csproj
#:property PublishAot=false
#:property TreatWarningsAsErrors=false
#:property EnableNETAnalyzers=false
using System.Diagnostics;
using CodeForge.Core.Plugins;
using CodeForge.Core.Skills;

var root = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? throw new ArgumentException("usage: plugin-read-probe.cs DIR [--loop]");
var dirs = Directory.GetDirectories(root).Order().ToArray();
if (args.Contains("--loop"))
{
    for (var k = 0; k < 60; k++) foreach (var d in dirs) PluginReader.Read(d);
    return;
}
var agentText = File.ReadAllText(Directory.GetFiles(Path.Combine(dirs[0], "agents"))[0]);
var skillText = File.ReadAllText(Directory.GetFiles(Path.Combine(dirs[0], "skills"), "SKILL.md", SearchOption.AllDirectories)[0]);
var cmdText = File.ReadAllText(Path.Combine(dirs[0], "commands", "run.md"));
void Time(string name, int n, Action a)
{
    for (var i = 0; i < Math.Max(3, n / 10); i++) a();
    var best = double.MaxValue;
    var proc = Process.GetCurrentProcess();
    for (var rep = 0; rep < 5; rep++)
    {
        proc.Refresh();
        var cpu0 = proc.TotalProcessorTime;
        for (var i = 0; i < n; i++) a();
        proc.Refresh();
        best = Math.Min(best, (proc.TotalProcessorTime - cpu0).TotalMilliseconds / n);
    }
    Console.WriteLine($"{name}: {best * 1000:F1} us CPU");
}
Time($"read all {dirs.Length} plugins (sequential)", 5, () => { foreach (var d in dirs) PluginReader.Read(d); });
Time("frontmatter of an agent (one-line <example> description: invalid YAML, lenient re-read)", 500, () => MarkdownFrontmatter.Parse(agentText, "a.md"));
Time("frontmatter of a SKILL.md (valid YAML)", 500, () => MarkdownFrontmatter.Parse(skillText, "s.md"));
Time("frontmatter of a command", 500, () => MarkdownFrontmatter.Parse(cmdText, "c.md"));
Time("File.ReadAllText of an agent file", 2000, () => File.ReadAllText(Directory.GetFiles(Path.Combine(dirs[0], "agents"))[0]));
Time("enumerate one plugin's tree", 500, () => Directory.EnumerateFiles(dirs[0], "*", SearchOption.AllDirectories).Count());
