using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace CodeForge.Core.Tools.BuiltIn;

// The arguments of the built-in tools, one record per tool, under Claude Code's parameter names. Their JSON schema is
// generated from these declarations (ToolSchema.For); tests/CodeForge.Core.Tests/Tools/Schemas holds what each must give.
// Optional arguments are nullable with a null default: absent and null mean the same. Integers are long (as the
// validation accepts any 64-bit whole number). Descriptions are written for the model.

/// <summary>The arguments of Read.</summary>
internal sealed record ReadArgs(
    [property: JsonPropertyName("file_path"), Description("The absolute path to the file to read."), StringLength(int.MaxValue, MinimumLength = 1)]
    string FilePath,
    [property: JsonPropertyName("offset"), Description("The line number to start reading from (1 = the first line). Only give it for files too long to read at once."), Range(0, int.MaxValue)]
    long? Offset = null,
    [property: JsonPropertyName("limit"), Description("The number of lines to read (default 2000). Only give it for files too long to read at once."), Range(1, int.MaxValue)]
    long? Limit = null);

/// <summary>The arguments of Write.</summary>
internal sealed record WriteArgs(
    [property: JsonPropertyName("file_path"), Description("The absolute path to the file to write (must be absolute, not relative)."), StringLength(int.MaxValue, MinimumLength = 1)]
    string FilePath,
    [property: JsonPropertyName("content"), Description("The content to write to the file.")]
    string Content);

/// <summary>The arguments of Edit.</summary>
internal sealed record EditArgs(
    [property: JsonPropertyName("file_path"), Description("The absolute path to the file to modify."), StringLength(int.MaxValue, MinimumLength = 1)]
    string FilePath,
    [property: JsonPropertyName("old_string"), Description("The text to replace (exactly as in the file).")]
    string OldString,
    [property: JsonPropertyName("new_string"), Description("The text to replace it with (must differ from old_string).")]
    string NewString,
    [property: JsonPropertyName("replace_all"), Description("Replace every occurrence of old_string (default false)."), DefaultValue(false)]
    bool? ReplaceAll = null);

/// <summary>The arguments of MultiEdit.</summary>
internal sealed record MultiEditArgs(
    [property: JsonPropertyName("file_path"), Description("The absolute path to the file to modify."), StringLength(int.MaxValue, MinimumLength = 1)]
    string FilePath,
    [property: JsonPropertyName("edits"), Description("The edits to apply, in order.")]
    IReadOnlyList<MultiEditItem> Edits);

/// <summary>One edit of MultiEdit.</summary>
[Description("One replacement.")]
internal sealed record MultiEditItem(
    [property: JsonPropertyName("old_string"), Description("The text to replace.")]
    string OldString,
    [property: JsonPropertyName("new_string"), Description("The text to replace it with.")]
    string NewString,
    [property: JsonPropertyName("replace_all"), Description("Replace every occurrence (default false)."), DefaultValue(false)]
    bool? ReplaceAll = null);

/// <summary>The arguments of Glob.</summary>
internal sealed record GlobArgs(
    [property: JsonPropertyName("pattern"), Description("The glob pattern to match files against."), StringLength(int.MaxValue, MinimumLength = 1)]
    string Pattern,
    [property: JsonPropertyName("path"), Description("The absolute directory to search in. Omit it to use the working directory (do not pass \"undefined\" or \"null\").")]
    string? Path = null);

/// <summary>The arguments of Grep (ripgrep's flags under their short names).</summary>
internal sealed record GrepArgs(
    [property: JsonPropertyName("pattern"), Description("The regular expression to search for in file contents."), StringLength(int.MaxValue, MinimumLength = 1)]
    string Pattern,
    [property: JsonPropertyName("path"), Description("The absolute file or directory to search in. Defaults to the working directory.")]
    string? Path = null,
    [property: JsonPropertyName("glob"), Description("Glob to filter files (e.g. \"*.js\", \"*.{ts,tsx}\"); a leading ! excludes.")]
    string? Glob = null,
    [property: JsonPropertyName("type"), Description("File type to search (ripgrep names: js, py, rust, go, java, cs, ts, md, json, yaml, ...).")]
    string? Type = null,
    [property: JsonPropertyName("output_mode"), Description("\"content\" shows matching lines, \"files_with_matches\" (default) shows file paths, \"count\" shows match counts."), AllowedValues("content", "files_with_matches", "count"), DefaultValue("files_with_matches")]
    string? OutputMode = null,
    [property: JsonPropertyName("-i"), Description("Case insensitive search.")]
    bool? IgnoreCase = null,
    [property: JsonPropertyName("-n"), Description("Show line numbers (content mode; default true)."), DefaultValue(true)]
    bool? LineNumbers = null,
    [property: JsonPropertyName("-A"), Description("Lines to show after each match (content mode)."), Range(0, int.MaxValue)]
    long? After = null,
    [property: JsonPropertyName("-B"), Description("Lines to show before each match (content mode)."), Range(0, int.MaxValue)]
    long? Before = null,
    [property: JsonPropertyName("-C"), Description("Lines to show before and after each match (content mode)."), Range(0, int.MaxValue)]
    long? Context = null,
    [property: JsonPropertyName("multiline"), Description("Let . match newlines and patterns span lines (default false).")]
    bool? Multiline = null,
    [property: JsonPropertyName("head_limit"), Description("Return at most this many lines/entries (default 250; 0 = no limit)."), Range(0, int.MaxValue)]
    long? HeadLimit = null,
    [property: JsonPropertyName("offset"), Description("Skip this many lines/entries before applying head_limit (default 0)."), Range(0, int.MaxValue)]
    long? Offset = null);

/// <summary>The arguments of Bash.</summary>
internal sealed record BashArgs(
    [property: JsonPropertyName("command"), Description("The command to execute."), StringLength(int.MaxValue, MinimumLength = 1)]
    string Command,
    [property: JsonPropertyName("timeout"), Description("Optional timeout in milliseconds (max 600000)."), Range(1, BashTool.MaxTimeoutMs)]
    long? Timeout = null,
    [property: JsonPropertyName("description"), Description("Clear, concise description of what this command does in 5-10 words, in active voice.")]
    string? Description = null,
    [property: JsonPropertyName("run_in_background"), Description("Set to true to run this command in the background. Use BashOutput to read the output later.")]
    bool? RunInBackground = null);

/// <summary>The arguments of BashOutput.</summary>
internal sealed record BashOutputArgs(
    [property: JsonPropertyName("bash_id"), Description("The ID of the background shell to retrieve output from."), StringLength(int.MaxValue, MinimumLength = 1)]
    string BashId,
    [property: JsonPropertyName("filter"), Description("Optional regular expression to filter the output lines. Only lines matching this regex will be included in the result. Any lines that do not match will no longer be available to read.")]
    string? Filter = null);

/// <summary>The arguments of KillShell.</summary>
internal sealed record KillShellArgs(
    [property: JsonPropertyName("shell_id"), Description("The ID of the background shell to kill."), StringLength(int.MaxValue, MinimumLength = 1)]
    string ShellId);

/// <summary>The arguments of TodoWrite: the whole list.</summary>
internal sealed record TodoWriteArgs(
    [property: JsonPropertyName("todos"), Description("The updated todo list")]
    IReadOnlyList<TodoWriteItem> Todos);

/// <summary>One task of TodoWrite.</summary>
[Description("One task.")]
internal sealed record TodoWriteItem(
    [property: JsonPropertyName("content"), Description("What to do, in imperative form."), StringLength(int.MaxValue, MinimumLength = 1)]
    string Content,
    [property: JsonPropertyName("status"), Description("The task's state."), AllowedValues("pending", "in_progress", "completed")]
    string Status,
    [property: JsonPropertyName("activeForm"), Description("The task in present continuous form, shown while in progress."), StringLength(int.MaxValue, MinimumLength = 1)]
    string? ActiveForm = null,
    [property: JsonPropertyName("id"), Description("An optional id for the task.")]
    string? Id = null,
    [property: JsonPropertyName("priority"), Description("An optional priority (accepted for compatibility)."), AllowedValues("high", "medium", "low")]
    string? Priority = null);
