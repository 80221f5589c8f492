using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CodeForge.Core.Tokens;
using CodeForge.Core.Tools;
using Microsoft.Extensions.AI;

namespace CodeForge.Core.Agent;

/// <summary>How one compaction went.</summary>
/// <param name="Trigger">Auto (near the window) or manual (<c>/compact</c>).</param>
/// <param name="TokensBefore">The request's size before (system prompt and messages).</param>
/// <param name="TokensAfter">The request's size after.</param>
/// <param name="MessagesSummarized">How many messages the summary replaced.</param>
/// <param name="MessagesKept">How many recent messages were kept verbatim after the summary.</param>
/// <param name="Summary">The text of the new first message (the model's summary plus what is kept verbatim).</param>
/// <param name="Usage">The tokens of the summarizing call, if the model reported them.</param>
public sealed record CompactionResult(
    CompactionTrigger Trigger, int TokensBefore, int TokensAfter, int MessagesSummarized, int MessagesKept, string Summary, UsageDetails? Usage);

/// <summary>
/// Compacts a conversation: asks the model (one extra call to the same <see cref="IChatClient"/>) for a summary of the
/// older messages and replaces them with one user message holding that summary plus, verbatim, the user's latest
/// request, the task list (the latest <c>TodoWrite</c>) and the active skill(s); the most recent messages (up to
/// <see cref="ContextOptions.KeepRecentTokens"/>) stay as they were. The sink records a boundary first, so the
/// transcript keeps everything and a resumed session sees the compacted view.
/// </summary>
/// <remarks>
/// <para>Thread-safe. <see cref="CompactAsync"/> takes the conversation's run lock, so it never overlaps an agent run
/// (it waits for the run to end); the agent loop compacts from inside its own run through the internal core method.
/// The conversation changes in one atomic <see cref="Conversation.Replace"/>, after the sink has recorded the boundary;
/// a reader sees the whole old or the whole new list. On any failure (the model call, the sink) nothing changes.</para>
/// </remarks>
public sealed class Compactor
{
    /// <summary>The first words of every summary message (how a later compaction recognises an earlier summary).</summary>
    public const string SummaryPreamble = "This session is being continued from an earlier conversation that was compacted to fit the context window.";

    internal const string RequestTag = "latest-user-request";
    internal const string TasksTag = "task-list";
    internal const string SkillsTag = "active-skills";

    /// <summary>The per-result cap when rendering older tool results for the summarizer.</summary>
    internal const int RenderedResultChars = 2_000;

    private const string SystemInstructions =
        "You are summarizing a conversation between a user and an AI coding agent so the agent can continue the work with "
        + "less context. Write a dense, factual summary in these sections: 1. The user's requests and intent (all of them, "
        + "in order). 2. Key technical facts, decisions and constraints. 3. Files read, created or changed (paths, and what "
        + "changed). 4. Errors met and how they were fixed. 5. Work done so far. 6. Pending tasks and the exact next step. "
        + "Keep file paths, names, commands and error messages exact. Do not call tools. Answer with the summary only.";

    private readonly IChatClient _client;
    private readonly ContextOptions _options;

    public Compactor(IChatClient client, ContextOptions options)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _options = options ?? throw new ArgumentNullException(nameof(options));
    }

    /// <summary>
    /// Compacts <paramref name="conversation"/> now (the interactive <c>/compact [instructions]</c>): waits for any
    /// running turn, then summarizes. Returns null when there is nothing older to summarize.
    /// </summary>
    /// <exception cref="CompactionException">The model gave no summary or the call failed; the conversation is unchanged.</exception>
    public async Task<CompactionResult?> CompactAsync(
        Conversation conversation, string? instructions = null, IConversationSink? sink = null, string? systemPrompt = null,
        ChatOptions? chatOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        await conversation.RunLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await CompactCoreAsync(conversation, CompactionTrigger.Manual, instructions, sink ?? NullConversationSink.Instance,
                systemPrompt, chatOptions, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            conversation.RunLock.Release();
        }
    }

    /// <summary>The request's size in tokens: the system prompt and the messages (tool definitions excluded).</summary>
    public int CountTokens(IEnumerable<ChatMessage> messages, string? systemPrompt) => CountTokens(_options.Counter, messages, systemPrompt);

    /// <summary>The request's size in tokens as <paramref name="counter"/> counts it (tool definitions excluded).</summary>
    internal static int CountTokens(ITokenCounter counter, IEnumerable<ChatMessage> messages, string? systemPrompt)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var request = string.IsNullOrEmpty(systemPrompt) ? messages : messages.Prepend(new ChatMessage(ChatRole.System, systemPrompt));
        return counter.CountMessages(request);
    }

    /// <summary>Compacts; the caller holds the conversation's run lock.</summary>
    internal async Task<CompactionResult?> CompactCoreAsync(
        Conversation conversation, CompactionTrigger trigger, string? instructions, IConversationSink sink, string? systemPrompt,
        ChatOptions? chatOptions, CancellationToken ct)
    {
        var messages = conversation.Messages;
        var keepFrom = ChooseKeptTail(messages);
        if (keepFrom == 0)
        {
            return null;
        }
        var older = messages.GetRange(0, keepFrom);
        var kept = messages.GetRange(keepFrom, messages.Count - keepFrom);
        var tokensBefore = CountTokens(messages, systemPrompt);

        if (_options.PreCompactHook is { } hook)
        {
            var extra = await hook.OnPreCompactAsync(new PreCompactContext(trigger, instructions, tokensBefore), ct).ConfigureAwait(false);
            if (!string.IsNullOrWhiteSpace(extra))
            {
                instructions = string.IsNullOrWhiteSpace(instructions) ? extra : instructions + "\n" + extra;
            }
        }

        var request = new List<ChatMessage>
        {
            new(ChatRole.System, SystemInstructions),
            new(ChatRole.User, RenderForSummary(older, instructions)),
        };
        var options = chatOptions?.Clone() ?? new ChatOptions();
        options.Tools = null;
        options.ToolMode = null;
        ChatResponse response;
        try
        {
            response = await _client.GetResponseAsync(request, options, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            throw new CompactionException($"Compaction failed: the model call for the summary failed: {ex.Message}", ex);
        }
        var summaryText = response.Text.Trim();
        if (summaryText.Length == 0)
        {
            throw new CompactionException("Compaction failed: the model returned an empty summary; the conversation was left as it was.");
        }

        var summary = BuildSummaryMessage(summaryText, messages, older, kept);
        var tokensAfter = CountTokens(kept.Prepend(summary), systemPrompt);
        var result = new CompactionResult(trigger, tokensBefore, tokensAfter, older.Count, kept.Count, summary.Text, response.Usage);
        await sink.CompactedAsync(new CompactionRecord(summary, kept, result), ct).ConfigureAwait(false);
        conversation.Replace(kept.Prepend(summary));
        return result;
    }

    /// <summary>
    /// The index of the first message kept verbatim: the earliest user or assistant message (never a tool message, whose
    /// calls would be summarized away) such that the messages from it on fit <see cref="ContextOptions.KeepRecentTokens"/>.
    /// At least one message is summarized; <c>Count</c> keeps none. Returns 0 when there is nothing to summarize.
    /// </summary>
    internal int ChooseKeptTail(ImmutableList<ChatMessage> messages)
    {
        if (messages.Count == 0 || (messages.Count == 1 && IsSummary(messages[0])))
        {
            return 0;
        }
        var best = messages.Count;
        var tokens = 0;
        for (var i = messages.Count - 1; i >= 1; i--)
        {
            tokens += _options.Counter.CountMessages([messages[i]]);
            if (tokens > _options.KeepRecentTokens)
            {
                break;
            }
            if (messages[i].Role != ChatRole.Tool)
            {
                best = i;
            }
        }
        // Summarizing only an earlier summary gains nothing.
        return best == 1 && IsSummary(messages[0]) ? 0 : best;
    }

    internal static bool IsSummary(ChatMessage message) =>
        message.Role == ChatRole.User && message.Text.StartsWith(SummaryPreamble, StringComparison.Ordinal);

    private ChatMessage BuildSummaryMessage(string summaryText, ImmutableList<ChatMessage> all, ImmutableList<ChatMessage> older, ImmutableList<ChatMessage> kept)
    {
        var s = new StringBuilder();
        s.AppendLine(SummaryPreamble);
        s.AppendLine("The summary below covers the earlier part; the messages after this one are the most recent, kept as they were.");
        s.AppendLine();
        s.AppendLine("<summary>");
        s.AppendLine(summaryText);
        s.AppendLine("</summary>");

        var request = LatestUserRequest(all);
        if (request is { } r && (r.Message is null || !kept.Contains(r.Message)))
        {
            AppendTagged(s, RequestTag, "The user's latest request, verbatim:", r.Text);
        }
        var tasks = LatestTaskList(older, kept);
        if (tasks is not null)
        {
            AppendTagged(s, TasksTag, "The current task list (TodoWrite), verbatim:", tasks);
        }
        var skills = ActiveSkills(older, kept);
        if (skills is not null)
        {
            AppendTagged(s, SkillsTag, "The active skill(s), verbatim (still in force):", skills);
        }
        return new ChatMessage(ChatRole.User, s.ToString().TrimEnd());
    }

    private static void AppendTagged(StringBuilder s, string tag, string heading, string text)
    {
        s.AppendLine();
        s.AppendLine(heading);
        s.AppendLine(CultureInfo.InvariantCulture, $"<{tag}>");
        s.AppendLine(text.TrimEnd());
        s.AppendLine(CultureInfo.InvariantCulture, $"</{tag}>");
    }

    // The last real user request (text, not tool results, not an earlier summary), or the one an earlier summary kept.
    private static (ChatMessage? Message, string Text)? LatestUserRequest(ImmutableList<ChatMessage> messages)
    {
        for (var i = messages.Count - 1; i >= 0; i--)
        {
            var m = messages[i];
            if (m.Role != ChatRole.User || m.Contents.OfType<FunctionResultContent>().Any() || string.IsNullOrWhiteSpace(m.Text))
            {
                continue;
            }
            if (IsSummary(m))
            {
                return ExtractTag(m.Text, RequestTag) is { } earlier ? (null, earlier) : null;
            }
            return (m, m.Text);
        }
        return null;
    }

    // The latest TodoWrite list if it is being summarized away (a list in the kept messages needs no copy).
    private static string? LatestTaskList(ImmutableList<ChatMessage> older, ImmutableList<ChatMessage> kept)
    {
        if (kept.Any(m => m.Contents.OfType<FunctionCallContent>().Any(c => c.Name == "TodoWrite")))
        {
            return null;
        }
        for (var i = older.Count - 1; i >= 0; i--)
        {
            var call = older[i].Contents.OfType<FunctionCallContent>().LastOrDefault(c => c.Name == "TodoWrite");
            if (call is not null)
            {
                var args = ToolArguments.ToJson(call.Arguments, AIJsonUtilities.DefaultOptions);
                return args.TryGetProperty("todos", out var todos) ? RenderTodos(todos) : args.GetRawText();
            }
            if (IsSummary(older[i]))
            {
                return ExtractTag(older[i].Text, TasksTag);
            }
        }
        return null;
    }

    private static string RenderTodos(JsonElement todos)
    {
        if (todos.ValueKind != JsonValueKind.Array)
        {
            return todos.GetRawText();
        }
        var s = new StringBuilder();
        foreach (var todo in todos.EnumerateArray())
        {
            var content = todo.ValueKind == JsonValueKind.Object && todo.TryGetProperty("content", out var c) ? c.ToString() : todo.ToString();
            var status = todo.ValueKind == JsonValueKind.Object && todo.TryGetProperty("status", out var st) ? st.ToString() : "pending";
            s.AppendLine(CultureInfo.InvariantCulture, $"- [{status}] {content}");
        }
        return s.ToString().TrimEnd();
    }

    // The active skill text: from the configured provider, else the result of the latest Skill call being summarized.
    private string? ActiveSkills(ImmutableList<ChatMessage> older, ImmutableList<ChatMessage> kept)
    {
        if (_options.ActiveSkills is { } provider)
        {
            var texts = provider();
            return texts.Count == 0 ? null : string.Join("\n\n", texts);
        }
        if (kept.Any(m => m.Contents.OfType<FunctionCallContent>().Any(c => c.Name == "Skill")))
        {
            return null;
        }
        for (var i = older.Count - 1; i >= 0; i--)
        {
            var call = older[i].Contents.OfType<FunctionCallContent>().LastOrDefault(c => c.Name == "Skill");
            if (call is not null)
            {
                var result = older.Skip(i + 1).SelectMany(m => m.Contents.OfType<FunctionResultContent>()).FirstOrDefault(r => r.CallId == call.CallId);
                return result is null ? null : ResultText(result);
            }
            if (IsSummary(older[i]))
            {
                return ExtractTag(older[i].Text, SkillsTag);
            }
        }
        return null;
    }

    internal static string? ExtractTag(string text, string tag)
    {
        var open = $"<{tag}>\n";
        var close = $"\n</{tag}>";
        var start = text.IndexOf(open, StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }
        start += open.Length;
        var end = text.IndexOf(close, start, StringComparison.Ordinal);
        return end < 0 ? null : text[start..end];
    }

    // The older messages as a plain transcript for the summarizer, within about half the window.
    private string RenderForSummary(ImmutableList<ChatMessage> older, string? instructions)
    {
        var parts = new List<string>(older.Count);
        foreach (var m in older)
        {
            var s = new StringBuilder();
            foreach (var content in m.Contents)
            {
                switch (content)
                {
                    case TextContent t when !string.IsNullOrWhiteSpace(t.Text):
                        s.AppendLine(CultureInfo.InvariantCulture, $"[{m.Role.Value}] {t.Text}");
                        break;
                    case FunctionCallContent call:
                        s.AppendLine(CultureInfo.InvariantCulture,
                            $"[tool call {call.Name}] {ToolArguments.ToJson(call.Arguments, AIJsonUtilities.DefaultOptions).GetRawText()}");
                        break;
                    case FunctionResultContent result:
                        var text = ResultText(result);
                        if (text.Length > RenderedResultChars)
                        {
                            text = string.Create(CultureInfo.InvariantCulture, $"{text[..RenderedResultChars]}\n[... {text.Length - RenderedResultChars:N0} more characters]");
                        }
                        s.AppendLine(CultureInfo.InvariantCulture, $"[tool result] {text}");
                        break;
                }
            }
            parts.Add(s.ToString());
        }
        // Drop the oldest parts (but never the first, usually the original request) until the transcript fits.
        var budget = _options.ContextWindow / 2;
        var total = parts.Sum(p => _options.Counter.Count(p));
        var dropped = 0;
        for (var i = 1; i < parts.Count - 1 && total > budget; i++)
        {
            total -= _options.Counter.Count(parts[i]);
            parts[i] = "";
            dropped++;
        }
        var body = new StringBuilder();
        body.AppendLine("Summarize this conversation (the part that will be replaced):");
        body.AppendLine();
        body.AppendLine("<conversation>");
        foreach (var p in parts.Where(p => p.Length > 0))
        {
            body.Append(p);
        }
        if (dropped > 0)
        {
            body.AppendLine(CultureInfo.InvariantCulture, $"[{dropped} older messages were left out to fit]");
        }
        body.AppendLine("</conversation>");
        if (!string.IsNullOrWhiteSpace(instructions))
        {
            body.AppendLine();
            body.AppendLine("Additional instructions for the summary:");
            body.AppendLine(instructions.Trim());
        }
        return body.ToString();
    }

    private static string ResultText(FunctionResultContent result) => result.Result switch
    {
        null => "",
        string s => s,
        JsonElement e => e.ValueKind == JsonValueKind.String ? e.GetString() ?? "" : e.GetRawText(),
        var other => other.ToString() ?? "",
    };
}

/// <summary>A compaction could not be done; the conversation is unchanged.</summary>
public sealed class CompactionException : Exception
{
    public CompactionException()
    {
    }

    public CompactionException(string message)
        : base(message)
    {
    }

    public CompactionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
