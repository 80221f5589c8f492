using CodeForge.Core.Sessions;
using CsCheck;
using Microsoft.Extensions.AI;

namespace CodeForge.Core.Tests.Sessions;

/// <summary>
/// Model-based: random sequences of create / append / commit / close / resume / fork / list against a sequential model
/// (a map from session id to its messages, open flag, times and fork source). After every step each open session's
/// conversation, and every listing, must match the model. CsCheck shrinks a failing sequence and prints its seed.
/// </summary>
public sealed class SessionManagerModelTests
{
    public enum Kind
    {
        Create,
        Append,
        Commit,
        Close,
        Resume,
        Fork,
        List,
    }

    public sealed record Op(Kind Kind, int Target, int Text)
    {
        public override string ToString() => Kind switch
        {
            Kind.Append => $"Append(#{Target}, m{Text})",
            Kind.Create or Kind.List => Kind.ToString(),
            _ => $"{Kind}(#{Target})",
        };
    }

    private sealed class ModelSession
    {
        public List<string> Texts { get; } = [];

        public bool Open { get; set; } = true;

        public DateTimeOffset Created { get; init; }

        public DateTimeOffset Updated { get; set; }

        public string? ForkedFrom { get; init; }
    }

    private static readonly Gen<Op> GenOp =
        Gen.Select(Gen.Enum<Kind>(), Gen.Int[0, 99], Gen.Int[0, 999], (k, t, x) => new Op(k, t, x));

    [Fact]
    public async Task RandomOperationSequences_MatchTheSequentialModel()
    {
        await GenOp.Array[1, 20].SampleAsync(RunAsync, iter: 15, threads: 1, print: ops => string.Join(", ", ops.Select(o => o.ToString())));
    }

    private static async Task RunAsync(Op[] ops)
    {
        using var root = new TempRoot();
        var manager = root.Manager();
        var model = new Dictionary<string, ModelSession>(StringComparer.Ordinal);
        var open = new Dictionary<string, Session>(StringComparer.Ordinal);
        try
        {
            foreach (var op in ops)
            {
                root.Time.Advance(TimeSpan.FromSeconds(1));
                var now = root.Time.GetUtcNow();
                var openIds = open.Keys.Order(StringComparer.Ordinal).ToList();
                var closedIds = model.Where(kv => !kv.Value.Open).Select(kv => kv.Key).Order(StringComparer.Ordinal).ToList();
                var allIds = model.Keys.Order(StringComparer.Ordinal).ToList();
                switch (op.Kind)
                {
                    case Kind.Create:
                    {
                        var s = await manager.CreateAsync();
                        open[s.Id] = s;
                        model[s.Id] = new ModelSession { Created = now, Updated = now };
                        break;
                    }
                    case Kind.Append when openIds.Count > 0:
                    {
                        var id = openIds[op.Target % openIds.Count];
                        var text = $"m{op.Text}";
                        await open[id].AppendMessageAsync(new ChatMessage(op.Text % 2 == 0 ? ChatRole.User : ChatRole.Assistant, text));
                        model[id].Texts.Add(text);
                        model[id].Updated = now;
                        break;
                    }
                    case Kind.Commit when openIds.Count > 0:
                        await open[openIds[op.Target % openIds.Count]].CommitTurnAsync();
                        break;
                    case Kind.Close when openIds.Count > 0:
                    {
                        var id = openIds[op.Target % openIds.Count];
                        await open[id].DisposeAsync();
                        open.Remove(id);
                        model[id].Open = false;
                        break;
                    }
                    case Kind.Resume when closedIds.Count > 0:
                    {
                        var id = closedIds[op.Target % closedIds.Count];
                        var s = await manager.OpenAsync(id);
                        open[id] = s;
                        model[id].Open = true;
                        break;
                    }
                    case Kind.Fork when allIds.Count > 0:
                    {
                        var source = allIds[op.Target % allIds.Count];
                        var s = await manager.ForkAsync(source);
                        open[s.Id] = s;
                        var copy = new ModelSession { Created = now, Updated = now, ForkedFrom = source };
                        copy.Texts.AddRange(model[source].Texts);
                        model[s.Id] = copy;
                        break;
                    }
                    case Kind.List:
                        AssertListing(manager.ListSessions(), model);
                        break;
                }
                foreach (var (id, session) in open)
                {
                    Assert.Equal(model[id].Texts, Conversations.Texts(session.Messages));
                }
            }
            foreach (var session in open.Values)
            {
                await session.DisposeAsync();
            }
            open.Clear();
            AssertListing(manager.ListSessions(), model);
            foreach (var (id, expected) in model)
            {
                Assert.Equal(expected.Texts, Conversations.Texts((await manager.ReadTranscriptAsync(id)).Messages));
            }
        }
        finally
        {
            foreach (var session in open.Values)
            {
                await session.DisposeAsync();
            }
        }
    }

    private static void AssertListing(IReadOnlyList<SessionSummary> listed, Dictionary<string, ModelSession> model)
    {
        var expected = model
            .OrderByDescending(kv => kv.Value.Updated)
            .ThenByDescending(kv => kv.Value.Created)
            .ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => $"{kv.Key} {kv.Value.Texts.Count} {kv.Value.ForkedFrom} {kv.Value.Texts.FirstOrDefault(t => int.Parse(t[1..]) % 2 == 0)}");
        var actual = listed.Select(s => $"{s.SessionId} {s.MessageCount} {s.ForkedFrom} {s.Title}");
        Assert.Equal(expected, actual);
    }
}
