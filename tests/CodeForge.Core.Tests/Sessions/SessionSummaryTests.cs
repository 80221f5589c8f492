using CodeForge.Core.Sessions;
using Microsoft.Extensions.AI;

namespace CodeForge.Core.Tests.Sessions;

public sealed class SessionSummaryTests
{
    [Fact]
    public void MakeTitle_CollapsesWhitespaceAndCutsLongPromptsWithAnEllipsis()
    {
        Assert.Equal("fix the bug in main.cs", SessionSummary.MakeTitle("  fix the\n\tbug   in main.cs \n"));
        var title = SessionSummary.MakeTitle(new string('w', 200));
        Assert.Equal(80, title.Length);
        Assert.EndsWith("…", title, StringComparison.Ordinal);
    }

    [Fact]
    public void FromEntries_TakesTimesFromTheFirstAndLastEntriesAndCountsMessagesOnly()
    {
        const string id = "0f8fad5b-d9cb-469f-a165-70867728950e";
        var t0 = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var entries = new[]
        {
            new SessionEntry(SessionEntryType.Event, "s", null, id, t0) { Subtype = SessionEntry.SessionStartSubtype, Cwd = "/w", ForkedFrom = "f" },
            new SessionEntry(SessionEntryType.Assistant, "a", "s", id, t0.AddMinutes(1)) { Message = new ChatMessage(ChatRole.Assistant, "hi") },
            new SessionEntry(SessionEntryType.User, "u", "a", id, t0.AddMinutes(2)) { Message = new ChatMessage(ChatRole.User, "the prompt") },
            new SessionEntry(SessionEntryType.Event, "e", "u", id, t0.AddMinutes(3)) { Subtype = "hook" },
        };

        var summary = SessionSummary.FromEntries(id, entries, 1234, DateTimeOffset.UnixEpoch);

        Assert.Equal(new SessionSummary(id, "the prompt", t0, t0.AddMinutes(3), 2, 1234, "f", "/w"), summary);
    }

    [Fact]
    public void FromEntries_SkipsBlankPromptsAndEntriesWithoutAMessageForTheTitle()
    {
        const string id = "0f8fad5b-d9cb-469f-a165-70867728950e";
        var t0 = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var entries = new[]
        {
            new SessionEntry(SessionEntryType.User, "a", null, id, t0),
            new SessionEntry(SessionEntryType.User, "b", "a", id, t0) { Message = new ChatMessage(ChatRole.User, " \n\t ") },
            new SessionEntry(SessionEntryType.User, "c", "b", id, t0) { Message = new ChatMessage(ChatRole.User, "real prompt") },
        };

        Assert.Equal("real prompt", SessionSummary.FromEntries(id, entries, 0, t0).Title);
    }

    [Fact]
    public void MakeTitle_OfExactlyEightyCharacters_KeepsItWhole()
    {
        var prompt = new string('w', 80);

        Assert.Equal(prompt, SessionSummary.MakeTitle(prompt));
        Assert.Equal(new string('w', 79) + "…", SessionSummary.MakeTitle(prompt + "w"));
    }

    [Fact]
    public void FromEntries_WhenTheStartEventIsNotTheFirstEntry_TakesTheCreationTimeFromIt()
    {
        const string id = "0f8fad5b-d9cb-469f-a165-70867728950e";
        var t0 = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var entries = new[]
        {
            new SessionEntry(SessionEntryType.User, "u", null, id, t0.AddMinutes(5)) { Message = new ChatMessage(ChatRole.User, "p") },
            new SessionEntry(SessionEntryType.Event, "s", null, id, t0) { Subtype = SessionEntry.SessionStartSubtype },
        };

        var summary = SessionSummary.FromEntries(id, entries, 0, DateTimeOffset.UnixEpoch);

        Assert.Equal((t0, t0.AddMinutes(5)), (summary.Created, summary.Updated));
    }
}
