using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using CodeForge.Cli.Interactive;
using CodeForge.Core.Agent;
using CodeForge.Core.Permissions;
using CodeForge.Core.Sessions;
using CodeForge.Core.Tools;
using Microsoft.Extensions.AI;

namespace CodeForge.Cli.Tests.Interactive;

/// <summary>An engine whose turns replay scripted events; a turn can be held open until cancelled.</summary>
internal sealed class FakeEngine : IInteractiveEngine
{
    private PermissionMode _mode = PermissionMode.Default;

    public FakeEngine(string workingDirectory) => WorkingDirectory = workingDirectory;

    public string WorkingDirectory { get; }

    public string Model { get; private set; } = "test-model";

    public string ProviderName => "fake";

    public string SessionId { get; set; } = "11111111-1111-1111-1111-111111111111";

    public string? TranscriptPath => null;

    public PermissionMode Mode => _mode;

    public PermissionChecker Permissions { get; } = new();

    public PermissionRulesView PermissionRules => PermissionRulesView.From(Permissions.Policy, null);

    public void AddSessionRule(PermissionBehavior behavior, string rule)
    {
        try
        {
            Permissions.AddSessionRule(behavior, rule);
        }
        catch (PermissionRuleException ex)
        {
            throw new ArgumentException(ex.Message, ex);
        }
    }

    public bool RemoveSessionRule(string rule) => Permissions.RemoveSessionRule(rule);

    public IReadOnlyList<string> AdditionalDirectories { get; set; } = [];

    public UsageReport Usage { get; set; } = new(1200, 340, 100, 0.0123m, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5));

    public int BackgroundShells { get; set; }

    public IReadOnlyList<ToolView> Tools { get; set; } = [];

    public IReadOnlyList<string> StartupMessages { get; set; } = [];

    public string? StatusLineCommand { get; set; }

    public string LocalSettingsPath => Path.Combine(WorkingDirectory, ".forge", "settings.local.json");

    public IReadOnlyList<string> KnownModels => ["sonnet", "opus"];

    public List<string> Prompts { get; } = [];

    public Queue<AgentEvent[]> Turns { get; } = new();

    /// <summary>When set, a turn waits here (after its scripted events) until cancelled.</summary>
    public bool HoldTurnOpen { get; set; }

    public TaskCompletionSource TurnStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Compactions { get; private set; }

    public int NewConversations { get; private set; }

    public List<CustomCommandInfo> Custom { get; } = [];

    public IReadOnlyList<CustomCommandInfo> CustomCommands => Custom;

    public async IAsyncEnumerable<AgentEvent> RunTurnAsync(string prompt, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Prompts.Add(prompt);
        TurnStarted.TrySetResult();
        foreach (var e in Turns.Count > 0 ? Turns.Dequeue() : [])
        {
            yield return e;
        }
        if (HoldTurnOpen)
        {
            var wait = new TaskCompletionSource();
            using (cancellationToken.Register(() => wait.TrySetResult()))
            {
                await wait.Task.ConfigureAwait(false);
            }
            yield return new TurnFinished(AgentStopReason.Cancelled, 1, new UsageDetails(), "");
        }
    }

    public void SetModel(string model)
    {
        if (model == "nope")
        {
            throw new ArgumentException("Unknown model \"nope\".");
        }
        Model = model;
    }

    public void SetMode(PermissionMode mode) => _mode = mode;

    public Task NewConversationAsync(CancellationToken cancellationToken)
    {
        NewConversations++;
        SessionId = "22222222-2222-2222-2222-222222222222";
        return Task.CompletedTask;
    }

    public Task<string> CompactAsync(string? instructions, CancellationToken cancellationToken)
    {
        Compactions++;
        return Task.FromResult($"Compacted ({instructions ?? "no instructions"}).");
    }

    public IReadOnlyList<SessionSummary> ListSessions() => [];

    public Task<IReadOnlyList<string>> ResumeAsync(string sessionId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([$"resumed {sessionId}"]);

    public ContextReport GetContext() => new(200_000, [("system prompt", 3000), ("messages", 17000)]);

    public IReadOnlyList<string> Describe(string topic) => [$"{topic} line"];

    public Task<IReadOnlyList<string>> DoctorAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(["== Plugins", "⚠ broken-plugin: plugin.json line 3: expected a string"]);

    public Task<string?> ExpandCustomCommandAsync(string name, string arguments) =>
        Task.FromResult(Custom.Any(c => c.Name == name) ? $"expanded {name} with {arguments}" : null);

    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _notices = new();

    /// <summary>Queues a notice and raises <see cref="NoticesArrived"/>, as the real engine does on a settings change.</summary>
    public void AddNotice(string text)
    {
        _notices.Enqueue(text);
        NoticesArrived?.Invoke();
    }

    public event Action? NoticesArrived;

    public IReadOnlyList<string> TakeNotices()
    {
        var taken = new List<string>();
        while (_notices.TryDequeue(out var n))
        {
            taken.Add(n);
        }
        return taken;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public static JsonElement Args(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
