using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using HealthGateway.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace HealthGateway.Integration.Tests.Documentation;

/// <summary>
/// Docs are code: every <c>bash</c>/<c>sh</c> block of README.md and docs/*.md is pasted, in order, into one bash per
/// document (so variables carry from block to block, as in a reader's terminal) against <c>./run-local.sh</c>'s gateway
/// and units. Every HTTP call must succeed, or answer the status of the <c>http</c> block shown right below it. A block
/// that cannot run here (it starts servers, or takes minutes) says so with <c>&lt;!-- not run: tested by X --&gt;</c>,
/// where X is the test class or CI step that runs it instead. The only change made to what the reader sees: the
/// demo's port 5080 becomes this run's port (and <c>HGW_GATEWAY</c> points hgw at it).
/// </summary>
public sealed partial class DocumentedCommandTests(LocalDemo demo, ITestOutputHelper output) : IClassFixture<LocalDemo>
{
    public static TheoryData<string> Documents()
    {
        var documents = new TheoryData<string>();
        foreach (var path in MarkdownFiles())
            if (ShellBlock.Read(path, File.ReadAllText(Path.Combine(RepoPaths.Root, path))).Count > 0) documents.Add(path);
        return documents;
    }

    private static IEnumerable<string> MarkdownFiles() =>
        Directory.GetFiles(Path.Combine(RepoPaths.Root, "docs"), "*.md", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(RepoPaths.Root, p)).Prepend("README.md").Order(StringComparer.Ordinal);

    [Fact]
    public void The_docs_have_commands_to_run() =>
        Assert.True(Documents().Count >= 5, "README.md and docs/*.md lost their shell examples?");

    [Fact]
    public void A_block_that_is_not_run_names_the_test_that_runs_it_instead()
    {
        var testClasses = typeof(DocumentedCommandTests).Assembly.GetTypes().Select(t => t.Name).ToHashSet();
        foreach (var document in MarkdownFiles())
        foreach (var block in ShellBlock.Read(document, File.ReadAllText(Path.Combine(RepoPaths.Root, document))).Where(b => b.NotRunReason is not null))
        {
            var named = TestedBy().Match(block.NotRunReason!);
            Assert.True(named.Success, $"{block}: say 'tested by <test class or .ci/run>' in the not-run marker");
            var by = named.Groups[1].Value;
            Assert.True(by == ".ci/run" || testClasses.Contains(by), $"{block}: '{by}' is neither a test class here nor .ci/run");
        }
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public async Task Every_command_in_the_document_runs_against_the_local_demo(string document)
    {
        var blocks = ShellBlock.Read(document, await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, document)));
        var runnable = blocks.Where(b => b.NotRunReason is null).ToList();
        Assert.All(runnable.Where(b => b.IsTranscript), b => Assert.True(b.ExpectedExit is not null, $"{b}: a transcript ends with its (exit N), or is marked not run"));
        if (runnable.Count == 0) return;

        var script = new StringBuilder("""
            set -euo pipefail
            shopt -s expand_aliases   # as in an interactive shell: transcripts use the docs' `alias hgw=...`
            # Every HTTP call reports its status on stderr, tagged with the block it belongs to; streams (-N) end after 5 s.
            curl() {
              local limit=30 code=0 arg
              for arg in "$@"; do [[ "$arg" == -N || "$arg" == --no-buffer ]] && limit=5; done
              command curl --max-time "$limit" -w "%{stderr}@@status $BLOCK %{http_code}\n" "$@" || code=$?
              if [[ $code == 28 && $limit == 5 ]]; then code=0; fi
              return $code
            }

            """);
        for (var i = 0; i < runnable.Count; i++)
        {
            script.Append($"BLOCK={i}\necho \"@@block {runnable[i]}\" >&2\n");
            if (!runnable[i].IsTranscript) script.Append(WithPort(runnable[i].Text)).Append('\n');
            else script.Append($"set +e\n{WithPort(runnable[i].Text)}\necho \"@@exit $BLOCK $?\" >&2\nset -e\n");
        }
        script.Append("echo '@@done' >&2\n");

        var (exitCode, stdout, stderr) = await BashAsync(script.ToString());
        output.WriteLine(stdout);
        output.WriteLine(stderr);
        var lastBlock = StartedBlock().Matches(stderr).LastOrDefault()?.Groups[1].Value ?? "(none)";
        Assert.True(exitCode == 0 && stderr.Contains("@@done"), $"{document}: the commands failed (exit {exitCode}) in block {lastBlock}; output above");

        var exits = ExitReport().Matches(stderr).ToDictionary(m => int.Parse(m.Groups[1].Value), m => int.Parse(m.Groups[2].Value));
        for (var i = 0; i < runnable.Count; i++)
        {
            if (runnable[i].ExpectedExit is not { } expectedExit) continue;
            Assert.True(exits.TryGetValue(i, out var exit), $"{runnable[i]}: did not run");
            Assert.True(exit == expectedExit, $"{runnable[i]}: `{runnable[i].Text}` documented (exit {expectedExit}), exited {exit}");
        }

        var statuses = StatusReport().Matches(stderr).Select(m => (Block: int.Parse(m.Groups[1].Value), Status: int.Parse(m.Groups[2].Value))).ToList();
        for (var i = 0; i < runnable.Count; i++)
        {
            if (runnable[i].IsTranscript) continue; // a transcript's answer is its exit code
            var ofBlock = statuses.Where(s => s.Block == i).Select(s => s.Status).ToList();
            var expectedLast = runnable[i].ExpectedStatus;
            if (expectedLast is not null)
            {
                Assert.True(ofBlock.Count > 0, $"{runnable[i]}: shows a response but made no HTTP call");
                Assert.True(ofBlock[^1] == expectedLast, $"{runnable[i]}: documented {expectedLast}, answered {ofBlock[^1]}");
                ofBlock.RemoveAt(ofBlock.Count - 1);
            }
            Assert.True(ofBlock.All(s => s is >= 200 and < 300), $"{runnable[i]}: an HTTP call answered {string.Join(", ", ofBlock)}");
        }
    }

    private string WithPort(string text) =>
        text.Replace("127.0.0.1:5080", $"127.0.0.1:{demo.Port}", StringComparison.Ordinal)
            .Replace("localhost:5080", $"localhost:{demo.Port}", StringComparison.Ordinal);

    private async Task<(int ExitCode, string Stdout, string Stderr)> BashAsync(string script)
    {
        // From a file, not stdin: a pasted command that reads stdin must not swallow the rest of the script.
        var file = Path.Combine(demo.ReaderDirectory, "..", $"doc-{Guid.NewGuid():N}.sh");
        await File.WriteAllTextAsync(file, script);
        var start = new ProcessStartInfo("bash", [file]) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = demo.ReaderDirectory };
        start.Environment["HGW_GATEWAY"] = $"http://127.0.0.1:{demo.Port}";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException) { process.Kill(entireProcessTree: true); }
        return (process.HasExited ? process.ExitCode : -1, await stdout, await stderr);
    }

    [GeneratedRegex(@"tested by (\.ci/run|\w+)")]
    private static partial Regex TestedBy();

    [GeneratedRegex(@"^@@block (\S+)$", RegexOptions.Multiline)]
    private static partial Regex StartedBlock();

    [GeneratedRegex(@"^@@exit (\d+) (\d+)$", RegexOptions.Multiline)]
    private static partial Regex ExitReport();

    [GeneratedRegex(@"^@@status (\d+) (\d{3})$", RegexOptions.Multiline)]
    private static partial Regex StatusReport();
}
