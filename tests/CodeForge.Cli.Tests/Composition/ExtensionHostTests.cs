using System.Text;
using System.Text.Json;
using CodeForge.Testing;

namespace CodeForge.Cli.Tests.Composition;

/// <summary>Skills and custom commands through the real <c>forge -p</c> process against the fake model server.</summary>
public sealed class ExtensionHostTests() : ForgeWorkspaceTestBase("forge-ext-e2e-")
{
    private void Write(string relative, string text)
    {
        var path = Path.Combine(Repo, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    /// <summary>Every string in a request body, decoded (the JSON escapes '&lt;' and '&gt;').</summary>
    internal static string Text(RecordedRequest request)
    {
        var s = new StringBuilder();
        void Walk(JsonElement e)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var p in e.EnumerateObject())
                    {
                        Walk(p.Value);
                    }
                    break;
                case JsonValueKind.Array:
                    foreach (var i in e.EnumerateArray())
                    {
                        Walk(i);
                    }
                    break;
                case JsonValueKind.String:
                    s.Append(e.GetString()).Append('\n');
                    break;
            }
        }
        Walk(request.Json);
        return s.ToString();
    }

    private static string Args(object value) => JsonSerializer.Serialize(value);

    [Fact]
    public async Task ASkillInClaudeSkills_IsInTheSystemPrompt_AndTheSkillToolReturnsItsInstructions()
    {
        Write(".claude/skills/greeter/SKILL.md", "---\nname: greeter\ndescription: Greets people in the house style.\n---\nGreet $ARGUMENTS warmly, then read ${CLAUDE_SKILL_DIR}/style.md.\n");
        Write(".claude/skills/greeter/style.md", "be kind");
        _server.Enqueue(
            ScriptedTurn.CallTool("Skill", Args(new Dictionary<string, string> { ["skill"] = "greeter", ["args"] = "Bob" }), "call_s"),
            ScriptedTurn.Reply("Hello Bob!"));

        var run = await ForgeProcess.RunAsync(["-p", "say hi to Bob", "--provider", "openai"], Repo, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Equal("Hello Bob!", run.StdOut.Trim());
        var first = Text(_server.Requests[0]);
        Assert.Contains("<skill><name>greeter</name><description>Greets people in the house style.</description>", first, StringComparison.Ordinal);
        var second = Text(_server.Requests[1]);
        Assert.Contains($"Greet Bob warmly, then read {Path.Combine(Repo, ".claude/skills/greeter")}/style.md.", second, StringComparison.Ordinal);
        Assert.Contains("- style.md", second, StringComparison.Ordinal);
        Assert.DoesNotContain("be kind", second, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASkillsAllowedTools_AreGrantedWhileItIsActive()
    {
        Write(".claude/skills/scribe/SKILL.md", "---\nname: scribe\ndescription: Writes notes.\nallowed-tools: Write\n---\nWrite the note.\n");
        var note = Path.Combine(Repo, "note.txt");
        _server.Enqueue(
            ScriptedTurn.CallTool("Skill", Args(new Dictionary<string, string> { ["skill"] = "scribe" }), "call_s"),
            ScriptedTurn.CallTool("Write", Args(new Dictionary<string, string> { ["file_path"] = note, ["content"] = "written" }), "call_w"),
            ScriptedTurn.Reply("done"));

        var run = await ForgeProcess.RunAsync(["-p", "take a note", "--provider", "openai", "--output-format", "json"], Repo, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Equal("written", await File.ReadAllTextAsync(note, TestContext.Current.CancellationToken));
        Assert.Empty(JsonDocument.Parse(run.StdOut).RootElement.GetProperty("permission_denials").EnumerateArray());
    }

    [Fact]
    public async Task ASlashCommandPrompt_ExpandsTheProjectCommand()
    {
        Write(".claude/commands/mycmd.md", "---\ndescription: Reverse a word\nargument-hint: [word]\n---\nPlease reverse the word $ARGUMENTS and answer with it only.\n");
        _server.Enqueue(ScriptedTurn.Reply("oof"));

        var run = await ForgeProcess.RunAsync(["-p", "/mycmd foo", "--provider", "openai"], Repo, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        var body = Text(Assert.Single(_server.Requests));
        Assert.Contains("Please reverse the word foo and answer with it only.", body, StringComparison.Ordinal);
        Assert.DoesNotContain("/mycmd foo", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASlashSkillPrompt_RunsTheUserInvocableSkill()
    {
        Write(".forge/skills/release/SKILL.md", "---\nname: release\ndescription: Cut a release.\ndisable-model-invocation: true\n---\nRelease version $0 now.\n");
        _server.Enqueue(ScriptedTurn.Reply("ok"));

        var run = await ForgeProcess.RunAsync(["-p", "/release 2.0", "--provider", "openai"], Repo, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        var body = Text(Assert.Single(_server.Requests));
        Assert.Contains("Release version 2.0 now.", body, StringComparison.Ordinal);
        Assert.DoesNotContain("<name>release</name>", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BrokenSkillsAndCommands_AreReportedWithFileAndLine_AndTheRestLoads()
    {
        Write(".claude/skills/nodesc/SKILL.md", "---\nname: nodesc\n---\nbody\n");
        Write(".claude/skills/badyaml/SKILL.md", "---\nother: [oops\n---\nbody\n"); // neither YAML nor a name or description line
        Write(".claude/skills/fine/SKILL.md", "---\nname: fine\ndescription: Works.\n---\nbody\n");
        _server.Enqueue(ScriptedTurn.Reply("ok"));

        var run = await ForgeProcess.RunAsync(["-p", "hi", "--provider", "openai"], Repo, Env());

        Assert.True(run.ExitCode == 0, run.StdErr);
        Assert.Contains($"forge: {Path.Combine(Repo, ".claude/skills/nodesc/SKILL.md")}:1: warning: no 'description': loaded as a slash command only; the model is not offered it", run.StdErr, StringComparison.Ordinal);
        Assert.Matches($@"forge: {System.Text.RegularExpressions.Regex.Escape(Path.Combine(Repo, ".claude/skills/badyaml/SKILL.md"))}:\d+: malformed YAML", run.StdErr);
        Assert.Contains("<name>fine</name>", Text(Assert.Single(_server.Requests)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASkillWithoutDescription_IsNotOfferedToTheModel_ButRunsAsASlashCommand()
    {
        Write(".claude/skills/nodesc/SKILL.md", "---\nname: nodesc\n---\nTidy the folder $ARGUMENTS now.\n");
        Write(".claude/skills/fine/SKILL.md", "---\nname: fine\ndescription: Works.\n---\nbody\n");
        _server.Enqueue(ScriptedTurn.Reply("ok"), ScriptedTurn.Reply("ok"));

        var plain = await ForgeProcess.RunAsync(["-p", "hi", "--provider", "openai"], Repo, Env());
        var slash = await ForgeProcess.RunAsync(["-p", "/nodesc gently", "--provider", "openai"], Repo, Env());

        Assert.True(plain.ExitCode == 0, plain.StdErr);
        Assert.True(slash.ExitCode == 0, slash.StdErr);
        var offered = Text(_server.Requests[0]);
        Assert.Contains("<name>fine</name>", offered, StringComparison.Ordinal);
        Assert.DoesNotContain("<name>nodesc</name>", offered, StringComparison.Ordinal);
        Assert.Contains("Tidy the folder gently now.", Text(_server.Requests[1]), StringComparison.Ordinal);
    }
}
