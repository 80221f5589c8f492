using CodeForge.Core.Tools.BuiltIn;

namespace CodeForge.Core.Tests.Tools.BuiltIn;

/// <summary>
/// The replacement step of Edit and MultiEdit and what it tells the model when an edit cannot be applied: where the
/// text is (line numbers as Read shows them) and what to do.
/// </summary>
public sealed class EditEngineTests
{
    private const string Path = "/w/a.cs";

    private static (bool Ok, string Result, int Count, string Error) Apply(string text, string oldString, string newString,
        bool replaceAll = false, LineEnding lineEnding = LineEnding.Lf)
    {
        var ok = EditEngine.TryApply(text, new EditSpec(oldString, newString, replaceAll), lineEnding, Path, out var result, out var count, out var error);
        return (ok, result, count, error);
    }

    [Fact]
    public void TryApply_AUniqueMatch_ReplacesOnlyIt()
    {
        Assert.Equal((true, "a X c", 1, ""), Apply("a b c", "b", "X"));
    }

    [Fact]
    public void TryApply_ReplaceAll_ReplacesEveryMatchAndCountsThem()
    {
        Assert.Equal((true, "X-X-X", 3, ""), Apply("ab-ab-ab", "ab", "X", replaceAll: true));
        Assert.Equal((true, "X b", 1, ""), Apply("a b", "a", "X", replaceAll: true));
    }

    [Fact]
    public void TryApply_OverlappingMatches_AreCountedWithoutOverlap()
    {
        Assert.Equal((true, "Xa", 1, ""), Apply("aaa", "aa", "X"));
    }

    [Fact]
    public void TryApply_IdenticalStrings_SaysNothingWouldChange()
    {
        Assert.Equal((false, "same", 0, "old_string and new_string are identical, so nothing would change. Give the new text in new_string."),
            Apply("same", "same", "same"));
    }

    [Fact]
    public void TryApply_AnEmptyOldString_FillsOnlyAnEmptyFile()
    {
        Assert.Equal((true, "new\r\ntext", 1, ""), Apply("", "", "new\ntext", lineEnding: LineEnding.CrLf));
        Assert.Equal((false, "x", 0, $"old_string is empty, but {Path} is not: give the exact text to replace (or Read the file and use Write to replace all of it)."),
            Apply("x", "", "y"));
    }

    [Fact]
    public void TryApply_NotFoundWithNothingSimilar_SaysToReadAgain()
    {
        Assert.Equal((false, "alpha\nbeta\n", 0, $"old_string was not found in {Path}. No similar line was found: Read the file again and copy the text "
            + "to replace exactly (without the line-number prefix)."), Apply("alpha\nbeta\n", "gamma", "delta"));
    }

    [Fact]
    public void TryApply_NotFoundButALineContainsTheFirstLineOfOldString_ShowsThatLine()
    {
        var (ok, _, _, error) = Apply("int a;\n  if (ready)   {\nreturn;\n", "\n  if (ready) {\n    go();", "x");

        Assert.False(ok);
        Assert.Equal($"old_string was not found in {Path}. The closest lines in the file are:\n     2\t  if (ready)   {{\n"
            + "Copy the text exactly as Read shows it (without the line-number prefix), or Read the file again if it may have changed.", error);
    }

    [Fact]
    public void TryApply_NotFoundButMatchingWithoutWhitespace_SaysToCheckWhitespace()
    {
        var (_, _, _, error) = Apply("if (x)\n{\n\treturn;\n}\n", "{\n    return;\n}", "y");

        Assert.StartsWith($"old_string was not found in {Path}. It matches if whitespace is ignored: check indentation, tabs versus spaces and "
            + "line breaks. The closest lines in the file are:\n     2\t{\n", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryApply_NotFound_ShowsAtMostFiveCandidateLines()
    {
        var text = string.Concat(Enumerable.Range(1, 8).Select(i => $"value = {i};\n"));

        var (_, _, _, error) = Apply(text, "value = 9;", "x");

        var shown = error.Split('\n').Where(l => l.StartsWith("     ", StringComparison.Ordinal)).ToList();
        Assert.Equal(["     1\tvalue = 1;", "     2\tvalue = 2;", "     3\tvalue = 3;", "     4\tvalue = 4;", "     5\tvalue = 5;"], shown);
    }

    [Fact]
    public void TryApply_NotFound_FallsBackToLinesSharingMostOfItsWords()
    {
        const string text = "var total = price * count;\nvar other = 1;\ncount = total + price;\nprice = 3;\n";

        var (_, _, _, error) = Apply(text, "let total = price * amount", "x");

        var shown = error.Split('\n').Where(l => l.StartsWith("     ", StringComparison.Ordinal)).ToList();
        Assert.Equal(["     1\tvar total = price * count;", "     3\tcount = total + price;"], shown);
    }

    [Fact]
    public void TryApply_NotFound_IgnoresWordsShorterThanThreeCharacters()
    {
        var (_, _, _, error) = Apply("a b c\nab cd ef\n", "a b zz", "x");

        Assert.EndsWith("No similar line was found: Read the file again and copy the text to replace exactly (without the line-number prefix).", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryApply_NotFound_CutsAVeryLongCandidateLine()
    {
        var line = "needle " + new string('z', 300);

        var (_, _, _, error) = Apply(line + "\n", "needle haystack", "x");

        Assert.Contains("\n     1\tneedle " + new string('z', 193) + "…\n", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryApply_NotUnique_ListsTheLinesOfEveryMatchOnce()
    {
        var (ok, _, _, error) = Apply("x = 1; x = 1;\ny\nx = 1;\r\n", "x = 1;", "x = 2;");

        Assert.False(ok);
        Assert.Equal($"old_string matches 3 places in {Path} (lines 1, 3); it must match exactly one. Include more of the surrounding lines in "
            + "old_string to pick one, or set replace_all to true to change every occurrence. The matches start at:\n     1\tx = 1; x = 1;\n     3\tx = 1;", error);
    }

    [Fact]
    public void TryApply_NotUnique_NamesAtMostTwentyLinesAndShowsTen()
    {
        var text = string.Concat(Enumerable.Repeat("dup\n", 25));

        var (_, _, _, error) = Apply(text, "dup", "x");

        Assert.StartsWith($"old_string matches 25 places in {Path} (lines {string.Join(", ", Enumerable.Range(1, 20))}); it must", error, StringComparison.Ordinal);
        Assert.Equal(10, error.Split('\n').Count(l => l.EndsWith("\tdup", StringComparison.Ordinal)));
    }

    [Fact]
    public void TryApply_InACrLfFile_MatchesAnLfOldStringAndWritesCrLf()
    {
        Assert.Equal((true, "a\r\nX\r\nY\r\n", 1, ""), Apply("a\r\nb\r\nc\r\n", "b\nc", "X\nY", lineEnding: LineEnding.CrLf));
    }

    [Fact]
    public void TryApply_InACrLfFileWhoseLinesMatchAsGiven_KeepsNewStringAsGiven()
    {
        // The model sent the CRs itself: its new_string is taken as it is.
        Assert.Equal((true, "a\r\nX\nY\r\n", 1, ""), Apply("a\r\nb\r\nc\r\n", "b\r\nc", "X\nY", lineEnding: LineEnding.CrLf));
        // A mixed file: the LF lines match the model's LF old_string directly.
        Assert.Equal((true, "a\r\nb\r\nX\nY\nz\r\n", 1, ""), Apply("a\r\nb\r\nc\nd\nz\r\n", "c\nd", "X\nY", lineEnding: LineEnding.CrLf));
    }

    [Fact]
    public void TryApply_InACrLfFile_ASingleLineNewStringIsUnchanged()
    {
        Assert.Equal((true, "a\r\nX\r\n", 1, ""), Apply("a\r\nb\r\n", "b", "X", lineEnding: LineEnding.CrLf));
    }

    [Fact]
    public void Diff_OfEqualTexts_IsEmpty()
    {
        Assert.Equal("", EditEngine.Diff("a\r\nb\n", "a\nb\n", Path, 1000));
    }

    [Fact]
    public void Diff_IsAUnifiedDiffWithLfLineEndingsAndNoTrailingNewline()
    {
        var diff = EditEngine.Diff("one\r\ntwo\r\n", "one\r\n2\r\n", Path, 1000);

        Assert.Equal($"--- {Path}\n+++ {Path}\n@@ -1,2 +1,2 @@\n one\n-two\n+2", diff);
    }

    [Fact]
    public void Diff_LongerThanTheLimit_IsCutWithAMarker()
    {
        var diff = EditEngine.Diff("a\n", "b\n", Path, 10);

        Assert.Equal($"--- {Path[..6]}\n… [diff truncated at 10 characters]", diff);
    }

    [Fact]
    public void Diff_OfExactlyTheLimit_IsWhole()
    {
        var whole = EditEngine.Diff("a\n", "b\n", Path, 1000);

        Assert.Equal(whole, EditEngine.Diff("a\n", "b\n", Path, whole.Length));
    }
}
