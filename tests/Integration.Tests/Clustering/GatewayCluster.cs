using System.Net;
using System.Text.RegularExpressions;
using HealthGateway.Gateway;
using HealthGateway.Gateway.Auth;
using HealthGateway.Gateway.Storage;
using HealthGateway.Integration.Tests.Infrastructure;

namespace HealthGateway.Integration.Tests.Clustering;

/// <summary>
/// The issue's topology as real processes on loopback: one PostgreSQL database (fresh per test, schema
/// applied once by the <c>schema apply</c> verb), N gateway processes in one Akka cluster (every node
/// a seed), and a TCP balancer in front of them for units. Failure handling is shortened for loopback
/// through <c>Gateway:Cluster:*</c> (production keeps hocon/cluster.hocon's values).
/// </summary>
public sealed partial class GatewayCluster : IAsyncDisposable
{
    private GatewayCluster(PostgresTestDatabase database, IReadOnlyList<GatewayProcess> nodes, string dataDirectory)
    {
        Database = database;
        Nodes = nodes;
        DataDirectory = dataDirectory;
        Balancer = new TcpBalancer(() => Nodes.Where(n => n.IsRunning).Select(n => n.Port).ToList());
    }

    public PostgresTestDatabase Database { get; }
    public IReadOnlyList<GatewayProcess> Nodes { get; }
    public TcpBalancer Balancer { get; }
    public string DataDirectory { get; }

    /// <summary>All nodes share one data directory, so one dev signing key signs for all of them.</summary>
    public TokenIssuer Tokens => Nodes[0].Tokens;

    public IEnumerable<GatewayProcess> Running => Nodes.Where(n => n.IsRunning);

    public static async Task<GatewayCluster> StartAsync(string directory, int size = 3, IDictionary<string, string>? settings = null)
    {
        var database = await PostgresTestDatabase.CreateAsync();
        Assert.Equal(0, await SchemaCommand.RunAsync(["apply", "--Gateway:Storage:Provider", "PostgreSql", "--ConnectionStrings:Gateway", database.ConnectionString], GatewayTables.All));

        var clusterPorts = Enumerable.Range(0, size).Select(_ => FreePort.Next()).ToArray();
        var nodes = clusterPorts.Select(port =>
        {
            var nodeSettings = new Dictionary<string, string>
            {
                ["Gateway:Storage:Provider"] = "PostgreSql",
                ["ConnectionStrings:Gateway"] = database.ConnectionString,
                ["Gateway:ClusterPort"] = port.ToString(),
                // Loopback, seconds: a dead node is downed ~5 s after it stops answering.
                ["Gateway:Cluster:StableAfter"] = "00:00:02",
                ["Gateway:Cluster:AcceptableHeartbeatPause"] = "00:00:03",
                // A write sent towards a node that just died waits this long before its 503 (default 15 s).
                ["Gateway:WriteAcceptTimeout"] = "00:00:05",
                // Where each unit's session runs is read from this log line (see SessionNodes).
                ["Logging:LogLevel:Akka"] = "Information",
            };
            for (var i = 0; i < clusterPorts.Length; i++) nodeSettings[$"Gateway:SeedNodes:{i}"] = $"akka.tcp://gateway@127.0.0.1:{clusterPorts[i]}";
            foreach (var (key, value) in settings ?? new Dictionary<string, string>()) nodeSettings[key] = value;
            return new GatewayProcess(directory, nodeSettings);
        }).ToList();

        var cluster = new GatewayCluster(database, nodes, directory);
        // The first seed forms the cluster (and creates the shared dev key); the others join it.
        await nodes[0].StartAsync();
        await Task.WhenAll(nodes.Skip(1).Select(n => n.StartAsync()));
        return cluster;
    }

    public string UnitToken(string unitId) => Tokens.Mint(Roles.Unit, unitId, TimeSpan.FromHours(2));
    public string PatientToken(string patientId) => Tokens.Mint(Roles.Patient, patientId, TimeSpan.FromHours(2));

    /// <summary>Node index hosting each unit's session, from the sessions' "attached" log lines (latest wins).</summary>
    public Dictionary<string, int> SessionNodes()
    {
        var located = new Dictionary<string, (int Node, int Line)>();
        for (var n = 0; n < Nodes.Count; n++)
        {
            var lines = Nodes[n].Output.Split('\n');
            for (var l = 0; l < lines.Length; l++)
            {
                var match = AttachedLine().Match(lines[l]);
                if (match.Success) located[match.Groups[1].Value] = (n, l);
            }
        }
        return located.ToDictionary(kv => kv.Key, kv => kv.Value.Node);
    }

    /// <summary>The split brain resolver's decisions, as logged by the running nodes.</summary>
    public IEnumerable<string> DowningDecisions() =>
        Running.SelectMany(n => n.Output.Split('\n')).Where(l => l.Contains("SBR took decision") || l.Contains("Marking node as UNREACHABLE"))
            .Select(l => l.Trim()).Distinct();

    [GeneratedRegex(@"unit (\S+): attached ")]
    private static partial Regex AttachedLine();

    /// <summary>A running node, rotating, for REST calls (a client's view of a load balancer).</summary>
    public GatewayProcess AnyRunning(int salt) => Running.ElementAt(Math.Abs(salt) % Running.Count());

    public async ValueTask DisposeAsync()
    {
        await Balancer.DisposeAsync();
        foreach (var node in Nodes) await node.DisposeAsync();
        await Database.DisposeAsync();
    }
}
