namespace CodeForge.Core.Tests.Tokens;

/// <summary>Real English prose, technical English and code, plus non-English text, to measure the estimate against.</summary>
internal static class TokenSamples
{
    /// <summary>Lincoln's Gettysburg Address (1863, public domain).</summary>
    public const string EnglishProse = """
        Four score and seven years ago our fathers brought forth on this continent, a new nation, conceived in Liberty,
        and dedicated to the proposition that all men are created equal. Now we are engaged in a great civil war, testing
        whether that nation, or any nation so conceived and so dedicated, can long endure. We are met on a great
        battle-field of that war. We have come to dedicate a portion of that field, as a final resting place for those who
        here gave their lives that that nation might live. It is altogether fitting and proper that we should do this.
        But, in a larger sense, we can not dedicate -- we can not consecrate -- we can not hallow -- this ground. The brave
        men, living and dead, who struggled here, have consecrated it, far above our poor power to add or detract. The
        world will little note, nor long remember what we say here, but it can never forget what they did here. It is
        for us the living, rather, to be dedicated here to the unfinished work which they who fought here have thus far so
        nobly advanced. It is rather for us to be here dedicated to the great task remaining before us -- that from these
        honored dead we take increased devotion to that cause for which they gave the last full measure of devotion --
        that we here highly resolve that these dead shall not have died in vain -- that this nation, under God, shall have
        a new birth of freedom -- and that government of the people, by the people, for the people, shall not perish from
        the earth.
        """;

    /// <summary>The opening of Jane Austen's Pride and Prejudice (1813, public domain).</summary>
    public const string EnglishNovel = """
        It is a truth universally acknowledged, that a single man in possession of a good fortune, must be in want of a
        wife. However little known the feelings or views of such a man may be on his first entering a neighbourhood, this
        truth is so well fixed in the minds of the surrounding families, that he is considered the rightful property of
        some one or other of their daughters. "My dear Mr. Bennet," said his lady to him one day, "have you heard that
        Netherfield Park is let at last?" Mr. Bennet replied that he had not. "But it is," returned she; "for Mrs. Long
        has just been here, and she told me all about it." Mr. Bennet made no answer. "Do you not want to know who has
        taken it?" cried his wife impatiently. "You want to tell me, and I have no objection to hearing it." This was
        invitation enough.
        """;

    /// <summary>Technical English as found in a coding agent's conversation.</summary>
    public const string TechnicalEnglish = """
        The cache is guarded by a single lock. A hit moves the entry to the front of the recency list; a miss releases
        the lock while the tokenizer runs, then re-acquires it to insert the result, evicting the least recently used
        entry when the cache is full. Callers that ask for a text already being counted wait for that result instead of
        tokenizing it again, so every text is tokenized at most once however many threads request it at the same time.
        Run `dotnet test --project tests/CodeForge.Core.Tests` to check the behaviour, and see docs/architecture.md for
        the concurrency contract of every shared type.
        """;

    public const string CSharpCode = """
        public sealed class ShellManager : IAsyncDisposable
        {
            private readonly object _gate = new();
            private readonly Dictionary<string, ShellProcess> _shells = new(StringComparer.Ordinal);
            private int _nextId;

            public async Task<ShellProcess> CreateShellAsync(string command, string workingDirectory, CancellationToken cancellationToken = default)
            {
                ArgumentException.ThrowIfNullOrWhiteSpace(command);
                var id = $"shell_{Interlocked.Increment(ref _nextId):D4}";
                var shell = await ShellProcess.StartAsync(id, command, workingDirectory, cancellationToken).ConfigureAwait(false);
                lock (_gate)
                {
                    _shells.Add(id, shell);
                }
                return shell;
            }

            public IReadOnlyList<ShellProcess> ListRunning()
            {
                lock (_gate)
                {
                    return [.. _shells.Values.Where(s => s.Status == ShellStatus.Running)];
                }
            }
        }
        """;

    public const string PythonCode = """
        import asyncio
        from dataclasses import dataclass, field

        @dataclass
        class WebCache:
            cache_dir: str
            max_size: int = 100 * 1024 * 1024
            ttl: int = 3600
            _entries: dict[str, "CacheEntry"] = field(default_factory=dict)

            def get(self, key: str) -> "FetchResponse | None":
                entry = self._entries.get(key)
                if entry is None or entry.is_expired(self.ttl):
                    return None
                return entry.response

            async def prune(self) -> int:
                removed = 0
                for key in list(self._entries):
                    if self._entries[key].is_expired(self.ttl):
                        del self._entries[key]
                        removed += 1
                await asyncio.sleep(0)
                return removed
        """;

    public const string Json = """
        {"model":"gpt-4o","messages":[{"role":"system","content":"You are a coding assistant."},{"role":"user","content":"List the files in src/ and read Program.cs"}],"tools":[{"type":"function","function":{"name":"Glob","description":"Find files by pattern","parameters":{"type":"object","properties":{"pattern":{"type":"string"},"path":{"type":"string"}},"required":["pattern"]}}}],"temperature":0.2,"max_tokens":4096}
        """;

    /// <summary>English prose and code: the texts the estimate is calibrated on.</summary>
    public static readonly (string Name, string Text)[] EnglishAndCode =
    [
        ("English prose", EnglishProse),
        ("English novel", EnglishNovel),
        ("Technical English", TechnicalEnglish),
        ("C# code", CSharpCode),
        ("Python code", PythonCode),
        ("JSON", Json),
    ];

    public const string Chinese = "北京是中华人民共和国的首都，也是全国的政治中心和文化中心。北京历史悠久，有三千多年的建城史和八百多年的建都史。城市中心有故宫、天安门广场等著名景点。";

    public const string Russian = "Москва — столица России, крупнейший по численности населения город страны. Город расположен на реке Москве в центре Восточно-Европейской равнины.";
}
