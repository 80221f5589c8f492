using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using CodeForge.Core.Hooks;

namespace CodeForge.Cli.StreamJson;

/// <summary>
/// Hooks registered by the SDK in <c>initialize</c> (<c>hooks</c>: event → <c>[{matcher, hookCallbackIds, timeout}]</c>):
/// each callback id becomes a <see cref="HookDefinition"/> of the hook source <c>sdk</c> whose command is a marker
/// (<see cref="CommandPrefix"/> + id). <see cref="ProcessRunner"/> runs those markers by sending <c>hook_callback</c> to the
/// SDK (the hook's JSON input as <c>input</c>) and takes its answer as the hook's JSON output; every other command runs in
/// bash as usual. So SDK hooks go through the same matching, ordering and output rules as settings hooks.
/// </summary>
/// <remarks>Thread-safe: the runner holds only the channel (thread-safe) and the inner runner (thread-safe by contract).
/// The channel is set once, before the first turn, and read with a volatile read.</remarks>
internal sealed class SdkHooks
{
    /// <summary>The marker command of an SDK callback; it cannot be a bash command line forge would run from settings.</summary>
    public const string CommandPrefix = "\u0000sdk-hook-callback:";

    private volatile ControlChannel? _channel;

    public SdkHooks(IHookProcessRunner inner) => ProcessRunner = new Runner(this, inner);

    /// <summary>The process runner to give the hook runner.</summary>
    public IHookProcessRunner ProcessRunner { get; }

    /// <summary>Where callbacks are sent.</summary>
    public void Attach(ControlChannel channel) => _channel = channel;

    /// <summary>Reads the <c>hooks</c> object of an <c>initialize</c> request; problems are returned, the rest loads.</summary>
    public static (ImmutableArray<HookDefinition> Definitions, ImmutableArray<string> Problems) Parse(JsonElement hooks)
    {
        var definitions = ImmutableArray.CreateBuilder<HookDefinition>();
        var problems = ImmutableArray.CreateBuilder<string>();
        if (hooks.ValueKind != JsonValueKind.Object)
        {
            return ([], hooks.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? [] : ["initialize: \"hooks\" must be an object"]);
        }
        foreach (var hookEvent in hooks.EnumerateObject())
        {
            if (!HookEvents.TryParse(hookEvent.Name, out var parsed))
            {
                problems.Add($"initialize: hooks.{hookEvent.Name}: forge does not fire this hook event; its callbacks will not be called");
                continue;
            }
            if (hookEvent.Value.ValueKind != JsonValueKind.Array)
            {
                problems.Add($"initialize: hooks.{hookEvent.Name} must be an array of matchers");
                continue;
            }
            var index = 0;
            foreach (var group in hookEvent.Value.EnumerateArray())
            {
                var key = string.Create(CultureInfo.InvariantCulture, $"hooks.{hookEvent.Name}[{index++}]");
                var matcherText = InboundMessage.String(group, "matcher");
                if (!HookMatcher.TryParse(matcherText, out var matcher, out var error))
                {
                    problems.Add($"initialize: {key}.matcher: {error}");
                    continue;
                }
                TimeSpan? timeout = group.ValueKind == JsonValueKind.Object && group.TryGetProperty("timeout", out var t) && t.TryGetDouble(out var seconds) && seconds > 0
                    ? TimeSpan.FromSeconds(seconds) : null;
                if (group.ValueKind != JsonValueKind.Object || !group.TryGetProperty("hookCallbackIds", out var ids) || ids.ValueKind != JsonValueKind.Array)
                {
                    problems.Add($"initialize: {key} needs \"hookCallbackIds\"");
                    continue;
                }
                foreach (var id in ids.EnumerateArray())
                {
                    if (id.ValueKind == JsonValueKind.String)
                    {
                        definitions.Add(new HookDefinition(parsed, matcher, CommandPrefix + id.GetString(), $"SDK initialize {key} ({id.GetString()})") { Timeout = timeout });
                    }
                }
            }
        }
        return (definitions.ToImmutable(), problems.ToImmutable());
    }

    private sealed class Runner(SdkHooks owner, IHookProcessRunner inner) : IHookProcessRunner
    {
        public async Task<HookProcessResult> RunAsync(HookProcessRequest request, CancellationToken cancellationToken)
        {
            if (!request.Command.StartsWith(CommandPrefix, StringComparison.Ordinal))
            {
                return await inner.RunAsync(request, cancellationToken).ConfigureAwait(false);
            }
            var channel = owner._channel ?? throw new InvalidOperationException("SDK hook callbacks are not connected");
            var callbackId = request.Command[CommandPrefix.Length..];
            JsonElement input;
            using (var document = JsonDocument.Parse(request.Stdin))
            {
                input = document.RootElement.Clone();
            }
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(request.Timeout);
            try
            {
                var answer = await channel.RequestAsync("hook_callback", w =>
                {
                    w.WriteString("callback_id", callbackId);
                    w.WritePropertyName("input");
                    input.WriteTo(w);
                    if (InboundMessage.String(input, "tool_use_id") is { } toolUseId)
                    {
                        w.WriteString("tool_use_id", toolUseId);
                    }
                }, timeout.Token).ConfigureAwait(false);
                return new HookProcessResult(0, answer.ValueKind == JsonValueKind.Object ? answer.GetRawText() : "{}", "");
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return new HookProcessResult(137, "", "", TimedOut: true);
            }
            catch (ControlRequestFailedException ex)
            {
                // A non-blocking error: reported, the call goes on (as a crashing hook command would).
                return new HookProcessResult(1, "", $"SDK hook callback {callbackId} failed: {ex.Message}");
            }
        }
    }
}
