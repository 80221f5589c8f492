using CodeForge.Core.Web;

namespace CodeForge.Core.Tests.Web;

public sealed class FetchResponseTests
{
    private static FetchResponse WithType(string contentType) =>
        new("http://x/", "http://x/", 200, contentType, "", new Dictionary<string, string>(), "utf-8", DateTimeOffset.UnixEpoch);

    [Theory]
    [InlineData("text/html", true, true)]
    [InlineData("TEXT/HTML; charset=utf-8", true, true)]
    [InlineData("application/xhtml+xml", true, true)]
    [InlineData("text/plain", false, true)]
    [InlineData("application/json", false, true)]
    [InlineData("application/xml", false, true)]
    [InlineData("application/javascript", false, true)]
    [InlineData("image/png", false, false)]
    [InlineData("application/octet-stream", false, false)]
    [InlineData("", false, false)]
    public void IsHtmlAndIsText_FollowTheContentType(string contentType, bool isHtml, bool isText)
    {
        var response = WithType(contentType);

        Assert.Equal(isHtml, response.IsHtml);
        Assert.Equal(isText, response.IsText);
    }
}
