using ArchUnitNET.Domain;
using ArchUnitNET.Fluent;
using ArchUnitNET.Fluent.Syntax.Elements.Types;
using ArchUnitNET.Loader;
using static ArchUnitNET.Fluent.ArchRuleDefinition;

namespace CodeForge.Cli.Tests;

/// <summary>
/// How the folders of <c>forge</c> depend on each other, read from the compiled assembly (ArchUnitNET, every type
/// reference in signatures and bodies): the composition root and shared wiring at the bottom, then the runtime, then the
/// front ends, with no way back.
/// </summary>
public sealed class ArchitectureTests
{
    private static readonly Architecture Forge = new ArchLoader().LoadAssemblies(typeof(Program).Assembly).Build();

    private static GivenTypesConjunctionWithDescription Folder(string name) => Types().That().ResideInNamespaceOrBelow($"CodeForge.Cli.{name}").As(name);

    [Theory]
    [InlineData("Composition", "Runtime")]
    [InlineData("Composition", "Headless")]
    [InlineData("Composition", "StreamJson")]
    [InlineData("Composition", "Interactive")]
    [InlineData("Runtime", "Headless")]
    [InlineData("Runtime", "StreamJson")]
    [InlineData("Runtime", "Interactive")]
    [InlineData("Headless", "StreamJson")]
    [InlineData("Headless", "Interactive")]
    public void Folder_DoesNotDependOnTheFoldersAboveIt(string lower, string upper)
    {
        var rule = Types().That().Are(Folder(lower)).Should().NotDependOnAny(Folder(upper));

        var failures = rule.Evaluate(Forge).Where(r => !r.Passed).Select(r => r.Description).ToList();

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
