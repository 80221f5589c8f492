using System.CommandLine;
using System.Globalization;
using CodeForge.Core.Trust;

namespace CodeForge.Cli;

/// <summary>
/// <c>forge trust show|add|remove|list</c>: what a folder would run (its hooks, MCP servers, pre-approved rules, plugins,
/// helper commands and environment) and whether the user trusts it. Trust is remembered per user in
/// <c>~/.forge/trusted-folders.json</c> (see <see cref="TrustStore"/>).
/// </summary>
internal static class TrustCommands
{
    public static Command Build()
    {
        var trust = new Command("trust", "Which folders may run their own hooks, MCP servers and pre-approved rules.");

        var showDir = FolderArgument();
        var show = new Command("show", "List what a folder would run or pre-approve, and whether it is trusted.") { showDir };
        show.SetAction(parse => Show(Full(parse.GetValue(showDir)), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        trust.Subcommands.Add(show);

        var addDir = FolderArgument();
        var add = new Command("add", "Trust a folder as it is now (and every folder beneath it).") { addDir };
        add.SetAction((parse, ct) => AddAsync(Full(parse.GetValue(addDir)), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct));
        trust.Subcommands.Add(add);

        var removeDir = FolderArgument();
        var remove = new Command("remove", "Stop trusting a folder.") { removeDir };
        remove.SetAction((parse, ct) => RemoveAsync(Full(parse.GetValue(removeDir)), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, ct));
        trust.Subcommands.Add(remove);

        var list = new Command("list", "List trusted folders.");
        list.SetAction(parse => List(parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        trust.Subcommands.Add(list);
        return trust;
    }

    private static Argument<string?> FolderArgument() =>
        new("folder") { Description = "The folder (default: the current directory's repository root, the folder forge decides about).", Arity = ArgumentArity.ZeroOrOne };

    /// <summary>The folder given, or the repository root of the current directory: forge checks the root's trust, so
    /// <c>forge trust add</c> in a subdirectory trusts what forge will ask about.</summary>
    private static string Full(string? folder) =>
        folder is null ? CodeForge.Core.Agent.MemoryFiles.FindRepositoryRoot(Environment.CurrentDirectory) : Path.GetFullPath(folder);

    private static TrustStore Store()
    {
        var home = Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return TrustStore.ForUser(home);
    }

    private static int Show(string folder, TextWriter output, TextWriter error)
    {
        var disclosure = WorkspaceScanner.Scan(folder);
        foreach (var problem in disclosure.Problems)
        {
            error.WriteLine($"forge: {problem}");
        }
        TrustDecision decision;
        try
        {
            decision = Store().Check(disclosure);
        }
        catch (InvalidDataException ex)
        {
            error.WriteLine($"forge: {ex.Message}");
            return 1;
        }
        output.WriteLine(decision.State switch
        {
            TrustState.Trusted when decision.TrustedFolder == folder => $"{folder}: trusted",
            TrustState.Trusted => $"{folder}: trusted (through {decision.TrustedFolder})",
            TrustState.Changed => $"{folder}: trusted once, but it now holds {decision.AddedSinceTrusted.Length} new item(s): forge trust add to accept them",
            _ => $"{folder}: not trusted",
        });
        if (disclosure.IsEmpty)
        {
            output.WriteLine("It runs and pre-approves nothing of its own.");
            return 0;
        }
        var added = decision.AddedSinceTrusted.ToHashSet(StringComparer.Ordinal);
        output.WriteLine("It would run or pre-approve:");
        foreach (var line in disclosure.Lines)
        {
            output.WriteLine($"{(decision.State == TrustState.Changed && added.Contains(line) ? "+ " : "  ")}{line}");
        }
        return 0;
    }

    private static async Task<int> AddAsync(string folder, TextWriter output, TextWriter error, CancellationToken ct)
    {
        if (!Directory.Exists(folder))
        {
            await error.WriteLineAsync($"forge: {folder}: no such directory").ConfigureAwait(false);
            return 1;
        }
        var disclosure = WorkspaceScanner.Scan(folder);
        try
        {
            await Store().TrustAsync(folder, disclosure.Lines, ct).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            await error.WriteLineAsync($"forge: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Trusted {folder} ({disclosure.Lines.Length} item(s) it may run or pre-approve).")).ConfigureAwait(false);
        return 0;
    }

    private static async Task<int> RemoveAsync(string folder, TextWriter output, TextWriter error, CancellationToken ct)
    {
        try
        {
            var removed = await Store().RemoveAsync(folder, ct).ConfigureAwait(false);
            await output.WriteLineAsync(removed ? $"No longer trusted: {folder}" : $"{folder} was not trusted itself (a trusted parent still counts: forge trust list).").ConfigureAwait(false);
            return 0;
        }
        catch (IOException ex)
        {
            await error.WriteLineAsync($"forge: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    private static int List(TextWriter output, TextWriter error)
    {
        try
        {
            foreach (var entry in Store().List())
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{entry.Folder}  {entry.TrustedAt:yyyy-MM-dd HH:mm}  {entry.Lines.Length} item(s)"));
            }
            return 0;
        }
        catch (InvalidDataException ex)
        {
            error.WriteLine($"forge: {ex.Message}");
            return 1;
        }
    }
}
