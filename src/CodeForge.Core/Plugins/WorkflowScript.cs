using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace CodeForge.Core.Plugins;

/// <summary>One entry of a workflow's <c>meta.phases</c>: a progress group title, its detail and model, as given.</summary>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record WorkflowPhase(string Title, string? Detail, string? Model);

/// <summary>A workflow's <c>export const meta = { … }</c>: <c>name</c> and <c>description</c> (required), the rest optional.</summary>
/// <remarks>Immutable; safe to share between threads.</remarks>
public sealed record WorkflowMeta(string Name, string Description, string? Title, string? WhenToUse, ImmutableArray<WorkflowPhase> Phases);

/// <summary>
/// A Claude Code dynamic workflow script (<c>workflows/*.js</c>, <c>.claude/workflows/*.js</c>), split as Claude Code
/// splits it: the script must begin (after whitespace and comments only) with <c>export const meta = { … }</c>, a pure
/// literal (strings, numbers, <c>true</c>/<c>false</c>/<c>null</c>, lists and objects; no variables, calls, spreads or
/// interpolation); the rest is the body, which runs as the body of an async function with the workflow globals
/// (<c>agent</c>, <c>parallel</c>, <c>pipeline</c>, <c>phase</c>, <c>log</c>, <c>args</c>, <c>budget</c>, <c>workflow</c>).
/// </summary>
/// <remarks>Immutable; safe to share between threads. <see cref="Parse"/> is pure.</remarks>
public sealed record WorkflowScript(WorkflowMeta Meta, string Body, int BodyLine)
{
    /// <summary>Claude Code's size limit of a workflow file (512 KiB); larger files are skipped.</summary>
    public const int MaxBytes = 524288;

    /// <summary>Splits <paramref name="text"/>; on failure <paramref name="error"/> says why (Claude Code's wording where it has one).</summary>
    public static WorkflowScript? Parse(string text, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            text = text[1..];
        }
        var reader = new LiteralReader(text);
        reader.SkipTrivia();
        if (!reader.TryKeywords("export", "const", "meta") || !reader.TryPunct('='))
        {
            error = "`export const meta = { name, description, phases }` must be the FIRST statement in the script";
            return null;
        }
        JsonNode? value;
        try
        {
            reader.SkipTrivia();
            if (reader.Peek != '{')
            {
                throw reader.Error("meta must be an object literal");
            }
            value = reader.ReadValue();
        }
        catch (FormatException ex)
        {
            error = $"meta must be a pure literal: {ex.Message}";
            return null;
        }
        var end = reader.Position;
        reader.SkipTrivia();
        if (reader.Peek == ';')
        {
            end = reader.Position + 1;
        }
        var meta = ToMeta(value!.AsObject(), out error);
        if (meta is null)
        {
            return null;
        }
        var line = 1 + text.AsSpan(0, end).Count('\n');
        return new WorkflowScript(meta, text[end..], line);
    }

    private static WorkflowMeta? ToMeta(JsonObject o, out string? error)
    {
        error = null;
        if (Str(o, "name") is not { Length: > 0 } name)
        {
            error = "meta.name must be a non-empty string";
            return null;
        }
        if (Str(o, "description") is not { Length: > 0 } description)
        {
            error = "meta.description must be a non-empty string";
            return null;
        }
        var phases = ImmutableArray.CreateBuilder<WorkflowPhase>();
        if (o["phases"] is JsonArray list)
        {
            foreach (var item in list)
            {
                if (item is JsonObject p && Str(p, "title") is { } title)
                {
                    phases.Add(new WorkflowPhase(title, Str(p, "detail"), Str(p, "model")));
                }
            }
        }
        return new WorkflowMeta(name, description, Str(o, "title") is { Length: > 0 } t ? t : null, Str(o, "whenToUse"), phases.ToImmutable());
    }

    private static string? Str(JsonObject o, string key) =>
        o[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>Reads the pure-literal subset of JavaScript that <c>meta</c> may use, into JSON nodes.</summary>
    private sealed class LiteralReader(string text)
    {
        private int _pos;

        public int Position => _pos;

        public char Peek => _pos < text.Length ? text[_pos] : '\0';

        public FormatException Error(string why)
        {
            var line = 1 + text.AsSpan(0, Math.Min(_pos, text.Length)).Count('\n');
            return new FormatException($"{why} (line {line.ToString(CultureInfo.InvariantCulture)})");
        }

        public void SkipTrivia()
        {
            while (_pos < text.Length)
            {
                if (char.IsWhiteSpace(text[_pos]))
                {
                    _pos++;
                }
                else if (text.AsSpan(_pos).StartsWith("//"))
                {
                    var nl = text.IndexOf('\n', _pos);
                    _pos = nl < 0 ? text.Length : nl + 1;
                }
                else if (text.AsSpan(_pos).StartsWith("/*"))
                {
                    var close = text.IndexOf("*/", _pos + 2, StringComparison.Ordinal);
                    _pos = close < 0 ? text.Length : close + 2;
                }
                else
                {
                    return;
                }
            }
        }

        public bool TryKeywords(params string[] words)
        {
            foreach (var word in words)
            {
                SkipTrivia();
                if (ReadIdentifier() != word)
                {
                    return false;
                }
            }
            return true;
        }

        public bool TryPunct(char c)
        {
            SkipTrivia();
            if (Peek != c)
            {
                return false;
            }
            _pos++;
            return true;
        }

        private string? ReadIdentifier()
        {
            var start = _pos;
            while (_pos < text.Length && (char.IsLetterOrDigit(text[_pos]) || text[_pos] is '_' or '$'))
            {
                _pos++;
            }
            return _pos > start && !char.IsDigit(text[start]) ? text[start.._pos] : null;
        }

        public JsonNode? ReadValue()
        {
            SkipTrivia();
            switch (Peek)
            {
                case '{':
                    return ReadObject();
                case '[':
                    return ReadArray();
                case '\'' or '"' or '`':
                    return JsonValue.Create(ReadString());
                case '-' or '+' or '.' or (>= '0' and <= '9'):
                    return ReadNumber();
            }
            var start = _pos;
            var word = ReadIdentifier();
            return word switch
            {
                "true" => JsonValue.Create(true),
                "false" => JsonValue.Create(false),
                "null" => null,
                null => throw Error($"unexpected '{Peek}'"),
                _ => throw ErrorAt(start, $"'{word}' is not a literal (no variables or calls in meta)"),
            };
        }

        private FormatException ErrorAt(int at, string why)
        {
            _pos = at;
            return Error(why);
        }

        private JsonObject ReadObject()
        {
            _pos++;
            var o = new JsonObject();
            while (true)
            {
                SkipTrivia();
                if (Peek == '}')
                {
                    _pos++;
                    return o;
                }
                if (text.AsSpan(_pos).StartsWith("..."))
                {
                    throw Error("spreads are not allowed in meta");
                }
                var key = Peek is '\'' or '"' ? ReadString() : ReadIdentifier() ?? throw Error($"unexpected '{Peek}' where a key was expected");
                if (!TryPunct(':'))
                {
                    throw Error($"expected ':' after the key '{key}' (shorthand and computed properties are not allowed)");
                }
                o[key] = ReadValue();
                SkipTrivia();
                if (Peek == ',')
                {
                    _pos++;
                }
                else if (Peek != '}')
                {
                    throw Error($"expected ',' or '}}' after the value of '{key}'");
                }
            }
        }

        private JsonArray ReadArray()
        {
            _pos++;
            var a = new JsonArray();
            while (true)
            {
                SkipTrivia();
                if (Peek == ']')
                {
                    _pos++;
                    return a;
                }
                a.Add(ReadValue());
                SkipTrivia();
                if (Peek == ',')
                {
                    _pos++;
                }
                else if (Peek != ']')
                {
                    throw Error("expected ',' or ']' in a list");
                }
            }
        }

        private string ReadString()
        {
            var quote = text[_pos++];
            var sb = new StringBuilder();
            while (true)
            {
                if (_pos >= text.Length)
                {
                    throw Error("unterminated string");
                }
                var c = text[_pos++];
                if (c == quote)
                {
                    return sb.ToString();
                }
                if (quote == '`' && c == '$' && Peek == '{')
                {
                    throw Error("template interpolation is not allowed in meta");
                }
                if (c is '\n' or '\r' && quote != '`')
                {
                    throw Error("unterminated string");
                }
                if (c != '\\')
                {
                    sb.Append(c);
                    continue;
                }
                var e = _pos < text.Length ? text[_pos++] : throw Error("unterminated string");
                switch (e)
                {
                    case 'n': sb.Append('\n'); break;
                    case 't': sb.Append('\t'); break;
                    case 'r': sb.Append('\r'); break;
                    case 'b': sb.Append('\b'); break;
                    case 'f': sb.Append('\f'); break;
                    case 'v': sb.Append('\v'); break;
                    case '0': sb.Append('\0'); break;
                    case '\n': break;
                    case 'u':
                        sb.Append(ReadUnicodeEscape());
                        break;
                    case 'x':
                        sb.Append((char)Hex(2));
                        break;
                    default: sb.Append(e); break;
                }
            }
        }

        private string ReadUnicodeEscape()
        {
            if (Peek == '{')
            {
                var close = text.IndexOf('}', _pos);
                if (close < 0 || !int.TryParse(text.AsSpan(_pos + 1, close - _pos - 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var cp) || cp > 0x10FFFF)
                {
                    throw Error("bad \\u{…} escape");
                }
                _pos = close + 1;
                return char.ConvertFromUtf32(cp);
            }
            return ((char)Hex(4)).ToString();
        }

        private int Hex(int digits)
        {
            if (_pos + digits > text.Length || !int.TryParse(text.AsSpan(_pos, digits), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var v))
            {
                throw Error("bad escape");
            }
            _pos += digits;
            return v;
        }

        private JsonValue ReadNumber()
        {
            var start = _pos;
            if (Peek is '-' or '+')
            {
                _pos++;
            }
            while (_pos < text.Length && (char.IsAsciiDigit(text[_pos]) || text[_pos] is '.' or 'e' or 'E' or '_'
                || (text[_pos] is '+' or '-' && text[_pos - 1] is 'e' or 'E')))
            {
                _pos++;
            }
            var raw = text[start.._pos].Replace("_", "", StringComparison.Ordinal);
            return double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                ? JsonValue.Create(d)
                : throw ErrorAt(start, $"'{raw}' is not a number");
        }
    }
}
