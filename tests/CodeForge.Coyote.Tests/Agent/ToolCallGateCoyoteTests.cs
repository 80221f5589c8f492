using System.Text.Json;
using CodeForge.Core.Agent;
using CodeForge.Core.Permissions;
using CodeForge.Coyote.Tests.Infrastructure;
using Microsoft.Coyote.Specifications;

namespace CodeForge.Coyote.Tests.Agent;

/// <summary>
/// Systematic scheduling of <see cref="ToolCallGate"/>: three parallel calls of a command the rules ask about (the user
/// answers the first with "always allow", which adds a session rule), a call of another command the user refuses, and a
/// task that adds a deny rule and then calls the command it denies, all through one real gate and one real
/// <see cref="PermissionChecker"/>. In every schedule the prompt sees one question at a time, the "always allow" command
/// is asked about exactly once (a call that waited for the prompt is decided again on the rules current when its turn
/// comes), the refused command is asked about once and denied, and the denied command never reaches the prompt. The real
/// gate with its question semaphore left out (the <see cref="ToolCallGate.QuestionsUnserializedForTests"/> seam) must be
/// caught.
/// </summary>
public sealed class ToolCallGateCoyoteTests
{
    private static JsonElement Command(string command) => JsonSerializer.SerializeToElement(new Dictionary<string, string> { ["command"] = command });

    /// <summary>The user: allows "npm test" always (a session rule), refuses anything else; yields while the question is up.</summary>
    private sealed class UserPrompt(PermissionChecker checker) : IPermissionPrompt
    {
        private int _onScreen;

        public int NpmQuestions;

        public int OtherQuestions;

        public async ValueTask<ToolCallAuthorization> AskAsync(string toolName, JsonElement arguments, PermissionDecision decision, CancellationToken cancellationToken)
        {
            var now = Interlocked.Increment(ref _onScreen);
            Specification.Assert(now == 1, $"{now} questions on screen at once");
            var command = arguments.GetProperty("command").GetString();
            await Task.Yield();
            Interlocked.Decrement(ref _onScreen);
            if (command == "npm test")
            {
                Interlocked.Increment(ref NpmQuestions);
                checker.AddSessionRule(PermissionBehavior.Allow, "Bash(npm test)");
                return ToolCallAuthorization.Allow("always allowed by the user");
            }
            Interlocked.Increment(ref OtherQuestions);
            return ToolCallAuthorization.Deny("the user said no");
        }
    }

    private static async Task Scenario(bool questionsUnserialized)
    {
        var checker = new PermissionChecker("/work", "/home/user", PermissionRuleSet.Empty);
        var prompt = new UserPrompt(checker);
        using var gate = new ToolCallGate(checker, new ToolCallGateOptions { Prompt = prompt }) { QuestionsUnserializedForTests = questionsUnserialized };

        Task<ToolCallAuthorization> Call(string command) => gate.AuthorizeAsync("Bash", Command(command), CancellationToken.None).AsTask();

        var npm = Enumerable.Range(0, 3).Select(_ => Task.Run(() => Call("npm test"))).ToArray();
        var refused = Task.Run(() => Call("make build"));
        var denied = Task.Run(async () =>
        {
            checker.AddSessionRule(PermissionBehavior.Deny, "Bash(git push:*)");
            return await Call("git push origin main");
        });
        await Task.WhenAll(npm.Append(refused).Append(denied).ToArray());
        var npmAnswers = await Task.WhenAll(npm);
        var refusedAnswer = await refused;
        var deniedAnswer = await denied;

        foreach (var answer in npmAnswers)
        {
            Specification.Assert(answer.Allowed, $"an 'npm test' call was refused: {answer.Reason}");
        }
        Specification.Assert(prompt.NpmQuestions == 1, $"'npm test' was asked about {prompt.NpmQuestions} times after an \"always allow\"");
        Specification.Assert(!refusedAnswer.Allowed && prompt.OtherQuestions == 1,
            $"'make build' allowed={refusedAnswer.Allowed} after {prompt.OtherQuestions} questions (the user refused it once)");
        Specification.Assert(!deniedAnswer.Allowed, "'git push' was allowed although a deny rule was added before the call");
    }

    [Fact]
    public void ParallelCallsThatAsk_WhileAnAnswerAddsARule_AskOneQuestionAtATimeAndNeverTwiceAfterAlwaysAllow() =>
        CoyoteRunner.AssertNoBug(() => Scenario(questionsUnserialized: false), CoyoteStrategy.Prioritization);

    [Fact]
    public void ParallelCallsThatAsk_WhenQuestionsAreNotSerialized_AreCaught()
    {
        var bug = CoyoteRunner.AssertFindsBug(() => Scenario(questionsUnserialized: true), CoyoteStrategy.Prioritization);

        Assert.Matches("questions on screen at once|asked about [2-9] times", bug);
    }
}
