namespace CodeForge.Testing;

/// <summary>Token counts a scripted turn reports, in OpenAI's sense: <see cref="InputTokens"/> is the whole prompt,
/// of which <see cref="CachedInputTokens"/> were read from the prompt cache and <see cref="CacheWriteTokens"/> were
/// written to it. The Anthropic wire splits them (its <c>input_tokens</c> excludes both); Ollama reports only input and
/// output. <see cref="ReasoningTokens"/> are the part of <see cref="OutputTokens"/> spent reasoning (OpenAI
/// <c>reasoning_tokens</c>; the other wires have no such count).</summary>
public sealed record ScriptedUsage(int InputTokens, int OutputTokens, int CachedInputTokens = 0, int CacheWriteTokens = 0, int ReasoningTokens = 0)
{
    /// <summary>The usage a turn reports unless it says otherwise: 10 in, 5 out.</summary>
    public static ScriptedUsage Default { get; } = new(10, 5);
}

/// <summary>One tool call of a scripted turn. <paramref name="ArgumentsJson"/> is sent as is, so it may be malformed
/// JSON on purpose; <paramref name="Name"/> need not be a tool the request offered. <paramref name="Id"/> defaults to
/// <c>call_N</c> (OpenAI) or <c>toolu_N</c> (Anthropic), N counting calls within the turn from 1.</summary>
public sealed record ScriptedToolCall(string Name, string ArgumentsJson, string? Id = null);

/// <summary>A thinking block of a scripted Anthropic turn, sent before the text and tool calls: <c>thinking</c> with
/// <paramref name="Text"/> and <paramref name="Signature"/> (streamed as <c>thinking_delta</c> fragments and a
/// <c>signature_delta</c>), or, when <paramref name="Redacted"/>, <c>redacted_thinking</c> whose <c>data</c> is
/// <paramref name="Text"/>. OpenAI Responses sends each as a <c>reasoning</c> item whose summary is
/// <paramref name="Text"/> and whose <c>encrypted_content</c> is <paramref name="Signature"/>; Ollama as the message's
/// <c>thinking</c> text. Chat Completions leaves thinking out.</summary>
public sealed record ScriptedThinking(string Text, string Signature = "", bool Redacted = false);

/// <summary>What goes wrong in a faulty turn.</summary>
public enum FaultKind
{
    /// <summary>HTTP 429 in the vendor's rate-limit error shape, with a <c>Retry-After</c> header if the fault has one.</summary>
    RateLimited,
    /// <summary>HTTP 500 (or <see cref="ScriptedFault.StatusCode"/>) in the vendor's server-error shape.</summary>
    ServerError,
    /// <summary>Anthropic's 529 <c>overloaded_error</c>; HTTP 503 for OpenAI and Ollama.</summary>
    Overloaded,
    /// <summary>HTTP 401 in the vendor's bad-key shape.</summary>
    Unauthorized,
    /// <summary>HTTP 404 in the vendor's unknown-model shape, naming the model the request asked for.</summary>
    ModelNotFound,
    /// <summary>HTTP 400 in the vendor's context-length shape (OpenAI <c>context_length_exceeded</c>, Anthropic
    /// <c>prompt is too long</c>).</summary>
    ContextLengthExceeded,
    /// <summary>HTTP 400 (or <see cref="ScriptedFault.StatusCode"/>) with <see cref="ScriptedFault.Message"/>.</summary>
    BadRequest,
    /// <summary>The connection is closed without a complete response. A streaming request first gets the response
    /// headers, the stream's opening event (OpenAI's role chunk, Anthropic's <c>message_start</c>) and the turn's
    /// <see cref="ScriptedTurn.Text"/> if any, then the connection is aborted; a non-streaming request gets nothing.</summary>
    DropConnection,
    /// <summary>A streaming request gets HTTP 200, the opening event and the turn's text, then the vendor's in-stream
    /// error event (Anthropic <c>event: error</c> with <c>overloaded_error</c>, an OpenAI <c>data: {"error":…}</c>
    /// chunk, an Ollama <c>{"error":…}</c> line). A non-streaming request gets <see cref="Overloaded"/>.</summary>
    ErrorMidStream,
}

/// <summary>A fault a turn injects instead of (or part-way through) its normal response.</summary>
/// <param name="Kind">What goes wrong.</param>
/// <param name="RetryAfter">For <see cref="FaultKind.RateLimited"/>/<see cref="FaultKind.Overloaded"/>/
/// <see cref="FaultKind.ServerError"/>: a <c>Retry-After</c> header in whole seconds (rounded up).</param>
/// <param name="RetryAt">As <paramref name="RetryAfter"/>, but the header holds this HTTP date.</param>
/// <param name="StatusCode">Overrides the HTTP status of <see cref="FaultKind.ServerError"/>.</param>
/// <param name="Message">The error message of <see cref="FaultKind.BadRequest"/> (others use the vendor's wording).</param>
public sealed record ScriptedFault(
    FaultKind Kind, TimeSpan? RetryAfter = null, DateTimeOffset? RetryAt = null, int? StatusCode = null, string? Message = null);

/// <summary>
/// One scripted model response. The fake server answers each chat request with the next queued turn, rendered in
/// the protocol the request used (OpenAI, Anthropic or Ollama; JSON or streaming as the request asked), so one script
/// serves every vendor.
/// </summary>
/// <remarks>
/// Immutable; build variants with <c>with</c>: <c>ScriptedTurn.Reply("hi") with { Usage = new(100, 20, 30) }</c>.
/// When streamed, <see cref="Text"/> and every tool call's arguments are split into fragments of
/// <see cref="ChunkSize"/> characters, one per SSE event, so clients must assemble them.
/// </remarks>
public sealed record ScriptedTurn
{
    /// <summary>The assistant text, or null for none.</summary>
    public string? Text { get; init; }

    /// <summary>Tool calls, in order. Several make a parallel tool call.</summary>
    public IReadOnlyList<ScriptedToolCall> ToolCalls { get; init; } = [];

    /// <summary>Thinking blocks that open the response (Anthropic, OpenAI Responses, Ollama), in order.</summary>
    public IReadOnlyList<ScriptedThinking> Thinking { get; init; } = [];

    /// <summary>The usage reported with the response.</summary>
    public ScriptedUsage Usage { get; init; } = ScriptedUsage.Default;

    /// <summary>A fault to inject, or null for a normal response.</summary>
    public ScriptedFault? Fault { get; init; }

    /// <summary>Characters per streamed fragment of text and of tool-call arguments (at least 1).</summary>
    public int ChunkSize { get; init; } = 4;

    /// <summary>When streaming several tool calls over OpenAI, interleave their argument fragments round-robin
    /// instead of sending each call's fragments in a run (both are legal; the real API sends runs).</summary>
    public bool InterleaveToolCalls { get; init; }

    /// <summary>When set, the server holds the request until this task completes, then answers (a test completes it once it
    /// has done what must happen between two model calls, e.g. edited a settings file and seen it applied). Cancelled if
    /// the client goes away.</summary>
    public Task? HoldUntil { get; init; }

    /// <summary>The model id the response names; null echoes the request's model.</summary>
    public string? ResponseModel { get; init; }

    /// <summary>A plain text reply.</summary>
    public static ScriptedTurn Reply(string text, ScriptedUsage? usage = null) =>
        new() { Text = text, Usage = usage ?? ScriptedUsage.Default };

    /// <summary>A reply that calls tools (several at once if more than one is given).</summary>
    public static ScriptedTurn CallTools(params ScriptedToolCall[] calls) => new() { ToolCalls = calls };

    /// <summary>A reply that calls one tool.</summary>
    public static ScriptedTurn CallTool(string name, string argumentsJson, string? id = null) =>
        new() { ToolCalls = [new ScriptedToolCall(name, argumentsJson, id)] };

    /// <summary>HTTP 429, with <c>Retry-After</c> in seconds when <paramref name="retryAfter"/> is given.</summary>
    public static ScriptedTurn RateLimited(TimeSpan? retryAfter = null) =>
        Faulty(new ScriptedFault(FaultKind.RateLimited, RetryAfter: retryAfter));

    /// <summary>HTTP 429 with <c>Retry-After</c> as an HTTP date.</summary>
    public static ScriptedTurn RateLimitedUntil(DateTimeOffset retryAt) =>
        Faulty(new ScriptedFault(FaultKind.RateLimited, RetryAt: retryAt));

    /// <summary>A server error (HTTP 500 unless <paramref name="statusCode"/> says otherwise).</summary>
    public static ScriptedTurn ServerError(int statusCode = 500) =>
        Faulty(new ScriptedFault(FaultKind.ServerError, StatusCode: statusCode));

    /// <summary>The vendor's overloaded error (Anthropic 529, otherwise 503).</summary>
    public static ScriptedTurn Overloaded() => Faulty(new ScriptedFault(FaultKind.Overloaded));

    /// <summary>HTTP 401: bad API key.</summary>
    public static ScriptedTurn Unauthorized() => Faulty(new ScriptedFault(FaultKind.Unauthorized));

    /// <summary>HTTP 404: the requested model does not exist.</summary>
    public static ScriptedTurn ModelNotFound() => Faulty(new ScriptedFault(FaultKind.ModelNotFound));

    /// <summary>HTTP 400: the prompt exceeds the model's context window.</summary>
    public static ScriptedTurn ContextLengthExceeded() => Faulty(new ScriptedFault(FaultKind.ContextLengthExceeded));

    /// <summary>HTTP 400 with the given message.</summary>
    public static ScriptedTurn BadRequest(string message) => Faulty(new ScriptedFault(FaultKind.BadRequest, Message: message));

    /// <summary>The connection drops; a stream first carries <paramref name="afterText"/> (null: no text at all).</summary>
    public static ScriptedTurn DropConnection(string? afterText = null) =>
        new() { Text = afterText, Fault = new ScriptedFault(FaultKind.DropConnection) };

    /// <summary>A stream that carries <paramref name="afterText"/> and then the vendor's in-stream error event.</summary>
    public static ScriptedTurn ErrorMidStream(string? afterText = null) =>
        new() { Text = afterText, Fault = new ScriptedFault(FaultKind.ErrorMidStream) };

    private static ScriptedTurn Faulty(ScriptedFault fault) => new() { Fault = fault };
}
