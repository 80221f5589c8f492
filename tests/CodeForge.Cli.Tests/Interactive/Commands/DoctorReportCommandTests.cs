using CodeForge.Cli.Interactive.Commands;

namespace CodeForge.Cli.Tests.Interactive.Commands;

public sealed class DoctorReportCommandTests : IDisposable
{
    private readonly CommandFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public async Task RunAsync_ShowsTheEnginesDoctorReport()
    {
        await new DoctorReportCommand(_f.Context).RunAsync("", CommandFixture.Ct);

        Assert.Contains("broken-plugin: plugin.json line 3", _f.Output, StringComparison.Ordinal);
    }
}
