using CodeForge.Core.Permissions;

namespace CodeForge.Core.Tests.Permissions;

/// <summary>
/// What the options of the commands the permission rules understand mean for a user: which words are an option's value
/// (never a file the command touches), which values are files the command reads, and which options make a command
/// write, run other code or never end. The option lists come from each command's manual (GNU coreutils, diffutils,
/// grep, findutils, sed, util-linux, ripgrep, jq, xxd), not from the inspector's tables.
/// </summary>
public sealed partial class BashInspectorTests
{
    /// <summary>
    /// Options whose value is a word, not a file, per the commands' manuals (option, then the rest of a command that
    /// only reads files inside the workspace). Each value is written as the next word and is <c>/tmp</c>: were it taken
    /// for a file, the command would read outside the workspace and ask.
    /// </summary>
    public static TheoryData<string, string, string> ValueOptions => new()
    {
        { "tac", "-s", "a.txt" }, { "tac", "--separator", "a.txt" },
        { "nl", "-s", "a.txt" }, { "nl", "-w", "a.txt" }, { "nl", "-b", "a.txt" },
        { "head", "-n", "a.txt" }, { "head", "-c", "a.txt" }, { "head", "--lines", "a.txt" }, { "head", "--bytes", "a.txt" },
        { "tail", "-n", "a.txt" }, { "tail", "-s", "a.txt" }, { "tail", "--lines", "a.txt" }, { "tail", "--bytes", "a.txt" },
        { "tail", "--pid", "a.txt" }, { "tail", "--sleep-interval", "a.txt" }, { "tail", "--max-unchanged-stats", "a.txt" },
        { "strings", "-n", "a.bin" }, { "strings", "--bytes", "a.bin" }, { "strings", "--encoding", "a.bin" },
        { "strings", "--radix", "a.bin" }, { "strings", "--target", "a.bin" }, { "strings", "--output-separator", "a.bin" },
        { "od", "-A", "a.bin" }, { "od", "--address-radix", "a.bin" }, { "od", "--skip-bytes", "a.bin" },
        { "od", "--read-bytes", "a.bin" }, { "od", "--format", "a.bin" }, { "od", "--endian", "a.bin" },
        { "hexdump", "-n", "a.bin" }, { "hexdump", "--format", "a.bin" }, { "hexdump", "--length", "a.bin" }, { "hexdump", "--skip", "a.bin" },
        { "hd", "-s", "a.bin" },
        { "base64", "-w", "a.bin" }, { "base64", "--wrap", "a.bin" }, { "base32", "--wrap", "a.bin" }, { "basenc", "--wrap", "a.bin" },
        { "b2sum", "-l", "a.bin" }, { "b2sum", "--length", "a.bin" }, { "cksum", "-a", "a.bin" }, { "cksum", "--algorithm", "a.bin" },
        { "cut", "-d", "-f 2 paths.txt" }, { "cut", "--bytes", "a.txt" }, { "cut", "--characters", "a.txt" },
        { "cut", "--delimiter", "-f 2 a.txt" }, { "cut", "--fields", "a.txt" }, { "cut", "--output-delimiter", "-f 1 a.txt" },
        { "paste", "-d", "a.txt b.txt" }, { "paste", "--delimiters", "a.txt b.txt" },
        { "join", "-t", "a.txt b.txt" }, { "comm", "--output-delimiter", "a.txt b.txt" },
        { "cmp", "-n", "a.bin b.bin" }, { "cmp", "--ignore-initial", "a.bin b.bin" }, { "cmp", "--bytes", "a.bin b.bin" },
        { "diff", "-I", "a.txt b.txt" }, { "diff", "--context", "a.txt b.txt" }, { "diff", "--unified", "a.txt b.txt" },
        { "diff", "--ignore-matching-lines", "a.txt b.txt" }, { "diff", "--label", "a.txt b.txt" },
        { "diff", "--show-function-line", "a.txt b.txt" }, { "diff", "--exclude", "-r a b" }, { "diff", "--starting-file", "-r a b" },
        { "diff", "--tabsize", "a.txt b.txt" }, { "diff", "--line-format", "a.txt b.txt" }, { "diff", "--old-line-format", "a.txt b.txt" },
        { "diff", "--new-line-format", "a.txt b.txt" }, { "diff", "--unchanged-line-format", "a.txt b.txt" },
        { "diff", "--horizon-lines", "a.txt b.txt" }, { "diff", "--width", "-y a.txt b.txt" }, { "diff", "--palette", "a.txt b.txt" },
        { "fold", "-w", "a.txt" }, { "fold", "--width", "a.txt" },
        { "fmt", "-p", "a.txt" }, { "fmt", "--width", "a.txt" }, { "fmt", "--goal", "a.txt" }, { "fmt", "--prefix", "a.txt" },
        { "column", "-s", "a.txt" }, { "column", "--table-columns", "a.txt" }, { "column", "--separator", "a.txt" },
        { "column", "--output-separator", "a.txt" }, { "column", "--output-width", "a.txt" }, { "column", "--table-name", "a.txt" },
        { "column", "--table-order", "a.txt" }, { "column", "--table-right", "a.txt" }, { "column", "--table-hide", "a.txt" },
        { "column", "--table-wrap", "a.txt" },
        { "expand", "-t", "a.txt" }, { "expand", "--tabs", "a.txt" }, { "unexpand", "-t", "a.txt" }, { "unexpand", "--tabs", "a.txt" },
        { "file", "-F", "a.bin" }, { "file", "--exclude", "a.bin" }, { "file", "--separator", "a.bin" }, { "file", "--parameter", "a.bin" },
        { "iconv", "-f", "a.txt" }, { "iconv", "--from-code", "a.txt" }, { "iconv", "--to-code", "a.txt" },
        { "realpath", "--relative-to", "a.txt" }, { "realpath", "--relative-base", "a.txt" },
        { "shuf", "-n", "a.txt" }, { "shuf", "--head-count", "a.txt" }, { "shuf", "--input-range", "" },
        { "look", "-t", "prefix words.txt" },
        { "sort", "-t", "-k 2 a.txt" }, { "sort", "--key", "a.txt" }, { "sort", "--field-separator", "a.txt" },
        { "sort", "--buffer-size", "a.txt" }, { "sort", "--parallel", "a.txt" }, { "sort", "--sort", "a.txt" },
        { "uniq", "-f", "a.txt" }, { "uniq", "--skip-fields", "a.txt" }, { "uniq", "--skip-chars", "a.txt" }, { "uniq", "--check-chars", "a.txt" },
        { "xxd", "-c", "a.bin" }, { "xxd", "-cols", "a.bin" }, { "xxd", "-len", "a.bin" }, { "xxd", "-seek", "a.bin" },
        { "ls", "-I", "src" }, { "ls", "--ignore", "src" }, { "ls", "--hide", "src" }, { "ls", "--width", "src" },
        { "ls", "--tabsize", "src" }, { "ls", "--format", "src" }, { "ls", "--sort", "src" }, { "ls", "--time", "src" },
        { "ls", "--time-style", "src" }, { "ls", "--block-size", "src" }, { "ls", "--quoting-style", "src" },
        { "ls", "--indicator-style", "src" }, { "dir", "-w", "src" }, { "vdir", "-T", "src" },
        { "tree", "-L", "src" }, { "tree", "-I", "src" }, { "tree", "--filelimit", "src" }, { "tree", "--timefmt", "src" },
        { "tree", "--charset", "src" }, { "tree", "--sort", "src" },
        { "du", "-d", "src" }, { "du", "--max-depth", "src" }, { "du", "--block-size", "src" }, { "du", "--threshold", "src" },
        { "du", "--exclude", "src" }, { "du", "--time-style", "src" },
        { "stat", "-c", "a.txt" }, { "stat", "--format", "a.txt" }, { "stat", "--printf", "a.txt" },
        { "grep -e TODO", "-m", "a.txt" }, { "grep -e TODO", "--max-count", "a.txt" }, { "grep -e TODO", "--after-context", "a.txt" },
        { "grep -e TODO", "--before-context", "a.txt" }, { "grep -e TODO", "--context", "a.txt" }, { "grep -r -e TODO", "--include", "src" },
        { "grep -r -e TODO", "--exclude", "src" }, { "grep -r -e TODO", "--exclude-dir", "src" }, { "grep -e TODO", "--devices", "a.txt" }, { "grep -e TODO", "--directories", "a.txt" },
        { "grep -e TODO", "--label", "a.txt" }, { "grep -e TODO", "--binary-files", "a.txt" }, { "grep -A 1 -e TODO", "--group-separator", "a.txt" },
        { "grep", "-e TODO -e", "a.txt" }, { "grep", "--regexp TODO --regexp", "a.txt" },
        { "rg -e TODO", "-g", "src" }, { "rg -e TODO", "--glob", "src" }, { "rg -e TODO", "--iglob", "src" }, { "rg -e TODO", "--type", "src" },
        { "rg -e TODO", "--type-not", "src" }, { "rg -e TODO", "--max-count", "src" }, { "rg -e TODO", "--after-context", "src" },
        { "rg -e TODO", "--before-context", "src" }, { "rg -e TODO", "--context", "src" }, { "rg -e TODO", "--max-columns", "src" },
        { "rg -e TODO", "--threads", "src" }, { "rg -e TODO", "--replace", "src" }, { "rg -e TODO", "--encoding", "src" },
        { "rg -e TODO", "--max-depth", "src" }, { "rg -e TODO", "--max-filesize", "src" }, { "rg -e TODO", "--sort", "src" },
        { "rg -e TODO", "--sortr", "src" }, { "rg -e TODO", "--color", "src" }, { "rg -e TODO", "--colors", "src" },
        { "rg -e TODO", "--path-separator", "src" }, { "rg -e TODO", "--pre-glob", "src" }, { "rg -e TODO", "--type-add", "src" },
        { "rg -e TODO", "--type-clear", "src" }, { "rg -e TODO", "--context-separator", "src" }, { "rg -e TODO", "--field-match-separator", "src" },
        { "rg -e TODO", "--field-context-separator", "src" }, { "rg -e TODO", "--dfa-size-limit", "src" }, { "rg -e TODO", "--regex-size-limit", "src" },
        { "rg -e TODO", "--engine", "src" }, { "rg -e TODO", "--hyperlink-format", "src" }, { "rg -e TODO", "--generate", "src" },
        { "rg", "-e TODO -e", "src" }, { "rg", "--regexp TODO --regexp", "src" }, { "ag", "--ignore-dir", "TODO src" },
        { "sed", "-l", "-n 1p a.txt" }, { "sed", "--line-length", "-n 1p a.txt" },
        { "jq", "--arg", "v . a.json" }, { "jq", "--argjson", "v . a.json" }, { "jq", "--indent", ". a.json" },
        { "date", "-d", "+%F" }, { "date", "--date", "+%F" },
    };

    [Theory]
    [MemberData(nameof(ValueOptions))]
    public void AnOptionsValueWrittenAsTheNextWord_IsNotAFile_SoTheReadOnlyCommandStaysAllowed(string program, string option, string rest)
    {
        var command = $"{program} {option} /tmp {rest}".TrimEnd();

        var decision = Check(command);

        Assert.True(PermissionBehavior.Allow == decision.Behavior, $"{command}: {decision.Behavior} ({decision.Reason})");
        Assert.Contains("read-only", decision.Reason, StringComparison.Ordinal);
    }

    /// <summary>Options whose value names a file the command reads (from the manuals): outside the workspace it asks.</summary>
    [Theory]
    [InlineData("wc --files0-from=/tmp/list")]
    [InlineData("file -f /tmp/list")]
    [InlineData("file --files-from /tmp/list")]
    [InlineData("file -m /tmp/list a.bin")]
    [InlineData("file --magic-file /tmp/list a.bin")]
    [InlineData("hexdump --format-file /tmp/list a.bin")]
    [InlineData("shuf --random-source /tmp/list a.txt")]
    [InlineData("sort --files0-from /tmp/list")]
    [InlineData("sort -R --random-source /tmp/list a.txt")]
    [InlineData("du -X /tmp/list src")]
    [InlineData("du --exclude-from /tmp/list src")]
    [InlineData("du --files0-from /tmp/list")]
    [InlineData("date -f /tmp/list")]
    [InlineData("date --file /tmp/list")]
    [InlineData("date -r /tmp/list")]
    [InlineData("date --reference /tmp/list")]
    [InlineData("grep -f /tmp/list a.txt")]
    [InlineData("grep --file /tmp/list a.txt")]
    [InlineData("grep -r --exclude-from /tmp/list TODO src")]
    [InlineData("rg --ignore-file /tmp/list TODO src")]
    [InlineData("rg -f /tmp/list src")]
    [InlineData("jq -f /tmp/list a.json")]
    [InlineData("jq --from-file /tmp/list a.json")]
    [InlineData("jq --slurpfile v /tmp/list . a.json")]
    [InlineData("jq --rawfile v /tmp/list . a.json")]
    public void AnOptionsValueThatNamesAFileToRead_OutsideTheWorkspace_Asks(string command)
    {
        var decision = Check(command);

        Assert.True(PermissionBehavior.Ask == decision.Behavior, $"{command}: {decision.Behavior} ({decision.Reason})");
        Assert.Contains("it reads /tmp/list", Check(command, PermissionMode.Plan).Reason, StringComparison.Ordinal);
        var inside = Check(command.Replace("/tmp/list", "list.txt", StringComparison.Ordinal));
        Assert.True(PermissionBehavior.Allow == inside.Behavior, $"{command} with list.txt: {inside.Behavior} ({inside.Reason})");
    }

    /// <summary>The file a read option names is what a Read deny rule protects.</summary>
    [Theory]
    [InlineData("grep -f .env a.txt")]
    [InlineData("jq --rawfile v .env . a.json")]
    [InlineData("file -f .env")]
    [InlineData("du --exclude-from .env src")]
    [InlineData("du --files0-from .env")]
    [InlineData("du -X .env src")]
    [InlineData("date -r .env")]
    public void AnOptionsValueThatNamesAFileToRead_IsStoppedByAReadDenyRule(string command)
    {
        var policy = PermissionTestKit.PolicyWith(PermissionBehavior.Deny, "Read(./.env)");

        Assert.Equal(PermissionBehavior.Deny, policy.Evaluate("Bash", PermissionTestKit.Command(command)).Behavior);
    }

    /// <summary>Options that make a read-only command write a file, run another program or never end (from the manuals).</summary>
    [Theory]
    [InlineData("sed -i.bak s/a/b/ a.txt", "sed -i edits files")]
    [InlineData("sed --in-place=.bak s/a/b/ a.txt", "sed -i edits files")]
    [InlineData("sed -n -i s/a/b/p a.txt", "sed -i edits files")]
    [InlineData("sed -ni s/a/b/p a.txt", "sed -i edits files")]
    [InlineData("sed -f script.sed a.txt", "sed -f runs a script file")]
    [InlineData("sed --file script.sed a.txt", "sed -f runs a script file")]
    [InlineData("sed -e s/a/b/ -e 1r/etc/passwd a.txt", "sed script may run commands")]
    [InlineData("sed --expression 1w/tmp/x a.txt", "sed script may run commands")]
    [InlineData("sed", "sed without a script")]
    [InlineData("sort --output out.txt a.txt", "sort -o writes a file")]
    [InlineData("sort -o out.txt a.txt", "sort -o writes a file")]
    [InlineData("sort -T tmpdir a.txt", "sort -T writes temporary files")]
    [InlineData("sort --temporary-directory tmpdir a.txt", "sort -T writes temporary files")]
    [InlineData("sort --compress-program gzip a.txt", "sort --compress-program runs a program")]
    [InlineData("tree -o out.txt src", "tree -o writes a file")]
    [InlineData("tail --follow log.txt", "tail -f never ends")]
    [InlineData("find . -execdir rm {} +", "find -execdir runs a command")]
    [InlineData("find . -ok rm {} ;", "find -ok runs a command")]
    [InlineData("find . -okdir rm {} ;", "find -okdir runs a command")]
    [InlineData("find . -fprint0 out.txt", "find -fprint0 writes a file")]
    [InlineData("find . -fprintf out.txt %p", "find -fprintf writes a file")]
    [InlineData("find . -fls out.txt", "find -fls writes a file")]
    [InlineData("uniq a.txt b.txt", "uniq writes its second file argument")]
    [InlineData("xxd a.bin a.hex", "xxd writes its second file argument")]
    [InlineData("printf -v x %s hi", "printf -v assigns a variable")]
    [InlineData("date --set 2020-01-01", "date with these arguments changes the system")]
    [InlineData("date --set=2020-01-01", "date with these arguments changes the system")]
    [InlineData("hostname box", "hostname with these arguments changes the system")]
    [InlineData("rg --pre cat TODO src", "rg --pre runs a program on every file")]
    [InlineData("rg --hostname-bin ./h TODO src", "rg --hostname-bin runs a program on every file")]
    [InlineData("awk '{print}' a.txt", "awk programs can write files and run commands")]
    [InlineData("awk -f prog.awk a.txt", "awk -f runs a program file")]
    [InlineData("gawk --exec prog.awk a.txt", "gawk -f runs a program file")]
    [InlineData("gawk -E prog.awk", "gawk -f runs a program file")]
    [InlineData("gawk --include lib.awk '{print}'", "gawk -f runs a program file")]
    [InlineData("gawk --load ext '{print}'", "gawk -f runs a program file")]
    [InlineData("awk 'BEGIN{system(\"id\")}'", "program may run commands")]
    [InlineData("awk '{getline x < \"f\"}' a.txt", "program may run commands")]
    [InlineData("awk '{print > \"out\"}' a.txt", "program may run commands")]
    [InlineData("awk '{print | \"sh\"}' a.txt", "program may run commands")]
    [InlineData("awk '{print ENVIRON[\"HOME\"]}'", "program may run commands")]
    [InlineData("gawk '@load \"x\"'", "program may run commands")]
    public void AnOptionThatWritesRunsOtherCodeOrNeverEnds_TakesTheCommandOutOfTheReadOnlySet(string command, string reason)
    {
        Assert.NotEqual(PermissionBehavior.Allow, Check(command).Behavior);
        var planned = Check(command, PermissionMode.Plan);
        Assert.Equal(PermissionBehavior.Deny, planned.Behavior);
        Assert.Contains(reason, planned.Reason, StringComparison.Ordinal);
    }

    /// <summary>The same commands without those options, or with options that only change the output, stay read-only.</summary>
    [Theory]
    [InlineData("sed -n 's/a/b/p' a.txt")]
    [InlineData("sed -e 's/a/b/' -e '/x/d' a.txt")]
    [InlineData("sed --expression=5q a.txt")]
    [InlineData("sort -u -k 2 a.txt")]
    [InlineData("tree -L 2 src")]
    [InlineData("tail -n 20 log.txt")]
    [InlineData("find . -name '*.cs' -print")]
    [InlineData("uniq -c a.txt")]
    [InlineData("xxd a.bin")]
    [InlineData("printf '%s\\n' hi")]
    [InlineData("date -u +%F")]
    [InlineData("date --date=yesterday")]
    [InlineData("hostname -f")]
    [InlineData("grep -rn TODO src")]
    [InlineData("env")]
    [InlineData("command -v dotnet")]
    [InlineData("jq -r .name a.json")]
    [InlineData("git log --oneline -- src")]
    public void TheSameCommandsWithoutThoseOptions_AreAllowedAsReadOnly(string command)
    {
        var decision = Check(command);

        Assert.True(PermissionBehavior.Allow == decision.Behavior, $"{command}: {decision.Behavior} ({decision.Reason})");
    }
}
