using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using CodeForge.Core.Tools;
using Microsoft.Extensions.AI;

namespace CodeForge.Core.Agent;

/// <summary>
/// The agent: sends the conversation to the model, streams its answer, runs the tool calls it makes through the gate
/// (authorization, then the <see cref="ToolExecutor"/>; parallel calls scheduled by <see cref="ToolCallScheduler"/>),
/// returns the results, and repeats until the model answers without tool calls or the turn limit is reached.
/// </summary>
/// <remarks>
/// <para>One run at a time per conversation: <see cref="RunAsync"/> holds the conversation's run lock for the whole run
/// (a second concurrent run waits). Events are yielded in order from one producer; tool calls of one response run
/// concurrently and their events interleave, but each call's <see cref="ToolCallStarted"/> precedes its
/// <see cref="ToolCallFinished"/>, and results join the conversation in call order.</para>
/// <para>Cancellation stops the turn and leaves the conversation valid for the next request: every tool call of the last
/// assistant message gets a result (a "cancelled" one if it did not finish).</para>
/// <para>With <see cref="AgentOptions.Context"/>: before each model call the request is counted and, at the auto-compact
/// threshold, compacted (<see cref="Compactor"/>, inside the run, so it never races the run's own appends); each tool
/// result is cut to <see cref="ContextOptions.ToolResultMaxTokens"/> before it joins the conversation
/// (<see cref="ToolResultTruncator"/>; the <see cref="ToolCallFinished"/> event still carries the whole result).
/// <see cref="CompactAsync"/> (manual <c>/compact</c>) waits for the run lock, so it never overlaps a run.</para>
/// </remarks>
public sealed class AgentLoop
{
    private readonly IChatClient _client;
    private readonly ToolExecutor _executor;
    private readonly IToolCallAuthorizer _authorizer;
    private readonly ToolContext _toolContext;

    public AgentLoop(IChatClient client, ToolExecutor executor, ToolContext toolContext, IToolCallAuthorizer? authorizer = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _executor = executor ?? throw new ArgumentNullException(nameof(executor));
        _toolContext = toolContext ?? throw new ArgumentNullException(nameof(toolContext));
        _authorizer = authorizer ?? AllowAllAuthorizer.Instance;
    }

    /// <summary>Adds <paramref name="prompt"/> to <paramref name="conversation"/> and runs until the model is done.</summary>
    public async IAsyncEnumerable<AgentEvent> RunAsync(
        Conversation conversation, string prompt, AgentOptions? options = null, IConversationSink? sink = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(prompt);
        var channel = Channel.CreateUnbounded<AgentEvent>(new UnboundedChannelOptions { SingleReader = true });
        var producer = ProduceAsync(conversation, prompt, options ?? new AgentOptions(), sink ?? NullConversationSink.Instance,
            channel.Writer, cancellationToken);
        await foreach (var e in channel.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            yield return e;
        }
        await producer.ConfigureAwait(false);
    }

    private async Task ProduceAsync(Conversation conversation, string prompt, AgentOptions options, IConversationSink sink,
        ChannelWriter<AgentEvent> events, CancellationToken ct)
    {
        try
        {
            await ProduceCoreAsync(conversation, prompt, options, sink, events, ct).ConfigureAwait(false);
            events.TryComplete();
        }
        catch (Exception ex)
        {
            // A bug or a failing sink must end the consumer's enumeration with the error, never leave it waiting.
            events.TryComplete(ex);
        }
    }

    private async Task ProduceCoreAsync(Conversation conversation, string prompt, AgentOptions options, IConversationSink sink,
        ChannelWriter<AgentEvent> events, CancellationToken ct)
    {
        var usage = new UsageDetails();
        var modelCalls = 0;
        var finalText = "";
        var reason = AgentStopReason.Completed;
        await conversation.RunLock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            var submitted = await options.Hooks.PromptSubmittedAsync(prompt, ct).ConfigureAwait(false);
            if (submitted.Block || submitted.StopRun)
            {
                await events.WriteAsync(new AgentError(submitted.Reason ?? submitted.StopReason ?? "The prompt was blocked by a hook.", null), CancellationToken.None).ConfigureAwait(false);
                reason = AgentStopReason.Blocked;
            }
            else
            {
                await AddAsync(conversation, sink, UserMessage(prompt, submitted.AdditionalContext), CancellationToken.None).ConfigureAwait(false);
            }
            var offered = _executor.AsAITools(_toolContext).Where(t => options.AllowedTools is null || options.AllowedTools.Contains(t.Name)).ToList();
            var tools = offered.Cast<AITool>().ToList();
            var budget = options.Context is { } context ? new RunBudget(context, _client, offered) : null;
            var stopBlocks = 0;
            while (reason == AgentStopReason.Completed)
            {
                if (options.MaxTurns is { } max && modelCalls >= max)
                {
                    reason = AgentStopReason.MaxTurns;
                    break;
                }
                if (modelCalls > 0)
                {
                    options.BeforeModelCall?.Invoke();
                }
                ct.ThrowIfCancellationRequested();
                if (budget is not null)
                {
                    await CompactIfNeededAsync(budget, conversation, options, sink, events, ct).ConfigureAwait(false);
                }
                var chatOptions = options.ChatOptions?.Clone() ?? new ChatOptions();
                chatOptions.Tools = tools;
                chatOptions.AllowMultipleToolCalls ??= true;
                var request = conversation.ForRequest(options.SystemPrompt);

                var updates = new List<ChatResponseUpdate>();
                modelCalls++;
                Diagnostics.StartupTrace.MarkOnce("first model request");
                try
                {
                    await foreach (var update in _client.GetStreamingResponseAsync(request, chatOptions, ct).ConfigureAwait(false))
                    {
                        updates.Add(update);
                        if (!string.IsNullOrEmpty(update.Text))
                        {
                            await events.WriteAsync(new TextDelta(update.Text), CancellationToken.None).ConfigureAwait(false);
                        }
                        foreach (var reasoning in update.Contents.OfType<TextReasoningContent>())
                        {
                            if (!string.IsNullOrEmpty(reasoning.Text))
                            {
                                await events.WriteAsync(new ThinkingDelta(reasoning.Text), CancellationToken.None).ConfigureAwait(false);
                            }
                        }
                    }
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    throw;
                }
                catch (Exception ex)
                {
                    await events.WriteAsync(new AgentError(ex.Message, ex), CancellationToken.None).ConfigureAwait(false);
                    reason = AgentStopReason.Failed;
                    break;
                }

                var response = updates.ToChatResponse();
                Diagnostics.StartupTrace.MarkOnce("first model response");
                if (response.Usage is { } callUsage)
                {
                    usage.Add(callUsage);
                }
                var assistant = new ChatMessage(ChatRole.Assistant, response.Messages.SelectMany(m => m.Contents).ToList())
                {
                    MessageId = response.ResponseId,
                };
                await AddAsync(conversation, sink, assistant, CancellationToken.None).ConfigureAwait(false);
                await events.WriteAsync(new AssistantMessage(assistant, response.Usage), CancellationToken.None).ConfigureAwait(false);

                var calls = assistant.Contents.OfType<FunctionCallContent>().ToList();
                if (calls.Count == 0)
                {
                    finalText = assistant.Text;
                    var stop = await options.Hooks.StoppingAsync(finalText, stopBlocks, ct).ConfigureAwait(false);
                    if (stop.Block && !stop.StopRun && stop.Reason is { } goOn)
                    {
                        // A Stop hook keeps the model going: its reason is the next user message.
                        stopBlocks++;
                        await AddAsync(conversation, sink, new ChatMessage(ChatRole.User, goOn), CancellationToken.None).ConfigureAwait(false);
                        continue;
                    }
                    break;
                }
                var results = await RunToolCallsAsync(calls, options, budget, events, ct).ConfigureAwait(false);
                var toolMessage = new ChatMessage(ChatRole.Tool, results.Cast<AIContent>().ToList());
                await AddAsync(conversation, sink, toolMessage, CancellationToken.None).ConfigureAwait(false);
                await events.WriteAsync(new ToolResultsMessage(toolMessage), CancellationToken.None).ConfigureAwait(false);
                if (ct.IsCancellationRequested)
                {
                    reason = AgentStopReason.Cancelled;
                    break;
                }
                var batch = await options.Hooks.ToolBatchFinishedAsync(
                    [.. calls.Select(c => new AgentToolCall(c.CallId, c.Name, Prepare(c, options).Arguments))], ct).ConfigureAwait(false);
                if (batch.Block || batch.StopRun)
                {
                    await events.WriteAsync(new AgentError(batch.Reason ?? batch.StopReason ?? "Stopped by a hook.", null), CancellationToken.None).ConfigureAwait(false);
                    reason = AgentStopReason.Blocked;
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            reason = AgentStopReason.Cancelled;
        }
        finally
        {
            try
            {
                await sink.CommitTurnAsync(CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                conversation.RunLock.Release();
            }
        }
        await events.WriteAsync(new TurnFinished(reason, modelCalls, usage, finalText), CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>
    /// Compacts <paramref name="conversation"/> now (the interactive <c>/compact [instructions]</c>), waiting for a run in
    /// progress to end. Needs <see cref="AgentOptions.Context"/>. Returns null when there is nothing to summarize.
    /// </summary>
    /// <exception cref="CompactionException">The summary could not be made; the conversation is unchanged.</exception>
    public Task<CompactionResult?> CompactAsync(
        Conversation conversation, string? instructions, AgentOptions options, IConversationSink? sink = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var context = options.Context ?? throw new ArgumentException("Compaction needs AgentOptions.Context (the context budget).", nameof(options));
        return new Compactor(_client, context).CompactAsync(conversation, instructions, sink, options.SystemPrompt, options.ChatOptions, cancellationToken);
    }

    /// <summary>The context budget of one run: the compactor, the result truncator, and the fixed cost of the tool definitions.</summary>
    private sealed class RunBudget(ContextOptions context, IChatClient client, IReadOnlyList<AIFunction> tools)
    {
        public ContextOptions Context { get; } = context;

        public Compactor Compactor { get; } = new(client, context);

        public ToolResultTruncator Truncator { get; } = new(context.Counter, context.ToolResultMaxTokens, context.ToolOutputDirectory);

        private readonly Lazy<int> _toolDefinitionTokens = new(() => tools.Sum(t => context.Counter.Count(ToolDefinitionText(t))));

        /// <summary>The exact tokens of the tool definitions, counted on first use (the exact tokenizer may be costly to load).</summary>
        public int ToolDefinitionTokens => _toolDefinitionTokens.Value;

        /// <summary>An upper bound of <see cref="ToolDefinitionTokens"/> with <see cref="ContextOptions.UpperBoundCounter"/>.</summary>
        public int ToolDefinitionTokensBound { get; } = tools.Sum(t => context.UpperBoundCounter.Count(ToolDefinitionText(t)));

        private static string ToolDefinitionText(AIFunction tool) => tool.Name + " " + tool.Description + " " + tool.JsonSchema.GetRawText();

        /// <summary>
        /// Auto-compaction waits until the conversation has at least this many messages: two to begin with (a lone prompt
        /// has nothing to summarize), and after each attempt two more than it left, so a request that stays over the
        /// threshold (a huge system prompt, or a failing summarizer) does not compact before every call.
        /// </summary>
        public int NextCompactionAt { get; set; } = 2;
    }

    // Before a model call: compact when the request has reached the threshold (once per call; a failure is reported and
    // the call goes ahead, the provider's own context error being the last word).
    private static async Task CompactIfNeededAsync(
        RunBudget budget, Conversation conversation, AgentOptions options, IConversationSink sink, ChannelWriter<AgentEvent> events, CancellationToken ct)
    {
        if (!budget.Context.AutoCompact || conversation.Messages.Count < budget.NextCompactionAt)
        {
            return;
        }
        // A bound under the threshold settles it without the exact count (exact ≤ bound); otherwise count exactly.
        var bound = Compactor.CountTokens(budget.Context.UpperBoundCounter, conversation.Messages, options.SystemPrompt) + budget.ToolDefinitionTokensBound;
        if (bound < budget.Context.AutoCompactTokens)
        {
            return;
        }
        var tokens = budget.Compactor.CountTokens(conversation.Messages, options.SystemPrompt) + budget.ToolDefinitionTokens;
        if (tokens < budget.Context.AutoCompactTokens)
        {
            return;
        }
        try
        {
            var result = await budget.Compactor.CompactCoreAsync(conversation, CompactionTrigger.Auto, null, sink, options.SystemPrompt,
                options.ChatOptions, ct).ConfigureAwait(false);
            budget.NextCompactionAt = conversation.Messages.Count + 2;
            if (result is not null)
            {
                await events.WriteAsync(new ConversationCompacted(result), CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (CompactionException ex)
        {
            budget.NextCompactionAt = conversation.Messages.Count + 2;
            await events.WriteAsync(new CompactionFailed(CompactionTrigger.Auto, ex.Message, ex), CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task<FunctionResultContent[]> RunToolCallsAsync(
        List<FunctionCallContent> calls, AgentOptions options, RunBudget? budget, ChannelWriter<AgentEvent> events, CancellationToken ct)
    {
        var prepared = calls.Select(c => Prepare(c, options)).ToList();
        return await ToolCallScheduler.RunAsync(prepared, p => p.Access, p => RunOneAsync(p, budget, options.Hooks, events, ct)).ConfigureAwait(false);
    }

    private sealed record PreparedCall(FunctionCallContent Call, JsonElement Arguments, string? Malformed, ToolAccess Access, ITool? Tool);

    private PreparedCall Prepare(FunctionCallContent call, AgentOptions options)
    {
        if (options.AllowedTools is { } allowed && !allowed.Contains(call.Name))
        {
            return new PreparedCall(call, ToolArguments.Empty,
                $"Tool '{call.Name}' is not available here. Available tools: {string.Join(", ", allowed.Order(StringComparer.Ordinal))}.",
                ToolAccess.None, null);
        }
        if (call.Exception is { } parseError)
        {
            return new PreparedCall(call, ToolArguments.Empty,
                $"The arguments of this call to '{call.Name}' are not valid JSON ({parseError.Message}). Send the call again with a JSON object.",
                ToolAccess.None, null);
        }
        JsonElement arguments;
        try
        {
            arguments = ToolArguments.ToJson(call.Arguments, AIJsonUtilities.DefaultOptions);
        }
        catch (Exception ex) when (ex is NotSupportedException or JsonException or InvalidOperationException)
        {
            return new PreparedCall(call, ToolArguments.Empty, $"The arguments of this call to '{call.Name}' could not be read: {ex.Message}", ToolAccess.None, null);
        }
        var tool = _executor.Registry.Get(call.Name);
        var access = tool is IToolAccessDescriber describer ? describer.DescribeAccess(arguments, _toolContext)
            : tool is null ? ToolAccess.None
            : ToolAccess.Everything;
        return new PreparedCall(call, arguments, null, access, tool);
    }

    private async Task<FunctionResultContent> RunOneAsync(PreparedCall p, RunBudget? budget, IAgentHooks hooks, ChannelWriter<AgentEvent> events, CancellationToken ct)
    {
        string? hookFeedback = null;
        var call = p.Call;
        await events.WriteAsync(new ToolCallStarted(call.CallId, call.Name, p.Arguments), CancellationToken.None).ConfigureAwait(false);
        ToolResult result;
        ToolCallOutcome outcome;
        var arguments = p.Arguments;
        if (p.Malformed is not null)
        {
            (result, outcome) = (ToolResult.Fail(p.Malformed), ToolCallOutcome.Malformed);
        }
        else if (ct.IsCancellationRequested)
        {
            (result, outcome) = (ToolResult.Fail("Cancelled by the user before it ran."), ToolCallOutcome.Cancelled);
        }
        else
        {
            try
            {
                var authorization = await _authorizer.AuthorizeAsync(call.Name, arguments, ct).ConfigureAwait(false);
                if (!authorization.Allowed)
                {
                    (result, outcome) = (ToolResult.Fail($"Permission to use {call.Name} was denied: {authorization.Reason}"), ToolCallOutcome.Denied);
                }
                else
                {
                    arguments = authorization.UpdatedArguments ?? arguments;
                    var context = p.Tool is ILongRunningTool ? _toolContext with { Timeout = Timeout.InfiniteTimeSpan } : _toolContext;
                    result = await _executor.ExecuteAsync(call.Name, arguments, context, ct).ConfigureAwait(false);
                    outcome = ToolCallOutcome.Executed;
                    // PostToolUse belongs to the gate when there is one (so a subagent's calls fire it too, and once).
                    var finished = new AgentToolCall(call.CallId, call.Name, arguments, result);
                    var after = _authorizer is IToolCallGate gate
                        ? await gate.ToolFinishedAsync(finished, ct).ConfigureAwait(false)
                        : await hooks.ToolFinishedAsync(finished, ct).ConfigureAwait(false);
                    hookFeedback = string.Join("\n", new[] { after.Block ? after.Reason : null, after.AdditionalContext }.Where(t => !string.IsNullOrEmpty(t)));
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                (result, outcome) = (ToolResult.Fail("Cancelled by the user."), ToolCallOutcome.Cancelled);
            }
        }
        await events.WriteAsync(new ToolCallFinished(call.CallId, call.Name, arguments, result, outcome), CancellationToken.None).ConfigureAwait(false);
        var display = result.ToDisplay();
        display = budget is null ? display : budget.Truncator.Truncate(call.CallId, call.Name, display);
        return new FunctionResultContent(call.CallId, string.IsNullOrEmpty(hookFeedback) ? display : $"{display}\n\n{hookFeedback}");
    }

    private static ChatMessage UserMessage(string prompt, string? hookContext) => hookContext is null
        ? new ChatMessage(ChatRole.User, prompt)
        : new ChatMessage(ChatRole.User, [new TextContent(prompt), new TextContent(hookContext)]);

    private static async Task AddAsync(Conversation conversation, IConversationSink sink, ChatMessage message, CancellationToken ct)
    {
        conversation.Add(message);
        await sink.AppendAsync(message, ct).ConfigureAwait(false);
    }
}
