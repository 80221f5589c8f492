using Microsoft.Coyote.Specifications;

namespace CodeForge.Coyote.Tests.Infrastructure;

public sealed class CoyoteRunnerTests
{
    private sealed class RacyCounter
    {
        private int _value;
        public int Value => _value;
        public async Task IncrementAsync()
        {
            var v = _value;
            await Task.Yield();
            _value = v + 1;
        }
    }

    [Fact]
    public void Explore_WhenScenarioHasLostUpdate_FindsIt()
    {
        var bug = CoyoteRunner.AssertFindsBug(async () =>
        {
            var c = new RacyCounter();
            await Task.WhenAll(new[] { Task.Run(c.IncrementAsync), Task.Run(c.IncrementAsync) });
            Specification.Assert(c.Value == 2, $"lost update: value={c.Value}");
        });
        Assert.Contains("lost update", bug, StringComparison.Ordinal);
    }
}
