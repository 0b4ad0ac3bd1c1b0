using System.Net;
using System.Net.Http.Headers;
using HealthGateway.Integration.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace HealthGateway.Integration.Tests.Clustering;

/// <summary>
/// <c>scripts/cluster.sh</c>, the documented way to run the scale-out topology as plain processes, run as an
/// operator would: three gateways on PostgreSQL and three units; reads through every node; one node killed with
/// <c>kill -9</c> and the other two carry on; a graceful stop.
/// </summary>
[Collection(ClusterFaultCollection.Name)]
public sealed class ClusterScriptTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private PostgresTestDatabase _database = null!;
    private Dictionary<string, string> _environment = null!;
    private int _httpBase;

    public async Task InitializeAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        var server = new NpgsqlConnectionStringBuilder(_database.ConnectionString);
        _httpBase = FreePort.Block(3);
        _environment = new Dictionary<string, string>
        {
            ["PGHOST"] = server.Host!, ["PGPORT"] = server.Port.ToString(), ["PGUSER"] = server.Username!,
            ["PGPASSWORD"] = server.Password!, ["PGDATABASE"] = _database.Name,
            ["UNITS"] = "3", ["PATIENTS"] = "5",
            ["HTTP_BASE"] = _httpBase.ToString(), ["REMOTE_BASE"] = FreePort.Block(3).ToString(),
            ["CLUSTER_DIR"] = _temp.Sub("cluster"), ["NO_BUILD"] = "1", ["CONFIG"] = RepoPaths.Configuration,
        };
    }

    public async Task DisposeAsync()
    {
        var (_, stopped) = await ScriptAsync("stop");
        output.WriteLine(stopped);
        await _database.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task The_script_starts_three_gateways_and_units_on_PostgreSQL_and_the_cluster_survives_a_kill_9()
    {
        var (started, log) = await ScriptAsync("start");
        output.WriteLine(log);
        Assert.True(started == 0, $"cluster.sh start failed:\n{log}");

        // unit-1 connects to gateway 1; its patient is read through each of the three nodes.
        // The script returns once the units are launched; unit-1 seeds its patients as it starts.
        var patient = "";
        await Eventually.AssertAsync(async () =>
        {
            patient = (await RunAsync("dotnet", [RepoPaths.UnitNodeDll, "list-patients", "--Unit:Id", "unit-1",
                "--Unit:DataDirectory", Path.Combine(_environment["CLUSTER_DIR"], "units"), "--limit", "1"])).Output.Trim();
            Assert.StartsWith("p-", patient);
        }, TimeSpan.FromMinutes(1));
        var token = (await RunAsync("dotnet", [RepoPaths.GatewayDll, "mint-token", "--Gateway:DataDirectory",
            Path.Combine(_environment["CLUSTER_DIR"], "gateway"), "--role", "patient", "--sub", patient])).Output.Trim();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        foreach (var node in new[] { 0, 1, 2 }) await ReadsThroughAsync(http, node, patient);

        var (killed, killLog) = await ScriptAsync("kill", "2");
        output.WriteLine(killLog);
        Assert.Equal(0, killed);

        // The survivors down the dead node and the patient's session (wherever it lived) answers through both.
        foreach (var node in new[] { 0, 2 }) await ReadsThroughAsync(http, node, patient);
        var (_, status) = await ScriptAsync("status");
        output.WriteLine(status);
        Assert.Contains("gateway-2 (pid", status);
        Assert.Contains("down", status.Split('\n').Single(l => l.StartsWith("gateway-2", StringComparison.Ordinal)));
    }

    private Task ReadsThroughAsync(HttpClient http, int node, string patient) =>
        Eventually.AssertAsync(async () =>
        {
            var response = await http.GetAsync($"http://127.0.0.1:{_httpBase + node}/api/v1/patients/{patient}/appointments");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }, TimeSpan.FromMinutes(1));

    private Task<(int ExitCode, string Output)> ScriptAsync(params string[] args) => ClusterScript.RunAsync(_environment, args);

    private static Task<(int ExitCode, string Output, string Errors)> RunAsync(string file, IEnumerable<string> args) =>
        ClusterScript.RunProcessAsync(file, args);
}
