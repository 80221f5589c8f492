using System.Diagnostics;
using System.Text.Json;
using CodeForge.Testing;

namespace CodeForge.Cli.Tests;

/// <summary>
/// <c>forge</c> ships as a Native AOT binary: the shipped build that <c>./forge</c> makes (the README's run command, and
/// what every end-to-end test starts: <see cref="CodeForge.Testing.Forge.ForgeBinary"/>) must be the native one here, made
/// without any trim or AOT warning (warnings are errors in the build, so a warning would have left the ReadyToRun
/// fallback instead), so the publish stays clean from the first line rather than as a clean-up later. The binary then
/// runs a real tool turn against the fake model server over the Anthropic protocol (the built-in Messages client) and a
/// reasoning turn over the Responses API, and is checked to prefault its type data's pages in one call before main, and
/// to release the pages start-up read from its read-only data once main runs (<c>Native/prefault.c</c>).
/// </summary>
public sealed class NativeAotPublishTests
{
    [Fact]
    public async Task ShippedBuild_IsAWarningFreeNativeBinary_ThatCompletesToolTurnsOverTheAnthropicAndResponsesProtocols()
    {
        var repo = CodeForge.Testing.Forge.ForgeBinary.RepositoryRoot;
        var (binary, kind) = CodeForge.Testing.Forge.ForgeBinary.ShippedBuild;
        var log = Path.Combine(repo, "artifacts", "forge", "build.log");
        var buildLog = File.Exists(log) ? await File.ReadAllTextAsync(log, TestContext.Current.CancellationToken) : "";

        Assert.True(kind == "native-aot", $"./forge made the {kind} build, not the native one (clang and zlib1g-dev missing, or the native build failed):\n{buildLog}");
        Assert.DoesNotContain("warning", buildLog, StringComparison.OrdinalIgnoreCase);
        var run = await RunAsync(binary, ["--version"], repo, ForgeProcess.Watchdog);
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("0.1.0+native-aot", run.StdOut.Trim());

        await AnswersTheVersionBeforeTheRuntimeStartsAsync(binary, repo);
        await PrefaultsTheZeroInitialisedTypeDataInOneCallBeforeMainAsync(binary, repo);
        await ReleasesTheReadOnlyDataPagesOnceMainRunsAsync(binary, repo);
        await RunsAToolTurnOverTheAnthropicProtocolAsync(binary);
        await CarriesReasoningAcrossAToolTurnOverTheResponsesApiAsync(binary);
    }

    /// <summary>The native binary cannot use the Anthropic SDK (reflection JSON): it must take the built-in Messages
    /// client, stream a tool call, run the tool and send the result back.</summary>
    private static async Task RunsAToolTurnOverTheAnthropicProtocolAsync(string binary)
    {
        var ct = TestContext.Current.CancellationToken;
        var work = Directory.CreateTempSubdirectory("forge-aot-run-");
        try
        {
            var home = Directory.CreateDirectory(Path.Combine(work.FullName, "home")).FullName;
            var repo = Directory.CreateDirectory(Path.Combine(work.FullName, "repo")).FullName;
            Directory.CreateDirectory(Path.Combine(repo, ".git"));
            var notes = Path.Combine(repo, "notes.txt");
            await File.WriteAllTextAsync(notes, "the password is heron\n", ct);
            await using var server = await FakeModelServer.StartAsync(new FakeModelServerOptions { ExpectedApiKey = FakeModelServer.FakeApiKey }, ct);
            server.Enqueue(
                ScriptedTurn.CallTools(
                    new ScriptedToolCall("Read", JsonSerializer.Serialize(new Dictionary<string, string> { ["file_path"] = notes }), "toolu_r1"),
                    new ScriptedToolCall("Glob", """{"pattern":"*.txt"}""", "toolu_g2")) with { ChunkSize = 3 },
                ScriptedTurn.Reply("It is heron.", new ScriptedUsage(2_000, 40, CachedInputTokens: 1_500)));
            var env = new Dictionary<string, string>(server.EnvironmentVariables) { ["HOME"] = home };

            var run = await RunAsync(binary, ["-p", "what is the password?", "--provider", "anthropic", "--model", "sonnet", "--output-format", "stream-json"],
                repo, ForgeProcess.Watchdog, env);

            Assert.True(run.ExitCode == 0, $"native forge failed:\n{run.StdErr}\n{run.StdOut}");
            Assert.Equal(2, server.Requests.Count);
            Assert.All(server.Requests, r => Assert.Equal((ModelProtocol.Anthropic, FakeModelServer.FakeApiKey), (r.Protocol, r.Header("x-api-key"))));
            var results = server.Requests[1].Json.GetProperty("messages").EnumerateArray().Last().GetProperty("content").EnumerateArray().ToList();
            Assert.Equal(["toolu_r1", "toolu_g2"], results.Select(r => r.GetProperty("tool_use_id").GetString()));
            Assert.Contains("heron", results[0].GetProperty("content").GetString(), StringComparison.Ordinal);
            Assert.Contains("notes.txt", results[1].GetProperty("content").GetString(), StringComparison.Ordinal);
            var result = JsonDocument.Parse(run.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]).RootElement;
            Assert.Equal(("success", "It is heron.", 2), (result.GetProperty("subtype").GetString(), result.GetProperty("result").GetString(), result.GetProperty("num_turns").GetInt32()));
            Assert.Equal(1_500, result.GetProperty("usage").GetProperty("cache_read_input_tokens").GetInt64());
            // Prompt caching and thinking work in the shipped binary: breakpoints on the system prompt, adaptive thinking.
            Assert.All(server.Requests, r => Assert.Equal("ephemeral", r.Json.GetProperty("system")[0].GetProperty("cache_control").GetProperty("type").GetString()));
            Assert.All(server.Requests, r => Assert.Equal("adaptive", r.Json.GetProperty("thinking").GetProperty("type").GetString()));
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>The native binary reaches an OpenAI reasoning model through the Responses API (the SDK's client and the
    /// Microsoft.Extensions.AI adapter, AOT-safe): the effort reaches the request, the reasoning item comes back in the
    /// next request with its encrypted content, the tool result goes back as a function_call_output.</summary>
    private static async Task CarriesReasoningAcrossAToolTurnOverTheResponsesApiAsync(string binary)
    {
        var ct = TestContext.Current.CancellationToken;
        var work = Directory.CreateTempSubdirectory("forge-aot-responses-");
        try
        {
            var home = Directory.CreateDirectory(Path.Combine(work.FullName, "home")).FullName;
            var repo = Directory.CreateDirectory(Path.Combine(work.FullName, "repo")).FullName;
            var notes = Path.Combine(repo, "notes.txt");
            await File.WriteAllTextAsync(notes, "the password is heron\n", ct);
            await using var server = await FakeModelServer.StartAsync(new FakeModelServerOptions { ExpectedApiKey = FakeModelServer.FakeApiKey }, ct);
            server.Enqueue(
                new ScriptedTurn
                {
                    Thinking = [new ScriptedThinking("Read the notes.", "gAAAA-encrypted-reasoning")],
                    ToolCalls = [new ScriptedToolCall("Read", JsonSerializer.Serialize(new Dictionary<string, string> { ["file_path"] = notes }), "call_r1")],
                    ChunkSize = 3,
                },
                ScriptedTurn.Reply("It is heron.", new ScriptedUsage(2_000, 40, CachedInputTokens: 1_500, ReasoningTokens: 25)));
            var env = new Dictionary<string, string>(server.EnvironmentVariables) { ["HOME"] = home };

            var run = await RunAsync(binary, ["-p", "what is the password?", "--provider", "openai", "--model", "gpt-5.4", "--effort", "high",
                "--output-format", "json"], repo, ForgeProcess.Watchdog, env);

            Assert.True(run.ExitCode == 0, $"native forge failed:\n{run.StdErr}\n{run.StdOut}");
            Assert.Equal(2, server.Requests.Count);
            Assert.All(server.Requests, r => Assert.Equal(ModelProtocol.OpenAIResponses, r.Protocol));
            Assert.Equal("high", server.Requests[0].Json.GetProperty("reasoning").GetProperty("effort").GetString());
            var input = server.Requests[1].Json.GetProperty("input").EnumerateArray().ToList();
            var reasoning = input.Single(i => i.TryGetProperty("type", out var t) && t.GetString() == "reasoning");
            Assert.Equal(("rs_fake_1", "gAAAA-encrypted-reasoning"), (reasoning.GetProperty("id").GetString(), reasoning.GetProperty("encrypted_content").GetString()));
            var output = input.Single(i => i.TryGetProperty("type", out var t) && t.GetString() == "function_call_output");
            Assert.Contains("heron", output.GetProperty("output").GetRawText(), StringComparison.Ordinal);
            var result = JsonDocument.Parse(run.StdOut).RootElement;
            Assert.Equal("It is heron.", result.GetProperty("result").GetString());
            Assert.Equal(25, result.GetProperty("usage").GetProperty("reasoning_output_tokens").GetInt64());
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>
    /// The runtime rehydrates the binary's type data into the zero-initialised <c>.hydrated</c> section before main;
    /// <c>Native/prefault.c</c> asks for all of that part of the writable segment in one
    /// <c>madvise(MADV_POPULATE_WRITE)</c> (after <c>MADV_HUGEPAGE</c>) instead of a fault per page. Seen with strace on
    /// the real binary: the call covers exactly the segment's zero-initialised pages, which hold the whole section, and
    /// comes before the runtime starts its first thread; <c>FORGE_PREFAULT=0</c> turns it off and the binary still runs.
    /// </summary>
    private static async Task PrefaultsTheZeroInitialisedTypeDataInOneCallBeforeMainAsync(string binary, string cwd)
    {
        var (zeroStart, zeroEnd, hydratedStart, hydratedEnd) = ZeroInitialisedPagesOfTheWritableSegment(binary);
        Assert.True(hydratedStart >= zeroStart && hydratedEnd <= zeroEnd,
            $".hydrated [{hydratedStart:x}, {hydratedEnd:x}) lies outside the segment's zero-initialised pages [{zeroStart:x}, {zeroEnd:x})");
        Assert.True(hydratedEnd - hydratedStart > 4_000_000, $".hydrated is only {hydratedEnd - hydratedStart} bytes");

        var on = await TraceAsync(binary, cwd, prefault: null);
        var off = await TraceAsync(binary, cwd, prefault: "0");

        var length = (zeroEnd - zeroStart).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var populate = Array.FindIndex(on, l => l.StartsWith("madvise(", StringComparison.Ordinal) && l.Contains($", {length}, MADV_POPULATE_WRITE)", StringComparison.Ordinal));
        Assert.True(populate >= 0, "no MADV_POPULATE_WRITE of " + length + " bytes in:\n" + string.Join('\n', on));
        Assert.EndsWith("= 0", on[populate], StringComparison.Ordinal);
        Assert.Contains(on[..populate], l => l.Contains($", {length}, MADV_HUGEPAGE) = 0", StringComparison.Ordinal));
        var firstThread = Array.FindIndex(on, l => l.StartsWith("clone", StringComparison.Ordinal));
        Assert.True(firstThread < 0 || populate < firstThread, "the prefault came after the runtime started a thread:\n" + string.Join('\n', on));
        Assert.DoesNotContain(off, l => l.Contains("MADV_POPULATE_WRITE", StringComparison.Ordinal));
    }

    /// <summary>
    /// The runtime reads the binary's dehydrated type data (in <c>.rodata</c>) once before main and never again;
    /// <c>Native/prefault.c</c>'s <c>forge_release_read_only_pages</c>, called by <c>Program.Main</c>, drops this
    /// process's pages of every read-only, non-executable segment with <c>madvise(MADV_DONTNEED)</c>. Seen with strace on
    /// the real binary running <c>--help</c>: one call per such segment, covering exactly its whole pages, after the
    /// prefault; none with <c>FORGE_RELEASE_PAGES=0</c>. That the pages come back when used is shown by the tool turns
    /// the same binary then completes.
    /// </summary>
    private static async Task ReleasesTheReadOnlyDataPagesOnceMainRunsAsync(string binary, string cwd)
    {
        var segments = ReadOnlyDataPages(binary);
        Assert.Contains(segments, s => s.End - s.Start > 4_000_000); // the segment with .rodata

        var on = await TraceAsync(binary, cwd, ["--help"], "Usage:", null);
        var off = await TraceAsync(binary, cwd, ["--help"], "Usage:", new Dictionary<string, string> { ["FORGE_RELEASE_PAGES"] = "0" });

        var populate = Array.FindIndex(on, l => l.Contains("MADV_POPULATE_WRITE) = 0", StringComparison.Ordinal));
        foreach (var (start, end) in segments)
        {
            var call = $", {(end - start).ToString(System.Globalization.CultureInfo.InvariantCulture)}, MADV_DONTNEED) = 0";
            var release = Array.FindIndex(on, l => l.StartsWith("madvise(", StringComparison.Ordinal) && l.EndsWith(call, StringComparison.Ordinal));
            Assert.True(release >= 0, $"no MADV_DONTNEED of the read-only segment's {end - start} bytes in:\n" + string.Join('\n', on));
            Assert.True(release > populate, "the release came before the prefault:\n" + string.Join('\n', on));
            Assert.DoesNotContain(off, l => l.EndsWith(call, StringComparison.Ordinal));
        }
    }

    /// <summary><c>strace -e trace=madvise,clone,clone3</c> of <c>forge --help</c> (FORGE_PREFAULT set to
    /// <paramref name="prefault"/> when given): the trace's lines, after checking the help still printed.</summary>
    private static Task<string[]> TraceAsync(string binary, string cwd, string? prefault) =>
        TraceAsync(binary, cwd, ["--help"], "Usage:",
            prefault is null ? null : new Dictionary<string, string> { ["FORGE_PREFAULT"] = prefault });

    /// <summary>
    /// <c>forge --version</c> is answered by <c>Native/prefault.c</c>'s first constructor, before the runtime starts:
    /// under strace the real binary prints the version and exits with no thread started and no <c>madvise</c> (neither
    /// the runtime's threads nor the prefault, which every other command line has — <c>--help</c>'s trace, taken the
    /// same way, shows both).
    /// </summary>
    private static async Task AnswersTheVersionBeforeTheRuntimeStartsAsync(string binary, string cwd)
    {
        var version = await TraceAsync(binary, cwd, ["--version"], "0.1.0+native-aot", null);
        var help = await TraceAsync(binary, cwd, null);

        Assert.DoesNotContain(version, l => l.StartsWith("clone", StringComparison.Ordinal) || l.StartsWith("madvise(", StringComparison.Ordinal));
        Assert.Contains(help, l => l.StartsWith("clone", StringComparison.Ordinal));
        Assert.Contains(help, l => l.StartsWith("madvise(", StringComparison.Ordinal));
    }

    /// <summary><c>strace -e trace=madvise,clone,clone3</c> of <c>forge</c> with <paramref name="args"/>: the trace's
    /// lines, after checking the run succeeded and printed <paramref name="expected"/>.</summary>
    private static async Task<string[]> TraceAsync(string binary, string cwd, string[] args, string expected, Dictionary<string, string>? env)
    {
        var trace = Path.GetTempFileName();
        try
        {
            var run = await RunAsync("strace", ["-qq", "-e", "trace=madvise,clone,clone3", "-e", "signal=none", "-o", trace, binary, .. args],
                cwd, ForgeProcess.Watchdog, env);
            Assert.True(run.ExitCode == 0, run.StdErr);
            Assert.Contains(expected, run.StdOut, StringComparison.Ordinal);
            return await File.ReadAllLinesAsync(trace, TestContext.Current.CancellationToken);
        }
        finally
        {
            File.Delete(trace);
        }
    }

    /// <summary>A PT_LOAD entry of an ELF file's program headers.</summary>
    private readonly record struct LoadSegment(uint Flags, ulong Address, ulong FileSize, ulong MemorySize)
    {
        public const uint Executable = 1, Writable = 2;
    }

    private static ulong U64(byte[] elf, long at) => System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan((int)at));

    private static uint U32(byte[] elf, long at) => System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan((int)at));

    private static int U16(byte[] elf, long at) => System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan((int)at));

    /// <summary>The PT_LOAD segments of a 64-bit little-endian ELF file, from its own program headers.</summary>
    private static List<LoadSegment> LoadSegments(byte[] elf)
    {
        Assert.True(elf.AsSpan(0, 4).SequenceEqual("\u007fELF"u8) && elf[4] == 2 && elf[5] == 1, "not a 64-bit little-endian ELF file");
        var (phoff, phentsize, phnum) = ((long)U64(elf, 0x20), U16(elf, 0x36), U16(elf, 0x38));
        var segments = new List<LoadSegment>();
        for (var i = 0; i < phnum; i++)
        {
            var ph = phoff + (i * phentsize);
            const uint PtLoad = 1;
            if (U32(elf, ph) == PtLoad)
            {
                segments.Add(new LoadSegment(U32(elf, ph + 4), U64(elf, ph + 16), U64(elf, ph + 32), U64(elf, ph + 40)));
            }
        }
        return segments;
    }

    /// <summary>From the ELF file's program headers: the whole pages of every read-only, non-executable PT_LOAD segment
    /// (its file bytes, the start rounded up and the end down to a page).</summary>
    private static List<(ulong Start, ulong End)> ReadOnlyDataPages(string binary)
    {
        var page = (ulong)Environment.SystemPageSize;
        return [.. LoadSegments(File.ReadAllBytes(binary))
            .Where(s => (s.Flags & (LoadSegment.Writable | LoadSegment.Executable)) == 0)
            .Select(s => ((s.Address + page - 1) & ~(page - 1), (s.Address + s.FileSize) & ~(page - 1)))
            .Where(p => p.Item2 > p.Item1)];
    }

    /// <summary>From the ELF file's own headers: the page-aligned zero-initialised part of the writable PT_LOAD segment
    /// (past its file bytes, up to its memory size), and the <c>.hydrated</c> section's addresses.</summary>
    private static (ulong ZeroStart, ulong ZeroEnd, ulong HydratedStart, ulong HydratedEnd) ZeroInitialisedPagesOfTheWritableSegment(string binary)
    {
        var elf = File.ReadAllBytes(binary);
        var page = (ulong)Environment.SystemPageSize;
        ulong PageUp(ulong address) => (address + page - 1) & ~(page - 1);
        var writable = LoadSegments(elf).LastOrDefault(s => (s.Flags & LoadSegment.Writable) != 0 && s.MemorySize > s.FileSize);
        Assert.True(writable != default, "no writable PT_LOAD segment with zero-initialised memory");
        var zero = (PageUp(writable.Address + writable.FileSize), PageUp(writable.Address + writable.MemorySize));

        var (shoff, shentsize, shnum, shstrndx) = ((long)U64(elf, 0x28), U16(elf, 0x3A), U16(elf, 0x3C), U16(elf, 0x3E));
        var names = (long)U64(elf, shoff + (shstrndx * shentsize) + 24);
        for (var i = 0; i < shnum; i++)
        {
            var sh = shoff + (i * shentsize);
            var nameAt = (int)(names + U32(elf, sh));
            var name = System.Text.Encoding.ASCII.GetString(elf, nameAt, Array.IndexOf(elf, (byte)0, nameAt) - nameAt);
            if (name == ".hydrated")
            {
                return (zero.Item1, zero.Item2, U64(elf, sh + 16), U64(elf, sh + 16) + U64(elf, sh + 32));
            }
        }
        Assert.Fail("no .hydrated section in the binary");
        return default;
    }

    private static async Task<ForgeProcess.Result> RunAsync(string file, string[] args, string cwd, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = cwd,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        foreach (var key in new[] { "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_BASE_URL", "OLLAMA_HOST", "FORGE_PROVIDER", "FORGE_MODEL" })
        {
            psi.Environment.Remove(key);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }
        using var process = Process.Start(psi)!;
        using var cts = new CancellationTokenSource(timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = process.StandardError.ReadToEndAsync(cts.Token);
        await process.WaitForExitAsync(cts.Token);
        return new ForgeProcess.Result(process.ExitCode, await stdout, await stderr);
    }
}
