using System.Reflection;

namespace CodeForge.Cli.Tests;

public sealed class ForgeBuildVersionTests
{
    [Fact]
    public void Informational_IsTheAssemblysInformationalVersionAttribute()
    {
        var attribute = typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>();

        Assert.NotNull(attribute);
        Assert.Equal(ForgeBuildVersion.Informational, attribute.InformationalVersion);
        Assert.Equal(ForgeBuildVersion.Informational, Program.InformationalVersion);
    }
}
