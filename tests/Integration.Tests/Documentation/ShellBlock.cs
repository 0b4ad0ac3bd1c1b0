using System.Text.RegularExpressions;

namespace HealthGateway.Integration.Tests.Documentation;

/// <summary>
/// What a reader would paste into a terminal from a markdown document: a <c>bash</c>/<c>sh</c> code block, or the
/// command of a <c>text</c> transcript (<c>$ hgw ...</c>, its output, then <c>(exit N)</c>: <see cref="ExpectedExit"/>).
/// <see cref="NotRunReason"/> comes from a <c>&lt;!-- not run: ... --&gt;</c> line right above the block;
/// <see cref="ExpectedStatus"/> from an <c>http</c> block right below it (the documented response).
/// </summary>
public sealed partial record ShellBlock(string Document, int Line, string Text, string? NotRunReason, int? ExpectedStatus, bool IsTranscript = false, int? ExpectedExit = null)
{
    public override string ToString() => $"{Document}:{Line}";

    public static IReadOnlyList<ShellBlock> Read(string document, string markdown)
    {
        var lines = markdown.ReplaceLineEndings("\n").Split('\n');
        var blocks = new List<ShellBlock>();
        for (var i = 0; i < lines.Length; i++)
        {
            var transcript = lines[i] == "```text" && i + 1 < lines.Length && lines[i + 1].StartsWith("$ ", StringComparison.Ordinal);
            if (lines[i] is not ("```bash" or "```sh") && !transcript) continue;
            var start = i;
            var end = Array.IndexOf(lines, "```", start + 1);
            if (end < 0) throw new FormatException($"{document}:{start + 1}: the code block is not closed");
            var above = lines.Take(start).LastOrDefault(l => l.Trim().Length > 0) ?? "";
            var notRun = NotRunMarker().Match(above);
            if (transcript)
            {
                var exit = lines[(start + 1)..end].Select(l => ExitLine().Match(l)).LastOrDefault(m => m.Success);
                blocks.Add(new ShellBlock(document, start + 1, lines[start + 1][2..], notRun.Success ? notRun.Groups[1].Value.Trim() : null,
                    null, IsTranscript: true, exit is null ? null : int.Parse(exit.Groups[1].Value)));
                i = end;
                continue;
            }
            int? expected = null;
            if (end + 2 < lines.Length && lines[end + 1] == "```http" && StatusLine().Match(lines[end + 2]) is { Success: true } status)
                expected = int.Parse(status.Groups[1].Value);
            blocks.Add(new ShellBlock(document, start + 1, string.Join('\n', lines[(start + 1)..end]),
                notRun.Success ? notRun.Groups[1].Value.Trim() : null, expected));
            i = end;
        }
        return blocks;
    }

    [GeneratedRegex(@"^<!-- not run: (.+) -->$")]
    private static partial Regex NotRunMarker();

    [GeneratedRegex(@"^\(exit (\d+)\)$")]
    private static partial Regex ExitLine();

    [GeneratedRegex(@"^HTTP/\S+ (\d{3})")]
    private static partial Regex StatusLine();
}
