namespace HealthGateway.Gateway.Tests.Architecture;

/// <summary>
/// The folders of <c>src/Gateway</c> depend on each other one way only (docs/architecture.md, "Allowed arrows"):
/// a pair that uses each other in both directions is one knot, not two parts.
/// </summary>
public sealed class FolderDependencyTests
{
    /// <summary>The shared HTTP plumbing: problem+json, headers, OpenAPI machinery. It uses no other folder.</summary>
    private const string HttpPlumbing = "Http";

    /// <summary>
    /// Pairs allowed to go both ways for now, each with why. Empty since the Units wing (issue 13): the session and its
    /// connection exchange the records of <c>Units/Messages</c> and Connection uses Session one way. The list may only
    /// shrink: an exception that is no longer a cycle fails the test, so delete its line.
    /// </summary>
    private static readonly (string A, string B, string Why)[] KnownCycles = [];

    private static readonly Lazy<FolderDependencyScanner> Scanner = new(() => FolderDependencyScanner.FromDirectory(GatewaySourceDirectory()));

    [Fact]
    public void No_two_folders_depend_on_each_other_except_the_known_unit_path_cycles()
    {
        var cycles = Cycles(Scanner.Value.Dependencies());
        var known = KnownCycles.Select(k => Ordered(k.A, k.B)).ToHashSet();

        var unexpected = cycles.Where(c => !known.Contains((c.A, c.B))).Select(c => c.Description).ToList();
        var stale = known.Where(k => !cycles.Any(c => (c.A, c.B) == k)).Select(k => $"{k.Item1}<->{k.Item2} is no longer a cycle: remove it from {nameof(KnownCycles)}").ToList();

        Assert.True(unexpected.Count == 0 && stale.Count == 0,
            string.Join(Environment.NewLine, unexpected.Select(u => "folders depend on each other: " + u).Concat(stale)));
    }

    [Fact]
    public void The_http_plumbing_uses_no_other_folder()
    {
        var dependencies = Scanner.Value.Dependencies();
        Assert.Contains(Scanner.Value.Files, f => f.Folder == HttpPlumbing);
        var used = dependencies.TryGetValue(HttpPlumbing, out var targets)
            ? targets.Select(t => $"{HttpPlumbing} uses {t.Key} in {string.Join(", ", t.Value)}")
            : [];
        Assert.Empty(used);
    }

    [Fact]
    public void Every_file_declares_its_folders_namespace()
    {
        // The folder of a file stands for its namespace: the scan is only as true as this.
        Assert.Empty(Scanner.Value.MisplacedFiles());
    }

    [Fact]
    public void The_scan_sees_the_gateway_folders_and_their_known_arrows()
    {
        // Guards the scan itself against reading nothing (a wrong path, a changed layout) and passing vacuously.
        var dependencies = Scanner.Value.Dependencies();
        Assert.True(Scanner.Value.Files.Count > 100, $"only {Scanner.Value.Files.Count} files found");
        Assert.Contains("Auth", dependencies["Api"].Keys);
        Assert.Contains("Storage", dependencies["Audit"].Keys);
        Assert.Contains("Units/Messages", dependencies["Units/Connection"].Keys);
        Assert.Contains("Units/Messages", dependencies["Units/Session"].Keys);
        Assert.DoesNotContain("Units/Messages", dependencies.Keys);
    }

    internal sealed record Cycle(string A, string B, string Description);

    /// <summary>Every pair using each other, named with one file on each side.</summary>
    internal static List<Cycle> Cycles(IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyList<string>>> dependencies) =>
        (from source in dependencies
         from target in source.Value
         where string.CompareOrdinal(source.Key, target.Key) < 0
               && dependencies.TryGetValue(target.Key, out var back) && back.ContainsKey(source.Key)
         select new Cycle(source.Key, target.Key,
             $"{source.Key}<->{target.Key} ({target.Value[0]} uses {target.Key}; {dependencies[target.Key][source.Key][0]} uses {source.Key})"))
        .ToList();

    private static (string, string) Ordered(string a, string b) => string.CompareOrdinal(a, b) < 0 ? (a, b) : (b, a);

    private static string GatewaySourceDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Akka.sln"))) return Path.Combine(directory.FullName, "src", "Gateway");
        }
        throw new InvalidOperationException($"no Akka.sln above {AppContext.BaseDirectory}");
    }
}
