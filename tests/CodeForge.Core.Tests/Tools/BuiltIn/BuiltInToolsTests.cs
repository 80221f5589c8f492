using System.Text;
using CodeForge.Core.Tools;
using CodeForge.Core.Tools.BuiltIn;
using static CodeForge.Core.Tests.Tools.BuiltIn.FileToolHarness;

namespace CodeForge.Core.Tests.Tools.BuiltIn;

public sealed class BuiltInToolsTests
{
    [Fact]
    public void CreateFileTools_ReturnsTheSixFileToolsUnderClaudeCodesNames()
    {
        var tools = BuiltInTools.CreateFileTools(new FileReadTracker());

        Assert.Equal(["Read", "Write", "Edit", "MultiEdit", "Glob", "Grep"], tools.Select(t => t.Name));
        Assert.All(tools, t => Assert.Equal(ToolCategory.File, t.Category));
        Assert.All(tools, t => Assert.IsAssignableFrom<IToolAccessDescriber>(t));
    }

    [Fact]
    public void CreateFileTools_UsesClaudeCodesParameterNames()
    {
        var tools = BuiltInTools.CreateFileTools(new FileReadTracker()).ToDictionary(t => t.Name);

        string[] Names(string tool) => [.. tools[tool].Schema.JsonSchema.GetProperty("properties").EnumerateObject().Select(p => p.Name)];
        Assert.Equal(["file_path", "offset", "limit"], Names("Read"));
        Assert.Equal(["file_path", "content"], Names("Write"));
        Assert.Equal(["file_path", "old_string", "new_string", "replace_all"], Names("Edit"));
        Assert.Equal(["file_path", "edits"], Names("MultiEdit"));
        Assert.Equal(["pattern", "path"], Names("Glob"));
        Assert.Equal(["pattern", "path", "glob", "type", "output_mode", "-i", "-n", "-A", "-B", "-C", "multiline", "head_limit", "offset"], Names("Grep"));
    }

    [Fact]
    public void CreateFileTools_WithoutATracker_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => BuiltInTools.CreateFileTools(null!));
    }

    [Fact]
    public void DescribeAccess_ReadsReadAndWritesEditsAtTheResolvedPath()
    {
        using var h = new FileToolHarness();
        var target = h.WriteFile("real.txt", "x");
        File.CreateSymbolicLink(h.PathOf("link.txt"), target);
        var tools = h.Registry;

        var read = ((IToolAccessDescriber)tools.GetRequired("Read")).DescribeAccess(Json(Args(("file_path", h.PathOf("link.txt")))), h.Context);
        var edit = ((IToolAccessDescriber)tools.GetRequired("Edit")).DescribeAccess(Json(Args(("file_path", target))), h.Context);
        var invalid = ((IToolAccessDescriber)tools.GetRequired("Write")).DescribeAccess(Json(Args(("file_path", "relative"))), h.Context);

        Assert.Equal([target], read.Reads);
        Assert.Equal([target], edit.Writes);
        Assert.True(read.ConflictsWith(edit), "a read through a link and an edit of its target must be ordered");
        Assert.Equal(ToolAccess.None, invalid);
    }

    /// <summary>
    /// Model-based: random sequences of Read, Write, Edit and outside changes over three files, run through the
    /// executor, against a sequential model of the read-before-write rules (what exists, what the session last saw; an
    /// Edit applies to the current content when its old_string is there exactly once, a Write only to what was seen).
    /// After every step the tool's success and every file's content must be what the model says.
    /// </summary>
    [Fact]
    public async Task RandomOperations_AgreeWithTheSequentialModel()
    {
        string[] tokens = ["a", "b", "c"];
        for (var seed = 1; seed <= 25; seed++)
        {
            using var h = new FileToolHarness();
            var random = new Random(seed);
            var content = new Dictionary<string, string?>();
            var seen = new Dictionary<string, string?>();
            var files = Enumerable.Range(0, 3).Select(i => h.PathOf($"f{i}.txt")).ToArray();
            foreach (var f in files)
            {
                content[f] = null;
                seen[f] = null;
            }
            var log = new StringBuilder();
            string RandomText() => string.Concat(Enumerable.Range(0, random.Next(1, 5)).Select(_ => tokens[random.Next(3)] + "\n"));
            for (var step = 0; step < 40; step++)
            {
                var file = files[random.Next(files.Length)];
                var op = random.Next(4);
                bool expected;
                CodeForge.Core.Tools.ToolResult? result = null;
                switch (op)
                {
                    case 0:
                        log.Append(CultureInfo($"Read {Path.GetFileName(file)}; "));
                        result = await h.RunAsync("Read", Args(("file_path", file)));
                        expected = content[file] is not null;
                        if (expected)
                        {
                            seen[file] = content[file];
                        }
                        break;
                    case 1:
                        var text = RandomText();
                        log.Append(CultureInfo($"Write {Path.GetFileName(file)} {text.Replace("\n", "/", StringComparison.Ordinal)}; "));
                        result = await h.RunAsync("Write", Args(("file_path", file), ("content", text)));
                        expected = content[file] is null || seen[file] == content[file];
                        if (expected)
                        {
                            content[file] = seen[file] = text;
                        }
                        break;
                    case 2:
                        var old = tokens[random.Next(3)] + (random.Next(2) == 0 ? "\n" : "");
                        var replacement = $"x{step}\n";
                        log.Append(CultureInfo($"Edit {Path.GetFileName(file)} {old.Trim()}; "));
                        result = await h.RunAsync("Edit", Args(("file_path", file), ("old_string", old), ("new_string", replacement)));
                        var current = content[file];
                        // Applied to the current content whenever old_string is found there exactly once, even if the
                        // file changed since the session read it; the session's record moves on only if it had not.
                        expected = current is not null && seen[file] is not null && Count(current, old) == 1;
                        if (expected)
                        {
                            var index = current!.IndexOf(old, StringComparison.Ordinal);
                            var edited = current[..index] + replacement + current[(index + old.Length)..];
                            if (seen[file] == current)
                            {
                                seen[file] = edited;
                            }
                            content[file] = edited;
                        }
                        break;
                    default:
                        var outside = RandomText();
                        log.Append(CultureInfo($"Outside {Path.GetFileName(file)}; "));
                        Overwrite(file, outside);
                        content[file] = outside;
                        expected = true;
                        break;
                }
                if (result is not null)
                {
                    Assert.True(expected == result.Success,
                        $"seed {seed} step {step}: expected {(expected ? "success" : "failure")}, got {result.ToDisplay()}\nops: {log}");
                }
                foreach (var f in files)
                {
                    Assert.True(content[f] == (File.Exists(f) ? TextOf(f) : null), $"seed {seed} step {step}: content of {f} differs from the model\nops: {log}");
                }
            }
        }
    }

    private static int Count(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }

    private static string CultureInfo(FormattableString s) => FormattableString.Invariant(s);
}
