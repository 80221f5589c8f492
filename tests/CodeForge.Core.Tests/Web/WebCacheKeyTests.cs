using System.Reflection;
using CodeForge.Core.Web;

namespace CodeForge.Core.Tests.Web;

public sealed class WebCacheKeyTests
{
    [Theory]
    [InlineData("HTTP://Example.COM", "http://example.com/")]
    [InlineData("http://example.com", "http://example.com/")]
    [InlineData("http://example.com:80/a", "http://example.com/a")]
    [InlineData("https://example.com:443/a", "https://example.com/a")]
    [InlineData("http://example.com:8080/a", "http://example.com:8080/a")]
    [InlineData("https://example.com:80/a", "https://example.com:80/a")]
    [InlineData("http://example.com/a#section-2", "http://example.com/a")]
    [InlineData("http://example.com/%7euser/%41", "http://example.com/~user/A")]
    [InlineData("http://example.com/a%2fb%2Fc", "http://example.com/a%2Fb%2Fc")]
    [InlineData("http://example.com/a/./b/../c", "http://example.com/a/c")]
    [InlineData("http://example.com/p?b=2&a=1", "http://example.com/p?b=2&a=1")]
    [InlineData("http://example.com/p?q=%7e%2f", "http://example.com/p?q=~%2F")]
    [InlineData("http://example.com/a b", "http://example.com/a%20b")]
    [InlineData("http://bücher.de/ä", "http://xn--bcher-kva.de/%C3%A4")]
    [InlineData("http://[::1]:8080/x", "http://[::1]:8080/x")]
    [InlineData("  http://example.com/x  ", "http://example.com/x")]
    [InlineData("http://User:P%41ss@Example.com/", "http://User:PAss@example.com/")]
    [InlineData("http://example.com/%39%5a%5A", "http://example.com/9ZZ")]
    [InlineData("http://example.com/p?q=%2d%5F%2e%7E%3f", "http://example.com/p?q=-_.~%3F")]
    public void Normalize_GivesTheCanonicalForm(string url, string expected)
    {
        Assert.Equal(expected, WebCacheKey.Normalize(url));
    }

    [Theory]
    [InlineData("HTTP://Example.COM:80", "http://example.com/")]
    [InlineData("http://example.com/%7Euser#top", "http://example.com/~user")]
    [InlineData("http://example.com/a/../b", "http://example.com/b")]
    public void Generate_WhenUrlsAreEquivalent_GivesTheSameKey(string a, string b)
    {
        Assert.Equal(WebCacheKey.Generate(a), WebCacheKey.Generate(b));
    }

    [Theory]
    [InlineData("http://example.com/a", "https://example.com/a")]
    [InlineData("http://example.com/a", "http://example.com/A")]
    [InlineData("http://example.com/p?a=1&b=2", "http://example.com/p?b=2&a=1")]
    [InlineData("http://example.com/a", "http://example.com:8080/a")]
    [InlineData("http://example.com/a%2Fb", "http://example.com/a/b")]
    public void Generate_WhenUrlsDiffer_GivesDifferentKeys(string a, string b)
    {
        Assert.NotEqual(WebCacheKey.Generate(a), WebCacheKey.Generate(b));
    }

    [Fact]
    public void Generate_GivesSixtyFourLowerCaseHexCharacters()
    {
        var key = WebCacheKey.Generate("http://example.com/");

        Assert.Equal(64, key.Length);
        Assert.Matches("^[0-9a-f]{64}$", key);
        Assert.True(WebCacheKey.IsWellFormed(key));
    }

    [Fact]
    public void Generate_WhenOptionsAreNull_EqualsDefaultOptions()
    {
        Assert.Equal(WebCacheKey.Generate("http://example.com/", null), WebCacheKey.Generate("http://example.com/", new FetchOptions()));
    }

    /// <summary>Guards the rule that every FetchOptions property is part of the key, including properties added later.</summary>
    [Fact]
    public void Generate_WhenAnyOptionChanges_GivesADifferentKey()
    {
        var baseline = new FetchOptions();
        var baseKey = WebCacheKey.Generate("http://example.com/", baseline);
        var properties = typeof(FetchOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance);
        Assert.NotEmpty(properties);

        foreach (var property in properties)
        {
            var changed = baseline with { };
            property.SetValue(changed, DifferentValue(property, property.GetValue(baseline)));

            Assert.True(
                WebCacheKey.Generate("http://example.com/", changed) != baseKey,
                $"Changing FetchOptions.{property.Name} does not change the cache key; add it to WebCacheKey.Canonicalize.");
        }
    }

    private static object DifferentValue(PropertyInfo property, object? current)
    {
        var type = property.PropertyType;
        if (type == typeof(string))
        {
            return (string?)current + "-changed";
        }
        if (type == typeof(long))
        {
            return (long)current! + 1;
        }
        if (type == typeof(bool))
        {
            return !(bool)current!;
        }
        if (type == typeof(FetchFormat))
        {
            return (FetchFormat)current! == FetchFormat.Raw ? FetchFormat.Text : FetchFormat.Raw;
        }
        if (type == typeof(IReadOnlyDictionary<string, string>))
        {
            return new Dictionary<string, string> { ["Accept-Language"] = "fr" };
        }
        throw new InvalidOperationException($"Add a different value for FetchOptions.{property.Name} of type {type} to this test.");
    }

    [Fact]
    public void Generate_WhenHeadersDifferOnlyInNameCaseOrOrder_GivesTheSameKey()
    {
        var a = new FetchOptions { Headers = new Dictionary<string, string> { ["Accept"] = "text/html", ["Accept-Language"] = "en" } };
        var b = new FetchOptions { Headers = new Dictionary<string, string> { ["accept-language"] = "en", ["ACCEPT"] = "text/html" } };

        Assert.Equal(WebCacheKey.Generate("http://example.com/", a), WebCacheKey.Generate("http://example.com/", b));
    }

    [Fact]
    public void Generate_WhenHeaderValuesDiffer_GivesDifferentKeys()
    {
        var en = new FetchOptions { Headers = new Dictionary<string, string> { ["Accept-Language"] = "en" } };
        var fr = new FetchOptions { Headers = new Dictionary<string, string> { ["Accept-Language"] = "fr" } };

        Assert.NotEqual(WebCacheKey.Generate("http://example.com/", en), WebCacheKey.Generate("http://example.com/", fr));
    }

    [Fact]
    public void Generate_WhenStringsCouldRunTogether_KeepsThemApart()
    {
        // Length-prefixing: ("ab", "c") and ("a", "bc") must not canonicalize alike.
        var a = new FetchOptions { Headers = new Dictionary<string, string> { ["ab"] = "c" } };
        var b = new FetchOptions { Headers = new Dictionary<string, string> { ["a"] = "bc" } };

        Assert.NotEqual(WebCacheKey.Generate("http://example.com/", a), WebCacheKey.Generate("http://example.com/", b));
    }

    [Fact]
    public void Generate_WhenAHeaderIsNamedTwiceInDifferentCase_ThrowsNamingIt()
    {
        var options = new FetchOptions { Headers = new Dictionary<string, string> { ["Accept"] = "a", ["accept"] = "b" } };

        var ex = Assert.Throws<ArgumentException>(() => WebCacheKey.Generate("http://example.com/", options));
        Assert.Contains("twice", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Generate_WhenMaxBytesIsNotPositive_Throws(long maxBytes)
    {
        var ex = Assert.Throws<ArgumentException>(() => WebCacheKey.Generate("http://example.com/", new FetchOptions { MaxBytes = maxBytes }));
        Assert.Contains("MaxBytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Normalize_WhenUrlIsNull_ThrowsArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => WebCacheKey.Normalize(null!));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("not a url", "not an absolute URL")]
    [InlineData("/etc/passwd", "not an absolute URL")]
    [InlineData("example.com/page", "not an absolute URL")]
    [InlineData("localhost:8080/page", "not an absolute URL")]
    [InlineData("mailto:someone@example.com", "not an absolute URL")]
    [InlineData("ftp://example.com/file", "not an http or https URL")]
    [InlineData("file:///etc/passwd", "not an http or https URL")]
    [InlineData("ws://example.com/socket", "not an http or https URL")]
    public void Generate_WhenUrlIsNotAnAbsoluteHttpUrl_ThrowsAClearArgumentException(string url, string reason)
    {
        var ex = Assert.Throws<ArgumentException>(() => WebCacheKey.Generate(url));

        Assert.Equal("url", ex.ParamName);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("../../../../etc/passwd")]
    [InlineData("E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855")]
    [InlineData("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85g")]
    public void IsWellFormed_WhenKeyIsNotLowerHexOfLength64_ReturnsFalse(string? key)
    {
        Assert.False(WebCacheKey.IsWellFormed(key));
    }

    /// <summary>
    /// Keys name the disk tier's files, which outlive the process (and forge upgrades): the same URL and options must give
    /// the same key in every version, or every persisted entry is silently lost. Expected values are the SHA-256 of the
    /// documented material (normalised URL, newline, canonical options), computed independently.
    /// </summary>
    [Fact]
    public void Generate_GivesTheSameKeyInEveryVersion()
    {
        Assert.Equal("fa4d2e234005466fd0e9f1d7fc1a9d50f0be9cd2dd425cbf9f1fb70e21ccbd54", WebCacheKey.Generate("HTTP://Example.com"));
        var options = new FetchOptions
        {
            Format = FetchFormat.Text,
            MaxBytes = 1000,
            FollowRedirects = false,
            UserAgent = "forge/1",
            Headers = new Dictionary<string, string> { [" accept-Language "] = " fr ", ["Accept"] = "text/html" },
        };
        Assert.Equal("0494538371b141688cb3747dd00a97192b7f34e16575304bf98db37908872b76", WebCacheKey.Generate("https://example.com:8443/a?q=1#f", options));
        Assert.Equal("69ecddd0026515bab1f247d5ab216fd36160abd1b4f0c11a7cf9490b92604fac",
            WebCacheKey.Generate("http://example.com/", new FetchOptions { Format = FetchFormat.Raw, MaxBytes = 1, UserAgent = "" }));
    }

    [Fact]
    public void Canonicalize_OfTheDefaults_IsOneLinePerOption()
    {
        Assert.Equal("v1\nformat=markdown\nmaxBytes=5242880\nfollowRedirects=1\nuserAgent=-\n", WebCacheKey.Canonicalize(FetchOptions.Default));
    }

    [Fact]
    public void Generate_WhenTheFormatIsUnknown_ThrowsNamingTheValue()
    {
        var ex = Assert.Throws<ArgumentException>(() => WebCacheKey.Generate("http://example.com/", new FetchOptions { Format = (FetchFormat)7 }));

        Assert.StartsWith("FetchOptions.Format has an unknown value 7.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_WhenAHeaderNameIsBlank_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => WebCacheKey.Generate("http://example.com/",
            new FetchOptions { Headers = new Dictionary<string, string> { [" "] = "x" } }));

        Assert.StartsWith("FetchOptions.Headers has an empty header name.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_WhenMaxBytesIsNotPositive_SaysWhatItGot()
    {
        var ex = Assert.Throws<ArgumentException>(() => WebCacheKey.Generate("http://example.com/", new FetchOptions { MaxBytes = -3 }));

        Assert.StartsWith("FetchOptions.MaxBytes must be positive; got -3.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_WhenAHeaderValueIsNull_TreatsItAsEmpty()
    {
        var withNull = new FetchOptions { Headers = new Dictionary<string, string> { ["Accept"] = null! } };
        var withEmpty = new FetchOptions { Headers = new Dictionary<string, string> { ["Accept"] = "  " } };

        Assert.Equal(WebCacheKey.Generate("http://example.com/", withEmpty), WebCacheKey.Generate("http://example.com/", withNull));
        Assert.Equal("v1\nformat=markdown\nmaxBytes=5242880\nfollowRedirects=1\nuserAgent=-\nheader=6:ACCEPT0:\n", WebCacheKey.Canonicalize(withNull));
    }

    [Fact]
    public void Generate_WhenTheHeadersAreEmpty_EqualsNoHeaders()
    {
        var empty = new FetchOptions { Headers = new Dictionary<string, string>() };

        Assert.Equal(WebCacheKey.Generate("http://example.com/"), WebCacheKey.Generate("http://example.com/", empty));
    }
}
