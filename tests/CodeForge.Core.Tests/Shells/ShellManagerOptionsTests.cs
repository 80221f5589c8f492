using CodeForge.Core.Shells;

namespace CodeForge.Core.Tests.Shells;

/// <summary>ShellManagerOptions: its defaults and the edges of what Validate accepts.</summary>
public sealed class ShellManagerOptionsTests
{
    [Fact]
    public void Defaults_AreTenMebiCharsOneSecondAndEightKibibytes()
    {
        var options = new ShellManagerOptions();

        Assert.Equal(10 * 1024 * 1024, options.MaxBufferedCharsPerStream);
        Assert.Equal(TimeSpan.FromSeconds(1), options.OutputDrainTimeout);
        Assert.Equal(8 * 1024, options.ReadChunkBytes);
        options.Validate();
    }

    [Fact]
    public void Validate_AcceptsTheSmallestAndSpecialValues()
    {
        new ShellManagerOptions { MaxBufferedCharsPerStream = 2, OutputDrainTimeout = TimeSpan.Zero, ReadChunkBytes = 1 }.Validate();
        new ShellManagerOptions { OutputDrainTimeout = Timeout.InfiniteTimeSpan }.Validate();
    }

    [Fact]
    public void Validate_WithABufferBelowTwoChars_ThrowsNamingIt()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ShellManagerOptions { MaxBufferedCharsPerStream = 1 }.Validate());

        Assert.Equal(nameof(ShellManagerOptions.MaxBufferedCharsPerStream), error.ParamName);
        Assert.Equal(1, error.ActualValue);
        Assert.StartsWith("The output buffer must hold at least 2 chars (one surrogate pair).", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WithANegativeDrainTimeoutOtherThanInfinite_ThrowsNamingIt()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new ShellManagerOptions { OutputDrainTimeout = TimeSpan.FromTicks(-1) }.Validate());

        Assert.Equal(nameof(ShellManagerOptions.OutputDrainTimeout), error.ParamName);
        Assert.Equal(TimeSpan.FromTicks(-1), error.ActualValue);
        Assert.StartsWith("The output drain timeout must be zero, positive or Timeout.InfiniteTimeSpan.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WithReadsOfNoBytes_ThrowsNamingIt()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new ShellManagerOptions { ReadChunkBytes = 0 }.Validate());

        Assert.Equal(nameof(ShellManagerOptions.ReadChunkBytes), error.ParamName);
        Assert.Equal(0, error.ActualValue);
        Assert.StartsWith("Reads must request at least 1 byte.", error.Message, StringComparison.Ordinal);
    }
}
