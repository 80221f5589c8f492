using System.Text;
using CodeForge.Core.Shells;
using CsCheck;

namespace CodeForge.Core.Tests.Shells;

public sealed class OutputBufferTests
{
    [Fact]
    public void ReadFrom_WhenNothingDropped_ReturnsTextSinceOffsetWithAbsoluteOffsets()
    {
        var buffer = new OutputBuffer(capacity: 100);
        buffer.Append("hello ");
        buffer.Append("world");

        var slice = buffer.ReadFrom(3);

        Assert.Equal(new OutputSlice(3, "lo world", 11, 0), slice);
    }

    [Fact]
    public void ReadFrom_AtEnd_ReturnsEmptyAndSameOffset()
    {
        var buffer = new OutputBuffer(capacity: 10);
        buffer.Append("abc");

        Assert.Equal(new OutputSlice(3, "", 3, 0), buffer.ReadFrom(3));
    }

    [Fact]
    public void Append_BeyondCapacity_DropsOldestAndKeepsOffsetsAbsolute()
    {
        var buffer = new OutputBuffer(capacity: 5);
        buffer.Append("abcd");
        buffer.Append("efgh");

        Assert.Equal(3, buffer.StartOffset);
        Assert.Equal(8, buffer.EndOffset);
        Assert.Equal("defgh", buffer.ReadAll());
    }

    [Fact]
    public void ReadFrom_WhenReaderOffsetWasDropped_StartsAtOldestAndReportsSkippedChars()
    {
        var buffer = new OutputBuffer(capacity: 4);
        buffer.Append("0123");
        var first = buffer.ReadFrom(0, maxChars: 2);
        buffer.Append("456789");

        var next = buffer.ReadFrom(first.NextOffset);

        Assert.Equal("01", first.Text);
        Assert.Equal(new OutputSlice(6, "6789", 10, 4), next);
    }

    [Fact]
    public void ReadFrom_AfterTruncation_ReaderAtEndSeesExactlyTheNewText()
    {
        // The original's bug 2: truncation did not adjust read offsets, so "new output" skipped data.
        var buffer = new OutputBuffer(capacity: 8);
        buffer.Append("aaaaaaaa");
        var cursor = buffer.ReadFrom(0).NextOffset;
        buffer.Append("bbbb");

        var slice = buffer.ReadFrom(cursor);

        Assert.Equal("bbbb", slice.Text);
        Assert.Equal(0, slice.SkippedChars);
    }

    [Fact]
    public void Append_LongerThanCapacity_KeepsOnlyItsTail()
    {
        var buffer = new OutputBuffer(capacity: 3);
        buffer.Append("xy");

        buffer.Append("abcdefg");

        Assert.Equal("efg", buffer.ReadAll());
        Assert.Equal(6, buffer.StartOffset);
        Assert.Equal(new OutputSlice(6, "efg", 9, 6), buffer.ReadFrom(0));
    }

    [Fact]
    public void Append_WhenTruncationWouldSplitSurrogatePair_DropsTheWholePair()
    {
        var buffer = new OutputBuffer(capacity: 2);
        buffer.Append("a😀b"); // a, high, low, b: keeping 2 would start at the low surrogate

        Assert.Equal("b", buffer.ReadAll());
        Assert.Equal(3, buffer.StartOffset);
    }

    [Fact]
    public void ReadFrom_WithMaxCharsEndingInsideSurrogatePair_StopsBeforeThePair()
    {
        var buffer = new OutputBuffer();
        buffer.Append("a😀b");

        var first = buffer.ReadFrom(0, maxChars: 2);
        var second = buffer.ReadFrom(first.NextOffset, maxChars: 2);

        Assert.Equal("a", first.Text);
        Assert.Equal("😀", second.Text);
    }

    [Fact]
    public void Append_AcrossManyPages_ReadsBackIdentically()
    {
        var buffer = new OutputBuffer(capacity: 100_000);
        var expected = new StringBuilder();
        for (var i = 0; i < 20_000; i++)
        {
            var piece = $"line {i}\n";
            expected.Append(piece);
            buffer.Append(piece);
        }
        var all = expected.ToString();

        Assert.Equal(all[^100_000..], buffer.ReadAll());
        Assert.Equal(all.Length, buffer.EndOffset);
        var from = all.Length - 60_000;
        Assert.Equal(all.Substring(from, 20_000), buffer.ReadFrom(from, 20_000).Text);
    }

    [Theory]
    [InlineData(-1, int.MaxValue)]
    [InlineData(4, int.MaxValue)]
    [InlineData(0, 1)]
    public void ReadFrom_WithOffsetOutsideBufferOrTinyMax_ThrowsNamingTheArgument(long offset, int maxChars)
    {
        var buffer = new OutputBuffer();
        buffer.Append("abc");

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => buffer.ReadFrom(offset, maxChars));

        Assert.Contains(offset is < 0 or > 3 ? "offset" : "maxChars", error.ParamName, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_WithCapacityBelowTwo_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new OutputBuffer(1));
    }

    [Fact]
    public async Task WaitForOutputAsync_CompletesWhenTextArrivesAfterOffset()
    {
        var buffer = new OutputBuffer();
        buffer.Append("ab");
        var wait = buffer.WaitForOutputAsync(2, TestContext.Current.CancellationToken);
        Assert.False(wait.IsCompleted);

        buffer.Append("c");

        Assert.True(await wait);
        Assert.True(await buffer.WaitForOutputAsync(1, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task WaitForOutputAsync_WhenStreamEndsWithoutMoreText_ReturnsFalse()
    {
        var buffer = new OutputBuffer();
        var wait = buffer.WaitForOutputAsync(0, TestContext.Current.CancellationToken);

        buffer.Complete();

        Assert.False(await wait);
        Assert.True(buffer.IsCompleted);
        Assert.Throws<InvalidOperationException>(() => buffer.Append("late"));
    }

    [Fact]
    public async Task WaitForOutputAsync_AfterTheStreamEnded_ReturnsFalseAtOnceAndAfterTheTextTrue()
    {
        var buffer = new OutputBuffer();
        buffer.Append("ab");
        buffer.Complete();

        var atEnd = buffer.WaitForOutputAsync(2, TestContext.Current.CancellationToken);

        Assert.True(atEnd.IsCompleted, "a wait at the end of an ended stream must not wait for text that cannot come");
        Assert.False(await atEnd);
        Assert.True(await buffer.WaitForOutputAsync(1, TestContext.Current.CancellationToken));
    }

    /// <summary>
    /// Model-based: random appends (ASCII, non-BMP and empty) and reads through several cursors with random limits, against
    /// a model that keeps every char ever appended and the retained window's start.
    /// </summary>
    [Fact]
    public void ReadsAndAppends_MatchASequentialModel()
    {
        var piece = Gen.OneOf(Gen.Const(""), Gen.String[Gen.Char['a', 'e'], 1, 7], Gen.Const("😀"), Gen.Const("x😀"));
        var op = Gen.OneOf(
            piece.Select(p => (Append: true, Text: p, Reader: 0, Max: 0)),
            Gen.Select(Gen.Int[0, 2], Gen.Int[2, 9], (r, m) => (Append: false, Text: "", Reader: r, Max: m)));
        Gen.Select(Gen.Int[2, 12], op.Array[1, 60]).Sample((capacity, ops) =>
        {
            var buffer = new OutputBuffer(capacity);
            var all = new StringBuilder();
            long modelStart = 0;
            var cursors = new long[3];
            foreach (var (append, text, reader, max) in ops)
            {
                if (append)
                {
                    all.Append(text);
                    modelStart = Math.Max(modelStart, all.Length - capacity);
                    if (modelStart < all.Length && char.IsLowSurrogate(all[(int)modelStart]))
                    {
                        modelStart++;
                    }
                    Assert.Equal(all.Length, buffer.Append(text));
                    continue;
                }
                var slice = buffer.ReadFrom(cursors[reader], max);
                var begin = Math.Max(cursors[reader], modelStart);
                var length = (int)Math.Min(all.Length - begin, max);
                if (length < all.Length - begin && char.IsHighSurrogate(all[(int)(begin + length - 1)]))
                {
                    length--;
                }
                Assert.Equal(new OutputSlice(begin, all.ToString((int)begin, length), begin + length, begin - cursors[reader]), slice);
                cursors[reader] = slice.NextOffset;
            }
            Assert.Equal(modelStart, buffer.StartOffset);
            Assert.Equal(all.ToString((int)modelStart, all.Length - (int)modelStart), buffer.ReadAll());
        }, iter: 2000);
    }
}
