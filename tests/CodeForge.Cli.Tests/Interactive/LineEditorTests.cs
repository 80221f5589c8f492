using CodeForge.Cli.Interactive;
using Spectre.Console.Testing;

namespace CodeForge.Cli.Tests.Interactive;

public sealed class LineEditorTests
{
    private static (LineEditor Editor, ScriptedKeySource Keys, InputHistory History) Create(ICompletionProvider? completion = null, bool animate = false)
    {
        var console = new TestConsole().Width(40);
        console.EmitAnsiSequences = animate;
        var screen = new Screen(console, interactiveTerminal: animate);
        var keys = new ScriptedKeySource();
        var history = new InputHistory(null);
        return (new LineEditor(screen, keys, history, completion), keys, history);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReadAsync_WhenTextIsTypedAndEnterPressed_ReturnsTheText()
    {
        var (editor, keys, history) = Create();
        keys.Type("hello world\n");

        var result = await editor.ReadAsync("> ", "", Ct);

        Assert.Equal(new LineResult(LineResultKind.Submitted, "hello world"), result);
        Assert.Equal(["hello world"], history.Entries);
    }

    [Fact]
    public async Task ReadAsync_WithEditingKeys_EditsAtTheCursor()
    {
        var (editor, keys, _) = Create();
        keys.Type("helo");
        keys.Press(ConsoleKey.LeftArrow);
        keys.Type("l");
        keys.Press(ConsoleKey.End);
        keys.Type("x");
        keys.Press(ConsoleKey.Backspace);
        keys.Press(ConsoleKey.Home);
        keys.Press(ConsoleKey.Delete);
        keys.Type("H\n");

        var result = await editor.ReadAsync("> ", "", Ct);

        Assert.Equal("Hello", result.Text);
    }

    [Fact]
    public async Task ReadAsync_WithCtrlWAndCtrlU_KillsTheWordAndTheLine()
    {
        var (editor, keys, _) = Create();
        keys.Type("git commit --amend");
        keys.Press(ConsoleKey.W, control: true);
        keys.Type("-m x\n");

        Assert.Equal("git commit -m x", (await editor.ReadAsync("> ", "", Ct)).Text);

        keys.Type("rubbish");
        keys.Press(ConsoleKey.U, control: true);
        keys.Type("ok\n");
        Assert.Equal("ok", (await editor.ReadAsync("> ", "", Ct)).Text);
    }

    [Fact]
    public async Task ReadAsync_WithTrailingBackslashOrAltEnter_ContinuesOnANewLine()
    {
        var (editor, keys, _) = Create();
        keys.Type("line one\\\n");
        keys.Type("line two");
        keys.Press(ConsoleKey.Enter, '\r', alt: true);
        keys.Type("line three\n");

        var result = await editor.ReadAsync("> ", "", Ct);

        Assert.Equal("line one\nline two\nline three", result.Text);
    }

    [Fact]
    public async Task ReadAsync_WithUpArrow_RecallsHistoryAndDownReturnsToTheDraft()
    {
        var (editor, keys, history) = Create();
        history.Add("first");
        history.Add("second");
        keys.Type("draft");
        keys.Press(ConsoleKey.UpArrow);
        keys.Press(ConsoleKey.UpArrow);
        keys.Press(ConsoleKey.DownArrow);
        keys.Press(ConsoleKey.DownArrow);
        keys.Type("!\n");

        Assert.Equal("draft!", (await editor.ReadAsync("> ", "", Ct)).Text);

        keys.Press(ConsoleKey.UpArrow);
        keys.Press(ConsoleKey.UpArrow);
        keys.Type("\n");
        Assert.Equal("second", (await editor.ReadAsync("> ", "", Ct)).Text);
    }

    [Fact]
    public async Task ReadAsync_WithCtrlCOnAnEmptyLine_ReportsAnInterruptButOnTextClearsIt()
    {
        var (editor, keys, _) = Create();
        keys.Type("some text");
        keys.Press(ConsoleKey.C, '\x03', control: true);
        keys.Press(ConsoleKey.C, '\x03', control: true);

        var result = await editor.ReadAsync("> ", "", Ct);

        Assert.Equal(LineResultKind.Interrupted, result.Kind);
    }

    [Fact]
    public async Task ReadAsync_WithCtrlDOnAnEmptyLineOrEndOfInput_ReportsEndOfInput()
    {
        var (editor, keys, _) = Create();
        keys.Press(ConsoleKey.D, '\x04', control: true);
        Assert.Equal(LineResultKind.EndOfInput, (await editor.ReadAsync("> ", "", Ct)).Kind);

        keys.End();
        Assert.Equal(LineResultKind.EndOfInput, (await editor.ReadAsync("> ", "", Ct)).Kind);
    }

    [Fact]
    public async Task ReadAsync_WithShiftTab_AsksForAModeChangeAndKeepsTheText()
    {
        var (editor, keys, _) = Create();
        keys.Type("half typed");
        keys.Press(ConsoleKey.Tab, '\t', shift: true);

        var result = await editor.ReadAsync("> ", "", Ct);

        Assert.Equal(new LineResult(LineResultKind.CycleMode, "half typed"), result);
        keys.Type(" done\n");
        Assert.Equal("half typed done", (await editor.ReadAsync("> ", result.Text, Ct)).Text);
    }

    [Fact]
    public async Task ReadAsync_WithTab_CompletesTheUniqueCandidate()
    {
        var commands = new SlashCommands();
        commands.Add(new TestCommand("compact", "c"));
        commands.Add(new TestCommand("cost", "c"));
        commands.Add(new TestCommand("help", "h"));
        var (editor, keys, _) = Create(new PromptCompletion(commands, Path.GetTempPath()));
        keys.Type("/he\t\n");

        Assert.Equal("/help ", (await editor.ReadAsync("> ", "", Ct)).Text);

        keys.Type("/co\tm\t\n");
        Assert.Equal("/compact ", (await editor.ReadAsync("> ", "", Ct)).Text);
    }

    [Fact]
    public async Task ReadAsync_OnAnAnsiTerminal_DrawsThePromptAndTheText()
    {
        var console = new TestConsole().Width(40);
        console.EmitAnsiSequences = true;
        using var screen = new Screen(console, interactiveTerminal: true);
        var keys = new ScriptedKeySource();
        var editor = new LineEditor(screen, keys, new InputHistory(null));
        keys.Type("abc\n");

        await editor.ReadAsync("> ", "", Ct);

        Assert.Contains("abc", console.Output, StringComparison.Ordinal);
        Assert.Contains("\u001b[J", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Position_WhenTextWrapsAtTheScreenWidth_CountsRows()
    {
        var (editor, keys, _) = Create();
        keys.Type(new string('x', 45));
        var read = editor.ReadAsync("> ", "", Ct);
        keys.Type("\n");
        await read;

        // The prompt takes two columns of the 40: 38 x's on row 0, 7 on row 1.
        Assert.Equal((1, 7), editor.Position(45));
        Assert.Equal((0, 2), editor.Position(0));
    }
}
