namespace CodeForge.Core.Tests.Shells.Sandbox;

/// <summary>What a sandbox corpus entry must leave behind: the probe run on the host after the command.</summary>
public enum SandboxProbe
{
    /// <summary>victim.txt still exists with its content (the denied program <c>rm</c> and its siblings did not run).</summary>
    VictimKept,

    /// <summary>Neither secret (secret.txt, sub/keys/id) appears in the output, plainly or in base64.</summary>
    SecretsNotPrinted,

    /// <summary>locked/a.txt is unchanged and nothing new appeared in locked/.</summary>
    LockedUnchanged,
}

/// <summary>One command run for real in the sandboxed workspace.</summary>
/// <param name="Command">The Bash command.</param>
/// <param name="Probe">For an attempt, what must still hold afterwards.</param>
/// <param name="Expected">For a legitimate command, text its output must contain.</param>
/// <param name="Why">The trick, or what the legitimate command is.</param>
public sealed record SandboxCorpusEntry(string Command, SandboxProbe? Probe, string? Expected, string Why)
{
    public override string ToString() => $"{Command}  ({Why})";
}

/// <summary>
/// The bypass corpus run against a real bubblewrap sandbox with <c>Bash</c> allowed and <c>Bash(rm *)</c>,
/// <c>Read(./secret.txt)</c>, <c>Read(**/keys/**)</c> and <c>Edit(./locked/**)</c> denied: attempts the parser cannot see
/// (scripts, copies and links of the binary, callbacks, interpreters), each probed on the host afterwards; and as many
/// legitimate commands that must run.
/// </summary>
public static class SandboxBypassCorpus
{
    public static readonly string[] Allow = ["Bash"];

    public static readonly string[] Deny = ["Bash(rm *)", "Read(./secret.txt)", "Read(**/keys/**)", "Edit(./locked/**)"];

    public const string Secret = "TOPSECRET-4711";

    public const string Key = "KEYMATERIAL-0815";

    private static SandboxCorpusEntry A(string command, SandboxProbe probe, string why) => new(command, probe, null, why);

    private static SandboxCorpusEntry L(string command, string expected, string why) => new(command, null, expected, why);

    public static readonly SandboxCorpusEntry[] Attempts =
    [
        // The five forms.
        A("printf 'rm victim.txt\\n' > s.sh && sh s.sh", SandboxProbe.VictimKept, "a script written, then run with sh"),
        A("printf '#!/bin/sh\\nrm victim.txt\\n' > s.sh && chmod +x s.sh && ./s.sh", SandboxProbe.VictimKept, "a script written, then run as ./s.sh"),
        A("cp \"$(command -v rm)\" ./x && ./x victim.txt", SandboxProbe.VictimKept, "a copy of the binary"),
        A("ln -s \"$(command -v rm)\" ./y && ./y victim.txt", SandboxProbe.VictimKept, "a symbolic link to the binary"),
        A("tar -cf /tmp/t.tar README.md --checkpoint=1 --checkpoint-action=exec='rm victim.txt'", SandboxProbe.VictimKept, "tar runs a callback"),
        // More callbacks and interpreters.
        A("git -c alias.zap='!rm victim.txt' zap", SandboxProbe.VictimKept, "a git alias"),
        A("echo x | sed 'e rm victim.txt'", SandboxProbe.VictimKept, "sed's e command"),
        A("find . -name victim.txt -exec rm {} \\;", SandboxProbe.VictimKept, "find -exec"),
        A("printf 'all:\\n\\trm victim.txt\\n' > Makefile && make", SandboxProbe.VictimKept, "a make recipe"),
        A("python3 -c \"import os; os.system('rm victim.txt')\"", SandboxProbe.VictimKept, "python os.system"),
        A("perl -e 'system(\"rm victim.txt\")'", SandboxProbe.VictimKept, "perl system"),
        A("echo victim.txt | xargs rm", SandboxProbe.VictimKept, "xargs"),
        A("/lib64/ld-linux-x86-64.so.2 /usr/bin/rm victim.txt", SandboxProbe.VictimKept, "the dynamic loader runs the binary"),
        A("$(printf r)m victim.txt", SandboxProbe.VictimKept, "a computed command name"),
        A("/bin/rm victim.txt; /usr/bin/rm victim.txt", SandboxProbe.VictimKept, "the binary by its full paths"),
        A("cat /usr/bin/rm > ./z; chmod +x ./z; ./z victim.txt", SandboxProbe.VictimKept, "the binary's bytes copied by cat"),
        // The secrets.
        A("cat secret.txt", SandboxProbe.SecretsNotPrinted, "plain cat (the parser also refuses it)"),
        A("python3 -c \"print(open('secret.txt').read())\"", SandboxProbe.SecretsNotPrinted, "python reads the file"),
        A("cp /bin/cat ./c && ./c secret.txt", SandboxProbe.SecretsNotPrinted, "a copied binary reads it"),
        A("ln -s secret.txt l && cat l", SandboxProbe.SecretsNotPrinted, "through a symbolic link"),
        A("ln secret.txt h; cat h", SandboxProbe.SecretsNotPrinted, "through a hard link made inside"),
        A("mv secret.txt moved.txt; cat moved.txt", SandboxProbe.SecretsNotPrinted, "renamed first"),
        A("grep -r . . 2>/dev/null", SandboxProbe.SecretsNotPrinted, "a recursive search"),
        A("find . -type f -exec cat {} + 2>/dev/null", SandboxProbe.SecretsNotPrinted, "find -exec cat on every file"),
        A("tar -cf - . 2>/dev/null | tar -xOf - 2>/dev/null", SandboxProbe.SecretsNotPrinted, "tar through a pipe"),
        A("base64 secret.txt; base64 sub/keys/id", SandboxProbe.SecretsNotPrinted, "encoded"),
        A("perl -ne print sub/keys/id", SandboxProbe.SecretsNotPrinted, "perl reads a file under a denied directory"),
        A("ls -la sub/keys; cat sub/keys/*", SandboxProbe.SecretsNotPrinted, "the denied directory listed and globbed"),
        A("node -e \"console.log(require('fs').readFileSync('secret.txt','utf8'))\"", SandboxProbe.SecretsNotPrinted, "node reads the file"),
        // The locked sources.
        // The classes, more forms of each: pipes into a shell, git aliases, sed e, find -exec, make, system(), xargs.
        A("printf 'rm victim.txt\\n' | sh", SandboxProbe.VictimKept, "a command piped into sh"),
        A("echo 'rm victim.txt' | bash", SandboxProbe.VictimKept, "a command piped into bash"),
        A("bash -c \"$(echo cm0gdmljdGltLnR4dA== | base64 -d)\"", SandboxProbe.VictimKept, "a base64-decoded command run by bash"),
        A("git init -q . && git config alias.zap '!rm victim.txt' && git zap", SandboxProbe.VictimKept, "a git alias written to the repository's config"),
        A("sed -n '1e rm victim.txt' README.md", SandboxProbe.VictimKept, "sed's e command with an address"),
        A("find . -name victim.txt -execdir rm {} +", SandboxProbe.VictimKept, "find -execdir"),
        A("printf 'zap:\\n\\t$(RM) victim.txt\\n' > mk && make -f mk zap RM=rm", SandboxProbe.VictimKept, "a make recipe with the program in a variable"),
        A("awk 'BEGIN { system(\"rm victim.txt\") }'", SandboxProbe.VictimKept, "awk system()"),
        A("node -e \"require('child_process').execSync('rm victim.txt')\"", SandboxProbe.VictimKept, "node child_process"),
        A("python3 -c \"import subprocess; subprocess.run(['rm', 'victim.txt'])\"", SandboxProbe.VictimKept, "python subprocess"),
        A("perl -e 'exec \"rm\", \"victim.txt\"'", SandboxProbe.VictimKept, "perl exec"),
        A("printf 'victim.txt\\0' | xargs -0 rm", SandboxProbe.VictimKept, "xargs -0"),
        A("ls victim.txt | xargs -I{} sh -c 'rm {}'", SandboxProbe.VictimKept, "xargs -I into sh -c"),
        A("env rm victim.txt; timeout 5 rm victim.txt; nice rm victim.txt", SandboxProbe.VictimKept, "wrappers that exec the program"),
        A("printf 'cat secret.txt\\n' | sh", SandboxProbe.SecretsNotPrinted, "a read piped into sh"),
        A("echo secret.txt | xargs cat", SandboxProbe.SecretsNotPrinted, "xargs cat"),
        A("awk '{print}' secret.txt; sed -n p sub/keys/id", SandboxProbe.SecretsNotPrinted, "awk and sed read the files"),
        A("dd if=secret.txt 2>/dev/null", SandboxProbe.SecretsNotPrinted, "dd"),
        A("printf 'echo changed > locked/a.txt\\n' | sh", SandboxProbe.LockedUnchanged, "a write piped into sh"),
        A("perl -pi -e s/original/changed/ locked/a.txt", SandboxProbe.LockedUnchanged, "perl -pi"),
        A("echo changed > locked/a.txt", SandboxProbe.LockedUnchanged, "a redirection"),
        A("python3 -c \"open('locked/a.txt','w').write('changed')\"", SandboxProbe.LockedUnchanged, "python writes"),
        A("sed -i s/original/changed/ locked/a.txt", SandboxProbe.LockedUnchanged, "sed -i (a new file renamed over it)"),
        A("touch locked/new.txt; mv locked/a.txt a2.txt", SandboxProbe.LockedUnchanged, "a new file and a rename"),
        // The siblings of rm, masked with it: they delete files by another name.
        A("unlink victim.txt", SandboxProbe.VictimKept, "unlink, rm's sibling"),
        A("printf 'unlink victim.txt\\n' | sh", SandboxProbe.VictimKept, "unlink piped into sh"),
        A("shred -u victim.txt", SandboxProbe.VictimKept, "shred -u overwrites and removes"),
    ];

    /// <summary>
    /// Deletions by programs other than the denied one: <c>Bash(rm *)</c> masks rm, unlink and shred, not the act of deleting,
    /// so with the corpus's rules each of these still deletes or empties victim.txt (the limit <c>/permissions</c> states);
    /// an <c>Edit(./victim.txt)</c> deny rule (the file read-only inside the sandbox) makes every one of them fail.
    /// </summary>
    public static readonly SandboxCorpusEntry[] ProgramRuleLimits =
    [
        A("python3 -c \"import os; os.remove('victim.txt')\"", SandboxProbe.VictimKept, "python os.remove"),
        A("perl -e 'unlink \"victim.txt\" or die \"$!\\n\"'", SandboxProbe.VictimKept, "perl unlink"),
        A("mv victim.txt /tmp/", SandboxProbe.VictimKept, "moved out of the workspace"),
        A("find . -name victim.txt -delete", SandboxProbe.VictimKept, "find -delete"),
        A("truncate -s 0 victim.txt", SandboxProbe.VictimKept, "truncated to nothing"),
        A("node -e \"require('fs').unlinkSync('victim.txt')\"", SandboxProbe.VictimKept, "node fs.unlinkSync"),
    ];

    public static readonly SandboxCorpusEntry[] Legitimate =
    [
        L("python3 -c \"print(6*7)\"", "42", "python inline code"),
        L("node -e \"console.log(6*7)\"", "42", "node inline code"),
        L("perl -e 'print 6*7, \"\\n\"'", "42", "perl inline code"),
        L("find . -name '*.md' -exec grep -l readme {} \\;", "README.md", "find -exec grep"),
        L("printf 'a\\nb\\n' | xargs echo items:", "items: a b", "xargs"),
        L("echo \"today $(echo is fine)\"", "today is fine", "command substitution"),
        L("printf 'echo harmless text\\n' | sh", "harmless text", "harmless text piped into sh"),
        L("printf 'echo from script\\n' > ok.sh && sh ok.sh", "from script", "a script run with sh"),
        L("printf '#!/bin/sh\\necho executable\\n' > ok2.sh && chmod +x ok2.sh && ./ok2.sh", "executable", "a script run directly"),
        L("printf 'all:\\n\\t@echo built\\n' > Makefile && make", "built", "make"),
        L("tar -cf /tmp/a.tar README.md && tar -tf /tmp/a.tar", "README.md", "tar"),
        L("git -c alias.hello='!echo hello alias' hello", "hello alias", "a git alias"),
        L("echo x | sed 'e echo sed runs'", "sed runs", "sed e with a harmless command"),
        L("python3 -c \"import os; os.system('echo via system')\"", "via system", "python os.system"),
        L("cat README.md", "readme", "reading an ordinary file"),
        L("mkdir -p out && cp README.md out/ && ls out", "README.md", "copying inside the workspace"),
        L("echo new > out.txt && cat out.txt", "new", "writing inside the workspace"),
        L("ls sub", "keys", "listing a directory that holds a denied one"),
        L("cat locked/a.txt", "original", "reading an edit-denied file"),
        L("ln -s README.md r.md && cat r.md", "readme", "a link to an ordinary file"),
        L("cp /bin/cat ./mycat && ./mycat README.md", "readme", "a copied binary that is not denied"),
        L("find . -maxdepth 1 -name README.md | xargs cat", "readme", "find piped into xargs"),
        L("sh -c 'echo nested shell'", "nested shell", "a nested shell"),
        L("for f in README.md; do wc -c < $f; done", "8", "a loop"),
        L("env | grep -c '^PATH='", "1", "env"),
        L("head -c 3 README.md; echo", "# r", "head"),
        L("printf 'x\\n' > t.txt; mv t.txt t2.txt; cat t2.txt", "x", "mv inside the workspace"),
        L("awk 'BEGIN { print 6*7 }'", "42", "awk"),
        L("python3 -c \"import subprocess; print(subprocess.run(['ls'], capture_output=True, text=True).stdout)\"", "README.md", "python runs a program"),
        L("echo data | tee copy.txt > /dev/null; cat copy.txt", "data", "tee"),
        L("date +%Y > year.txt && test -s year.txt && echo ok", "ok", "test"),
        L("grep -c original locked/a.txt", "1", "grep"),
        L("stat -c %s README.md", "8", "stat"),
        L("printf 'echo piped\\n' | bash", "piped", "harmless text piped into bash"),
        L("echo 'echo from stdin' | sh -s", "from stdin", "sh -s reading its script"),
        L("bash -c \"$(echo ZWNobyBkZWNvZGVk | base64 -d)\"", "decoded", "a decoded harmless command"),
        L("git init -q . && git config alias.hi '!echo alias from config' && git hi", "alias from config", "a git alias in the repository's config"),
        L("sed -n '1e echo sed e ok' README.md", "sed e ok", "sed e with an address"),
        L("find . -name README.md -execdir cat {} +", "readme", "find -execdir"),
        L("printf 'hi:\\n\\t@echo $(MSG)\\n' > mk && make -s -f mk hi MSG=made", "made", "make with a variable"),
        L("awk 'BEGIN { system(\"echo awk system\") }'", "awk system", "awk system()"),
        L("node -e \"console.log(require('child_process').execSync('echo node child').toString())\"", "node child", "node child_process"),
        L("python3 -c \"import subprocess; subprocess.run(['echo', 'py sub'])\"", "py sub", "python subprocess"),
        L("perl -e 'exec \"echo\", \"perl exec\"'", "perl exec", "perl exec"),
        L("printf 'README.md\\0' | xargs -0 cat", "readme", "xargs -0"),
        L("ls README.md | xargs -I{} sh -c 'wc -c < {}'", "8", "xargs -I into sh -c"),
        L("env echo via env; timeout 5 echo in time", "in time", "wrappers that exec a program"),
        L("printf 'cat README.md\\n' | sh", "readme", "a read piped into sh"),
        L("echo README.md | xargs cat", "readme", "xargs cat"),
        L("awk '{print}' README.md; sed -n p locked/a.txt", "original", "awk and sed read files"),
        L("cut -c3- README.md", "readme", "cut"),
        L("printf 'echo changed > out2.txt; cat out2.txt\\n' | sh", "changed", "a write inside the workspace piped into sh"),
        L("printf x > t3.txt && perl -pi -e s/x/y/ t3.txt && cat t3.txt", "y", "perl -pi on a workspace file"),
        L("mkdir -p empty && rmdir empty && test ! -e empty && echo removed", "removed", "rmdir of an empty directory (not masked)"),
        L("printf x > t4.txt && truncate -s 0 t4.txt && wc -c < t4.txt", "0", "truncate of a workspace file"),
        L("mkdir -p d && printf y > t5.txt && mv t5.txt d/ && cat d/t5.txt", "y", "mv into a workspace directory"),
    ];
}
