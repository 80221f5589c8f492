using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CodeForge.Providers.AnthropicMessages;
using CodeForge.Testing;
using Microsoft.Extensions.AI;

namespace CodeForge.Providers.Tests.AnthropicMessages;

/// <summary>
/// The cost of a 50-turn session whose context grows to about 170k tokens, with and without prompt caching, computed
/// from the request bodies <see cref="AnthropicMessagesClient"/> really sends (recorded by the fake server): a model of
/// the Anthropic cache (<see cref="CacheModel"/>) turns each body into uncached, cache-read and cache-write tokens, and
/// <see cref="UsageTracker"/> prices them as it prices real usage. The numbers are recorded in docs/benchmarks.md.
/// </summary>
public sealed class PromptCacheCostTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const int Turns = 50;
    private const string Model = "claude-sonnet-4-6";

    /// <summary>About 2,900 tokens per tool result (4 characters a token), the file contents a session reads.</summary>
    private static string FileContents(int turn)
    {
        var text = new StringBuilder();
        var line = 0;
        while (text.Length < 11_700)
        {
            text.Append(CultureInfo.InvariantCulture, $"    public int Method{turn}_{line}(int value) => value * {line++} + {turn}; // keeps the numbers honest\n");
        }
        return text.ToString();
    }

    private static async Task<(UsageSnapshot Usage, IReadOnlyList<RecordedRequest> Requests)> RunSessionAsync(bool caching)
    {
        await using var server = await FakeModelServer.StartAsync(cancellationToken: Ct);
        for (var i = 0; i < Turns - 1; i++)
        {
            server.Enqueue(ScriptedTurn.CallTool("read_file", $$"""{"path":"src/File{{i}}.cs"}"""));
        }
        server.Enqueue(ScriptedTurn.Reply("Done: the bug was in File7.cs."));
        using var http = new HttpClient();
        using var client = new AnthropicMessagesClient(http, new Uri(server.AnthropicBaseUrl), FakeModelServer.FakeApiKey, Model, 16_384, promptCaching: caching);
        // A system prompt and tool set of about 6,000 tokens, like forge's.
        var options = new ChatOptions
        {
            Instructions = string.Concat(Enumerable.Repeat("You are forge, a coding agent. Follow the repository's conventions. ", 220)),
            Tools = [.. Enumerable.Range(0, 14).Select(i => AIFunctionFactory.Create((string path) => path, $"tool_{i}",
                string.Concat(Enumerable.Repeat($"Tool {i} does one thing well and says when not to use it. ", 10))))],
        };
        List<ChatMessage> history = [new(ChatRole.User, "Find and fix the bug that makes the totals wrong.")];
        for (var turn = 0; turn < Turns; turn++)
        {
            var response = await client.GetStreamingResponseAsync(history, options, Ct).ToChatResponseAsync(Ct);
            history.AddRange(response.Messages);
            var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
            if (calls.Count == 0)
            {
                break;
            }
            history.Add(new ChatMessage(ChatRole.Tool, [.. calls.Select(c => (AIContent)new FunctionResultContent(c.CallId, FileContents(turn)))]));
        }

        var tracker = new UsageTracker();
        var cache = new CacheModel();
        var price = ModelCatalog.Find(Model)!.Price;
        foreach (var request in server.Requests)
        {
            var (total, read, written) = cache.Apply(request.Json);
            tracker.Record(Model, new UsageDetails
            {
                InputTokenCount = total,
                CachedInputTokenCount = read,
                OutputTokenCount = 30,
                AdditionalCounts = new AdditionalPropertiesDictionary<long> { ["CacheCreationInputTokens"] = written },
            }, price);
        }
        return (tracker.Snapshot, server.Requests);
    }

    [Fact]
    public async Task FiftyTurnSession_CostsAFractionWithCaching_ComputedFromTheRequestsSent()
    {
        var (cached, cachedRequests) = await RunSessionAsync(caching: true);
        var (uncached, _) = await RunSessionAsync(caching: false);

        Assert.Equal(Turns, cachedRequests.Count);
        var lastPrompt = CacheModel.Tokens(cachedRequests[^1].Json);
        Assert.InRange(lastPrompt, 150_000, 190_000);
        Assert.Equal(0, uncached.CachedInputTokens + uncached.CacheWriteTokens);
        Assert.Equal(uncached.InputTokens, cached.InputTokens);
        // After the first request, every request reads everything up to the previous request's last breakpoint.
        Assert.True(cached.CachedInputTokens > cached.InputTokens * 9 / 10, $"cache reads {cached.CachedInputTokens} of {cached.InputTokens}");
        Assert.True(cached.Cost * 4 < uncached.Cost, $"cached ${cached.Cost:F2} vs uncached ${uncached.Cost:F2}");

        var output = TestContext.Current.TestOutputHelper;
        output?.WriteLine($"turns={Turns} last_prompt_tokens={lastPrompt}");
        output?.WriteLine($"no caching: input={uncached.InputTokens} cost=${uncached.Cost:F2}");
        output?.WriteLine($"caching:    input={cached.InputTokens} read={cached.CachedInputTokens} write={cached.CacheWriteTokens} " +
            $"uncached={cached.InputTokens - cached.CachedInputTokens - cached.CacheWriteTokens} cost=${cached.Cost:F2}");
        output?.WriteLine($"ratio={uncached.Cost / cached.Cost:F1}x");
    }

    [Fact]
    public void CacheModel_ReadsThePrefixUpToThePreviousBreakpoint_AndWritesTheRest()
    {
        var cache = new CacheModel();
        var first = JsonDocument.Parse("""{"system":[{"type":"text","text":"ssssssss","cache_control":{"type":"ephemeral"}}],"messages":[{"role":"user","content":[{"type":"text","text":"uuuuuuuu","cache_control":{"type":"ephemeral"}}]}]}""").RootElement;
        var second = JsonDocument.Parse("""{"system":[{"type":"text","text":"ssssssss","cache_control":{"type":"ephemeral"}}],"messages":[{"role":"user","content":[{"type":"text","text":"uuuuuuuu","cache_control":{"type":"ephemeral"}}]},{"role":"assistant","content":[{"type":"text","text":"aaaa"}]},{"role":"user","content":[{"type":"text","text":"vvvv","cache_control":{"type":"ephemeral"}}]}]}""").RootElement;

        var (total1, read1, written1) = cache.Apply(first);
        var (total2, read2, written2) = cache.Apply(second);

        Assert.Equal((total1, 0L), (written1, read1));
        Assert.Equal(total1, read2);
        Assert.Equal(total2 - total1, written2);
    }

    /// <summary>
    /// A model of the Anthropic prompt cache over request bodies: the prompt is the sequence tools → system blocks →
    /// message blocks; a request writes a cache entry for the prefix ending at each <c>cache_control</c> breakpoint and
    /// reads the longest prefix that ends where an earlier request wrote one (prefixes compared by content, the
    /// breakpoint markers themselves excluded). Tokens are counted as 4 characters of compact JSON each.
    /// </summary>
    private sealed class CacheModel
    {
        private readonly HashSet<string> _entries = new(StringComparer.Ordinal);

        public static long Tokens(JsonElement body) => Segments(body).Sum(s => (long)s.Text.Length) / 4;

        public (long Total, long Read, long Written) Apply(JsonElement body)
        {
            var segments = Segments(body);
            var hashes = new string[segments.Count];
            var tokensTo = new long[segments.Count];
            var running = Array.Empty<byte>();
            long chars = 0;
            for (var i = 0; i < segments.Count; i++)
            {
                running = SHA256.HashData([.. running, .. Encoding.UTF8.GetBytes(segments[i].Text)]);
                hashes[i] = Convert.ToHexString(running);
                chars += segments[i].Text.Length;
                tokensTo[i] = chars / 4;
            }
            var total = chars / 4;
            var lastBreakpoint = segments.FindLastIndex(s => s.Breakpoint);
            long read = 0;
            for (var i = lastBreakpoint; i >= 0; i--)
            {
                if (_entries.Contains(hashes[i]))
                {
                    read = tokensTo[i];
                    break;
                }
            }
            for (var i = 0; i < segments.Count; i++)
            {
                if (segments[i].Breakpoint)
                {
                    _entries.Add(hashes[i]);
                }
            }
            var written = lastBreakpoint < 0 ? 0 : Math.Max(0, tokensTo[lastBreakpoint] - read);
            return (total, read, written);
        }

        private static List<(string Text, bool Breakpoint)> Segments(JsonElement body)
        {
            var segments = new List<(string, bool)>();
            void Add(JsonElement element, string prefix = "")
            {
                var node = JsonNode.Parse(element.GetRawText())!.AsObject();
                var breakpoint = node.Remove("cache_control");
                segments.Add((prefix + node.ToJsonString(), breakpoint));
            }
            foreach (var name in new[] { "tools", "system" })
            {
                if (body.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array)
                {
                    foreach (var item in list.EnumerateArray())
                    {
                        Add(item);
                    }
                }
            }
            foreach (var message in body.GetProperty("messages").EnumerateArray())
            {
                var role = message.GetProperty("role").GetString();
                foreach (var block in message.GetProperty("content").EnumerateArray())
                {
                    Add(block, role + ":");
                }
            }
            return segments;
        }
    }
}
