using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using HealthGateway.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace HealthGateway.Integration.Tests.Clustering;

/// <summary>
/// <c>scripts/cluster.sh</c>, the documented way to run the scale-out topology as plain processes, as a new user tries
/// it (issue #16, item 3): <c>start</c> (three gateways on PostgreSQL, the connection string handed over whole in
/// <c>HGW_POSTGRES</c>, four units), every unit's patients read through each of the three nodes, then <c>kill 1</c>
/// (<c>kill -9</c>). Every unit knows all three addresses, so the units that were on node 1 fail over and every unit's
/// patients are readable through nodes 2 and 3 again without node 1 coming back; <c>status</c> shows it down and
/// <c>stop</c> takes the rest down gracefully. The time from the kill to the last such read is reported and bounded
/// (issue #16's target is 20 s; the assertion allows twice that for a loaded 2-core CI box, docs/adr/0021).
/// One cluster for the whole story: each start is three gateway and four unit processes on two cores.
/// </summary>
[Collection(ClusterFaultCollection.Name)]
public sealed class ClusterFailoverScriptTests(ITestOutputHelper output) : IAsyncLifetime
{
    // Units 1 and 4 have node 1 as their home (unit N: node ((N-1) mod 3)+1).
    private static readonly string[] Units = ["unit-1", "unit-2", "unit-3", "unit-4"];
    // With the production cluster settings (hocon/cluster.hocon, ADR 21) node 1's units came back in 16-18 s on the loaded
    // 2-core machine (40 s with the former ones); the bound is generous, the figure is what the report carries.
    private static readonly TimeSpan FailoverTarget = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan FailoverBound = 2 * FailoverTarget;
    private readonly TempDirectory _temp = new();
    private PostgresTestDatabase _database = null!;
    private Dictionary<string, string> _environment = null!;
    private int _httpBase;

    public async Task InitializeAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        _httpBase = FreePort.Block(3);
        _environment = new Dictionary<string, string>
        {
            ["HGW_POSTGRES"] = _database.ConnectionString,
            ["UNITS"] = Units.Length.ToString(), ["PATIENTS"] = "3",
            ["HTTP_BASE"] = _httpBase.ToString(), ["REMOTE_BASE"] = FreePort.Block(3).ToString(),
            ["CLUSTER_DIR"] = _temp.Sub("cluster"), ["NO_BUILD"] = "1", ["CONFIG"] = RepoPaths.Configuration,
        };
    }

    public async Task DisposeAsync()
    {
        // Always: whatever the test did, no gateway or unit outlives it.
        var (_, stopped) = await ClusterScript.RunAsync(_environment, "stop");
        output.WriteLine(stopped);
        await _database.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task After_kill_1_the_units_on_node_1_fail_over_and_every_units_patients_are_readable_through_nodes_2_and_3()
    {
        var (started, log) = await ClusterScript.RunAsync(_environment, "start");
        output.WriteLine(log);
        Assert.True(started == 0, $"cluster.sh start failed:\n{log}");
        Assert.Contains($"unit-1 -> gateways {Node(1)};{Node(2)};{Node(3)}", log);
        Assert.Contains($"unit-2 -> gateways {Node(2)};{Node(3)};{Node(1)}", log);

        // Short: a read routed to the dead node's session hangs until the gateway's read timeout, and a long client
        // timeout would add that wait to the measured figure.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        var patients = new List<(string Unit, string Patient, string Token)>();
        foreach (var unit in Units) patients.Add(await FirstPatientAsync(unit));
        await Eventually.AssertAsync(() => AllReadableAsync(http, patients, [1, 2, 3]), TimeSpan.FromMinutes(2));

        // Which units are on node 1 now (a unit turned away at start may already have moved on).
        var onNodeOne = Units.Where(unit => CurrentGateway(unit) == Node(1)).ToList();
        Assert.True(onNodeOne.Count > 0, "no unit is on node 1 before the kill:\n" + string.Join("\n", Units.Select(UnitLog)));

        var sinceKill = Stopwatch.StartNew();
        var (killed, killLog) = await ClusterScript.RunAsync(_environment, "kill", "1");
        output.WriteLine(killLog);
        Assert.Equal(0, killed);

        await Eventually.AssertAsync(() => AllReadableAsync(http, patients, [2, 3]), TimeSpan.FromMinutes(3));
        var reattached = sinceKill.Elapsed;
        // The figure goes to the report whether or not it holds the bound.
        var figure = $"[fault] cluster.sh kill 1: every unit's patients readable through nodes 2 and 3 again {reattached.TotalSeconds:F1}s "
                     + $"after the kill ({onNodeOne.Count} of {Units.Length} units were on node 1; target {FailoverTarget.TotalSeconds:F0}s, "
                     + $"asserted bound {FailoverBound.TotalSeconds:F0}s)";
        FaultReport.Append(output, figure);
        Assert.True(reattached <= FailoverBound, $"node 1's units came back {reattached.TotalSeconds:F1}s after the kill, over {FailoverBound.TotalSeconds:F0}s");

        // Node 1 never came back: its units settle on node 2 or 3, and their logs say so. (Eventually: a unit may
        // still be moved once more, e.g. superseded by an attach the gateway repeated for its connection to the
        // other survivor that had given up.)
        foreach (var unit in onNodeOne)
        {
            await Eventually.AssertAsync(() =>
            {
                Assert.Contains(CurrentGateway(unit), new[] { Node(2), Node(3) });
                return Task.CompletedTask;
            }, TimeSpan.FromMinutes(1));
            output.WriteLine($"--- {unit}.log ---\n{UnitLog(unit)}");
        }
        var (_, status) = await ClusterScript.RunAsync(_environment, "status");
        output.WriteLine(status);
        Assert.Contains("gateway-1 (pid", status);
        Assert.Contains("down", status.Split('\n').Single(l => l.StartsWith("gateway-1", StringComparison.Ordinal)));

        var (stopped, stopLog) = await ClusterScript.RunAsync(_environment, "stop");
        output.WriteLine(stopLog);
        Assert.True(stopped == 0, $"cluster.sh stop failed:\n{stopLog}");
        Assert.Contains("gateway-2 stopped", stopLog);
        Assert.Contains("gateway-3 stopped", stopLog);
        Assert.Contains("not started", (await ClusterScript.RunAsync(_environment, "status")).Output);
    }

    private string Node(int node) => $"ws://127.0.0.1:{_httpBase + node - 1}";

    private async Task<(string Unit, string Patient, string Token)> FirstPatientAsync(string unit)
    {
        var patient = "";
        await Eventually.AssertAsync(async () =>
        {
            patient = (await ClusterScript.RunProcessAsync("dotnet", [RepoPaths.UnitNodeDll, "list-patients", "--Unit:Id", unit,
                "--Unit:DataDirectory", Path.Combine(_environment["CLUSTER_DIR"], "units"), "--limit", "1"])).Output.Trim();
            Assert.StartsWith("p-", patient);
        }, TimeSpan.FromMinutes(1));
        var token = (await ClusterScript.RunProcessAsync("dotnet", [RepoPaths.GatewayDll, "mint-token", "--Gateway:DataDirectory",
            Path.Combine(_environment["CLUSTER_DIR"], "gateway"), "--role", "patient", "--sub", patient])).Output.Trim();
        return (unit, patient, token);
    }

    /// <summary>Every patient's appointments answer 200 through each of <paramref name="nodes"/> (all asked at once, so one
    /// slow answer does not delay noticing the others).</summary>
    private async Task AllReadableAsync(HttpClient http, IEnumerable<(string Unit, string Patient, string Token)> patients, int[] nodes)
    {
        var reads = patients.SelectMany(p => nodes.Select(node => ReadAsync(http, p, node))).ToList();
        var failures = (await Task.WhenAll(reads)).Where(failure => failure is not null).ToList();
        Assert.True(failures.Count == 0, string.Join("; ", failures));
    }

    /// <summary>Null when the read answered 200, else what it answered.</summary>
    private async Task<string?> ReadAsync(HttpClient http, (string Unit, string Patient, string Token) target, int node)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Node(node).Replace("ws://", "http://")}/api/v1/patients/{target.Patient}/appointments");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", target.Token);
        try
        {
            using var response = await http.SendAsync(request);
            return response.StatusCode == HttpStatusCode.OK ? null : $"{target.Unit}'s patient through node {node}: {(int)response.StatusCode}";
        }
        catch (TaskCanceledException)
        {
            return $"{target.Unit}'s patient through node {node}: no answer within {http.Timeout.TotalSeconds:F0}s";
        }
    }

    /// <summary>The gateway of the unit's current session, from its log: the last "connected to" that a welcome followed.</summary>
    private string? CurrentGateway(string unit)
    {
        var lines = UnitLog(unit).Split('\n');
        var connected = Array.FindLastIndex(lines, l => l.Contains($"Unit {unit}: connected to ", StringComparison.Ordinal));
        if (connected < 0) return null;
        var rest = lines.Skip(connected + 1).ToList();
        if (!rest.Any(l => l.Contains("welcomed by the gateway", StringComparison.Ordinal))
            || rest.Any(l => l.Contains($"Unit {unit}: session with ", StringComparison.Ordinal))) return null;
        var url = lines[connected][(lines[connected].IndexOf("connected to ", StringComparison.Ordinal) + "connected to ".Length)..].Trim();
        return url.EndsWith("/ws/units", StringComparison.Ordinal) ? url[..^"/ws/units".Length] : url;
    }

    private string UnitLog(string unit)
    {
        var path = Path.Combine(_environment["CLUSTER_DIR"], "logs", $"{unit}.log");
        // The unit still writes to it: open it shared.
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd();
    }
}
