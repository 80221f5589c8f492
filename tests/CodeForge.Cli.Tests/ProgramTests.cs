namespace CodeForge.Cli.Tests;

public sealed class ProgramTests
{
    [Fact]
    public async Task Version_PrintsTheProductVersion_AndNamesTheBuildThatRuns()
    {
        // The build is known from where the program is (ForgeBinary): the shipped native binary, its ReadyToRun
        // fallback, or forge.dll under the JIT.
        var result = await ForgeProcess.RunAsync("--version");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("0.1.0+" + CodeForge.Testing.Forge.ForgeBinary.BuildKind, result.StdOut.Trim());
    }

    [Fact]
    public async Task Version_AnsweredBeforeTheParser_PrintsWhatTheParserPrints()
    {
        var fast = await ForgeProcess.RunAsync("--version");
        var parsed = await ForgeProcess.RunAsync("--version", "--verbose");

        Assert.Equal(0, parsed.ExitCode);
        Assert.Equal(parsed.StdOut, fast.StdOut);
    }

    [Fact]
    public async Task Help_DescribesForgeAndItsOptions()
    {
        var result = await ForgeProcess.RunAsync("--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("CodeForge", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("--version", result.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownOption_FailsWithAnErrorNamingIt()
    {
        var result = await ForgeProcess.RunAsync("--no-such-option");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--no-such-option", result.StdErr, StringComparison.Ordinal);
    }
}
