using CodeForge.Core.Shells;

namespace CodeForge.Core.Tests.Shells;

/// <summary>ShellOutputReader: each read returns what is new on both streams since the last one, at most maxChars per stream.</summary>
public sealed class ShellOutputReaderTests
{
    [Fact]
    public void Read_ReturnsWhatIsNewOnEachStreamAndAdvances()
    {
        var stdout = new OutputBuffer(100);
        var stderr = new OutputBuffer(100);
        var reader = new ShellOutputReader(stdout, stderr);
        stdout.Append("out1 ");
        stderr.Append("err1 ");

        var first = reader.Read();
        stdout.Append("out2");
        var second = reader.Read();
        var third = reader.Read();

        Assert.Equal(("out1 ", "err1 "), (first.Stdout.Text, first.Stderr.Text));
        Assert.Equal(("out2", ""), (second.Stdout.Text, second.Stderr.Text));
        Assert.Equal(5, second.Stdout.Start);
        Assert.Equal(9, second.Stdout.NextOffset);
        Assert.Equal(5, second.Stderr.NextOffset);
        Assert.True(third.IsEmpty);
    }

    [Fact]
    public void Read_WithMaxChars_CutsEachStreamAndContinuesWhereItStopped()
    {
        var stdout = new OutputBuffer(100);
        var stderr = new OutputBuffer(100);
        var reader = new ShellOutputReader(stdout, stderr);
        stdout.Append("abcdef");
        stderr.Append("uvwxyz");

        var first = reader.Read(4);
        var second = reader.Read(4);

        Assert.Equal(("abcd", "uvwx"), (first.Stdout.Text, first.Stderr.Text));
        Assert.Equal(("ef", "yz"), (second.Stdout.Text, second.Stderr.Text));
    }

    [Fact]
    public void Read_OfTwoReaders_EachSeesAllOutput()
    {
        var stdout = new OutputBuffer(100);
        var stderr = new OutputBuffer(100);
        var one = new ShellOutputReader(stdout, stderr);
        var two = new ShellOutputReader(stdout, stderr);
        stdout.Append("shared");

        Assert.Equal("shared", one.Read().Stdout.Text);
        Assert.Equal("shared", two.Read().Stdout.Text);
        Assert.True(one.Read().IsEmpty);
    }

    [Fact]
    public void Read_AfterTheBufferDroppedOutput_ReportsTheSkippedChars()
    {
        var stdout = new OutputBuffer(4);
        var stderr = new OutputBuffer(4);
        var reader = new ShellOutputReader(stdout, stderr);
        stdout.Append("abcdefgh");

        var output = reader.Read();

        Assert.Equal("efgh", output.Stdout.Text);
        Assert.Equal(4, output.Stdout.SkippedChars);
        Assert.Equal(4, output.SkippedChars);
    }

    [Fact]
    public async Task Read_ByConcurrentCallers_ReturnsEveryCharExactlyOnce()
    {
        var stdout = new OutputBuffer(1_000_000);
        var stderr = new OutputBuffer(1_000_000);
        var reader = new ShellOutputReader(stdout, stderr);
        var expected = string.Concat(Enumerable.Range(0, 2000).Select(i => $"{i};"));
        using var start = new ManualResetEventSlim();
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            start.Wait(TestContext.Current.CancellationToken);
            var got = new List<OutputSlice>();
            for (var i = 0; i < 500; i++)
            {
                got.Add(reader.Read(7).Stdout);
            }
            return got;
        })).ToArray();

        start.Set();
        foreach (var piece in expected.Chunk(13))
        {
            stdout.Append(piece);
        }
        var slices = (await Task.WhenAll(readers)).SelectMany(s => s).Append(reader.Read().Stdout).Where(s => s.Text.Length > 0);

        Assert.Equal(expected, string.Concat(slices.OrderBy(s => s.Start).Select(s => s.Text)));
    }
}
