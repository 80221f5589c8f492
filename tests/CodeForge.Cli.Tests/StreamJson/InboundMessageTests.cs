using CodeForge.Cli.StreamJson;

namespace CodeForge.Cli.Tests.StreamJson;

public sealed class InboundMessageTests
{
    [Fact]
    public void Parse_AUserMessageWithTextBlocks_JoinsTheirText()
    {
        var m = Assert.IsType<UserTurn>(InboundMessage.Parse("""{"type":"user","message":{"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}}""", 1));

        Assert.Equal("a\nb", m.Text);
    }

    [Fact]
    public void Parse_AControlRequest_KeepsItsIdAndSubtype()
    {
        var m = Assert.IsType<ControlRequest>(InboundMessage.Parse("""{"type":"control_request","request_id":"req_1","request":{"subtype":"interrupt"}}""", 1));

        Assert.Equal(("req_1", "interrupt"), (m.RequestId, m.Subtype));
    }

    [Fact]
    public void Parse_AnErrorControlResponse_CarriesTheError()
    {
        var m = Assert.IsType<ControlResponse>(InboundMessage.Parse("""{"type":"control_response","response":{"subtype":"error","request_id":"r","error":"boom"}}""", 1));

        Assert.False(m.Success);
        Assert.Equal("boom", m.Error);
    }

    [Theory]
    [InlineData("not json", "is not JSON")]
    [InlineData("42", "expected an object")]
    [InlineData("""{"kind":"user"}""", "no string \"type\"")]
    [InlineData("""{"type":"user","message":{"role":"user"}}""", "needs \"message\"")]
    [InlineData("""{"type":"user","message":{"role":"user","content":[{"type":"image"}]}}""", "'image' is not supported")]
    [InlineData("""{"type":"control_request","request":{"subtype":"interrupt"}}""", "needs \"request_id\"")]
    [InlineData("""{"type":"control_response","response":{"subtype":"success"}}""", "needs a \"response\" object with \"request_id\"")]
    [InlineData("""{"type":"bogus"}""", "unknown type 'bogus'")]
    public void Parse_ABadLine_IsMalformedWithTheLineNumberAndWhy(string line, string why)
    {
        var m = Assert.IsType<MalformedLine>(InboundMessage.Parse(line, 7));

        Assert.Contains("stdin line 7", m.Reason, StringComparison.Ordinal);
        Assert.Contains(why, m.Reason, StringComparison.Ordinal);
    }
}
