using System.Text;
using System.Text.RegularExpressions;

namespace Evertoken.Sinks.Internal;

/// <summary>
/// Rewrites assignments in the text of a <c>.env</c> file while keeping everything else byte for byte: comments,
/// blank lines, order, indentation, <c>export </c> prefixes, the spacing around <c>=</c>, trailing comments, the line
/// endings (LF or CRLF) and whether the file ends with a newline. A quoted value that spans several lines (a PEM key)
/// is one assignment, so a line inside it is never mistaken for one.
/// </summary>
internal static partial class DotEnvDocument
{
    /// <summary>
    /// Sets <paramref name="key"/> to <paramref name="value"/>. Every assignment of the key is replaced in place
    /// (dotenv loaders disagree on whether the first or the last duplicate wins, so all of them get the new value);
    /// when there is none, <c>KEY=value</c> is appended.
    /// </summary>
    public static string Set(string text, string key, string value)
    {
        var newline = text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        var lines = SplitLines(text);
        var output = new StringBuilder(text.Length + value.Length + key.Length + 4);
        var found = false;

        for (var i = 0; i < lines.Count; i++)
        {
            var (content, ending) = lines[i];
            var match = Assignment().Match(content);
            if (!match.Success)
            {
                output.Append(content).Append(ending);
                continue;
            }

            var rest = match.Groups["rest"].Value;
            var restStart = match.Groups["rest"].Index;

            // Find where the value ends; a quoted value may run over the following lines.
            var quote = rest.Length > 0 && rest[0] is '"' or '\'' or '`' ? rest[0] : '\0';
            var lastLine = i;
            string tail;
            if (quote != '\0')
            {
                var close = FindClosingQuote(rest, 1, quote);
                var joined = rest;
                while (close < 0 && lastLine + 1 < lines.Count)
                {
                    lastLine++;
                    var offset = joined.Length + 1;
                    joined = joined + "\n" + lines[lastLine].Content;
                    close = FindClosingQuote(joined, offset, quote);
                }

                // An unterminated quote swallows the rest of the file in most parsers; keep what follows it untouched.
                tail = close < 0 ? string.Empty : joined[(close + 1)..];
                if (tail.Contains('\n'))
                {
                    tail = tail[..tail.IndexOf('\n')];
                }
            }
            else
            {
                var comment = InlineComment().Match(rest);
                tail = comment.Success ? rest[comment.Index..] : string.Empty;
            }

            if (!string.Equals(match.Groups["key"].Value, key, StringComparison.Ordinal))
            {
                for (var j = i; j <= lastLine; j++)
                {
                    output.Append(lines[j].Content).Append(lines[j].Ending);
                }

                i = lastLine;
                continue;
            }

            found = true;
            output.Append(content, 0, restStart)
                .Append(Format(value, quote))
                .Append(tail)
                .Append(lines[lastLine].Ending);
            i = lastLine;
        }

        if (!found)
        {
            if (output.Length > 0 && lines[^1].Ending.Length == 0)
            {
                output.Append(newline);
            }

            output.Append(key).Append('=').Append(Format(value, '\0')).Append(newline);
        }

        return output.ToString();
    }

    /// <summary>
    /// Formats a value for a dotenv file and a POSIX shell alike: bare when it only has safe characters and the line
    /// was bare, single quotes (literal everywhere) when it needs quoting, double quotes with backslash escapes only when
    /// it holds a single quote. A line that used double quotes keeps them.
    /// </summary>
    internal static string Format(string value, char previousQuote)
    {
        var safe = value.Length > 0 && SafeBare().IsMatch(value);
        if (previousQuote == '"' || (value.Contains('\'') && !safe))
        {
            var escaped = new StringBuilder(value.Length + 2).Append('"');
            foreach (var c in value)
            {
                _ = c switch
                {
                    '\\' or '"' or '$' or '`' => escaped.Append('\\').Append(c),
                    '\n' => escaped.Append("\\n"),
                    '\r' => escaped.Append("\\r"),
                    _ => escaped.Append(c),
                };
            }

            return escaped.Append('"').ToString();
        }

        if (previousQuote == '\'' || !safe)
        {
            return $"'{value}'";
        }

        return value;
    }

    private static int FindClosingQuote(string text, int start, char quote)
    {
        for (var i = start; i < text.Length; i++)
        {
            if (quote == '"' && text[i] == '\\')
            {
                i++;
                continue;
            }

            if (text[i] == quote)
            {
                return i;
            }
        }

        return -1;
    }

    private static List<(string Content, string Ending)> SplitLines(string text)
    {
        var lines = new List<(string, string)>();
        var start = 0;
        while (start < text.Length)
        {
            var lf = text.IndexOf('\n', start);
            if (lf < 0)
            {
                lines.Add((text[start..], string.Empty));
                break;
            }

            var contentEnd = lf > start && text[lf - 1] == '\r' ? lf - 1 : lf;
            lines.Add((text[start..contentEnd], text[contentEnd..(lf + 1)]));
            start = lf + 1;
        }

        return lines;
    }

    // KEY=value, optionally indented, optionally "export KEY=value", spaces allowed around '='.
    [GeneratedRegex(@"^(?<lead>[ \t]*)(?<export>export[ \t]+)?(?<key>[A-Za-z_][A-Za-z0-9_.\-]*)[ \t]*=[ \t]*(?<rest>.*)$")]
    private static partial Regex Assignment();

    // In a bare value, '#' after whitespace starts a comment (dotenv and shell agree on that).
    [GeneratedRegex(@"[ \t]+#")]
    private static partial Regex InlineComment();

    // Characters that need no quoting in a dotenv file nor in a POSIX shell that sources it.
    [GeneratedRegex(@"^[A-Za-z0-9_\-.:/+=@,%^~]+$")]
    private static partial Regex SafeBare();
}
