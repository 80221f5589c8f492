using System.Collections.Concurrent;
using CodeForge.Core.Shells;

namespace CodeForge.Core.Tests.Shells;

public sealed class ShellIdGeneratorTests
{
    [Fact]
    public void Next_ReturnsShellPrefixAndEightLowercaseHexDigits()
    {
        Assert.Matches("^shell_[0-9a-f]{8}$", new ShellIdGenerator().Next());
    }

    [Fact]
    public void Next_CalledConcurrently_NeverRepeatsAnId()
    {
        var generator = new ShellIdGenerator(key: 0xFFFF_FFF0); // the counter wraps past 2^32 during the run
        var ids = new ConcurrentBag<string>();

        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                ids.Add(generator.Next());
            }
        });

        Assert.Equal(160_000, ids.Distinct().Count());
    }

    [Fact]
    public void RandomKey_VariesInEveryBit_SoNoFixedGuidVersionBitsEndUpInTheKey()
    {
        // 64 keys: a bit that is the same in all of them by chance has odds of 2^-63; the GUID's version and variant bits
        // (bytes 6 to 8) would be the same in every key.
        var keys = Enumerable.Range(0, 64).Select(_ => ShellIdGenerator.RandomKey()).ToArray();

        Assert.Equal(uint.MaxValue, keys.Aggregate(0u, (acc, k) => acc | k));
        Assert.Equal(0u, keys.Aggregate(uint.MaxValue, (acc, k) => acc & k));
    }

    [Fact]
    public void Mix_IsInjectiveOverAContiguousRange()
    {
        const int count = 1 << 20;
        var mixed = new uint[count];
        for (var i = 0; i < count; i++)
        {
            mixed[i] = ShellIdGenerator.Mix((uint)i * 7919u);
        }

        Assert.Equal(count, mixed.Distinct().Count());
    }

    [Theory]
    [InlineData(0u, 0x00000000u)]
    [InlineData(1u, 0x514e28b7u)]
    [InlineData(2u, 0x30f4c306u)]
    [InlineData(0xdeadbeefu, 0x0de5c6a9u)]
    [InlineData(0xffffffffu, 0x81f16f39u)]
    [InlineData(0x80000000u, 0x6d3c65a0u)]
    public void Mix_IsMurmurHash3sFinalizer(uint input, uint expected)
    {
        // fmix32 of MurmurHash3 (reference values computed independently of this code).
        Assert.Equal(expected, ShellIdGenerator.Mix(input));
    }

    [Fact]
    public void Next_MixesTheKeyPlusTheCounterFromZero()
    {
        var generator = new ShellIdGenerator(key: 5);

        Assert.Equal("shell_cc0d53cd", generator.Next()); // Mix(5 + 0)
        Assert.Equal("shell_5ceb4d08", generator.Next()); // Mix(5 + 1)
    }

    [Fact]
    public void Next_WhenKeyPlusCounterWraps_ContinuesFromZero()
    {
        var generator = new ShellIdGenerator(key: uint.MaxValue);

        Assert.Equal("shell_81f16f39", generator.Next());
        Assert.Equal("shell_00000000", generator.Next());
    }
}
