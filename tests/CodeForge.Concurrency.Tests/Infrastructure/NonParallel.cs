namespace CodeForge.Concurrency.Tests.Infrastructure;

/// <summary>
/// Concurrency tests run one class at a time so they do not starve each other on a 2-core machine. Every test class in
/// this project carries <c>[Collection(NonParallel.Name)]</c>.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NonParallel
{
    public const string Name = "Concurrency (non-parallel)";
}
