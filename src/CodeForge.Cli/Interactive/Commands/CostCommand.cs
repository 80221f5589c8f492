using System.Globalization;

namespace CodeForge.Cli.Interactive.Commands;

/// <summary>
/// <c>/cost</c>: tokens, money and time of the session. API time is the model calls' own; the time turns stood still on
/// a question to the user (permission prompts) is shown apart, so a long look at a prompt does not read as a slow model.
/// </summary>
/// <remarks>Stateless; reads one usage snapshot.</remarks>
internal sealed class CostCommand(CommandContext context) : ISlashCommand
{
    public string Name => "cost";

    public string Description => "Tokens, cost and time of this session";

    public Task RunAsync(string arguments, CancellationToken cancellationToken)
    {
        context.Lines("Cost", Lines(context.Engine.Usage));
        return Task.CompletedTask;
    }

    internal static IReadOnlyList<string> Lines(UsageReport u)
    {
        ArgumentNullException.ThrowIfNull(u);
        return [
            string.Create(CultureInfo.InvariantCulture, $"Total cost:      {(u.CostUsd is { } cost ? "$" + cost.ToString("0.0000", CultureInfo.InvariantCulture) : "unknown (no price for this model)")}"),
            string.Create(CultureInfo.InvariantCulture, $"Input tokens:    {u.InputTokens:N0} ({u.CachedInputTokens:N0} cache read, {u.CacheWriteTokens:N0} cache write)"),
            string.Create(CultureInfo.InvariantCulture, $"Output tokens:   {u.OutputTokens:N0}") +
                (u.ReasoningTokens > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({u.ReasoningTokens:N0} thinking)") : ""),
            string.Create(CultureInfo.InvariantCulture, $"API time:        {u.ApiDuration.TotalSeconds:0.0}s"),
            string.Create(CultureInfo.InvariantCulture, $"Waiting on you:  {u.UserWaitDuration.TotalSeconds:0.0}s (permission prompts)"),
            string.Create(CultureInfo.InvariantCulture, $"Wall time:       {u.WallDuration.TotalSeconds:0.0}s"),
        ];
    }
}
