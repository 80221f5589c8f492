using System.Text.Json;
using CodeForge.Providers.Ollama;
using Microsoft.Extensions.AI;

namespace CodeForge.Providers.Tests.Ollama;

public sealed class OllamaToolResultChatClientTests
{
    [Fact]
    public void Rewrite_TurnsEachToolResultIntoAToolMessageWithTheCallIdAndResult()
    {
        var messages = new List<ChatMessage>
        {
            new(ChatRole.User, "read two files"),
            new(ChatRole.Tool, [new FunctionResultContent("c1", "first file"), new FunctionResultContent("c2", JsonDocument.Parse("""{"lines":3}""").RootElement)]),
        };

        var rewritten = OllamaToolResultChatClient.Rewrite(messages);

        Assert.Equal(3, rewritten.Count);
        Assert.Same(messages[0], rewritten[0]);
        Assert.All(rewritten.Skip(1), m => Assert.Equal(ChatRole.Tool, m.Role));
        Assert.Equal("""{"call_id":"c1","result":"first file"}""", rewritten[1].Text);
        Assert.Equal("""{"call_id":"c2","result":{"lines":3}}""", rewritten[2].Text);
        Assert.IsType<FunctionResultContent>(messages[1].Contents[0]); // the caller's messages are not touched
    }

    [Fact]
    public void Rewrite_KeepsOtherContentAndSerializesKnownAndUnknownResultTypes()
    {
        var messages = new List<ChatMessage>
        {
            new(ChatRole.Tool, [new TextContent("note"), new FunctionResultContent("c1", 42), new FunctionResultContent("c2", null), new FunctionResultContent("c3", new Uri("http://x/"))]),
        };

        var rewritten = OllamaToolResultChatClient.Rewrite(messages);

        Assert.Equal(["note", """{"call_id":"c1","result":42}""", """{"call_id":"c2","result":null}""", """{"call_id":"c3","result":"http://x/"}"""],
            rewritten.Select(m => m.Text));
    }
}
