using System.Net;
using Akka.Actor;
using HealthGateway.Gateway.Units.Messages;
using System.Text.Json;
using HealthGateway.Integration.Tests.Infrastructure;

namespace HealthGateway.Integration.Tests;

/// <summary>The <c>hgw</c> verbs against a running two-node cluster: output and exit codes.</summary>
public sealed class OpsCliTests(TwoGatewayCluster cluster) : IClassFixture<TwoGatewayCluster>
{
    private GatewayNode A => cluster.NodeA;
    private GatewayNode B => cluster.NodeB;

    private Task<Hgw.Result> HgwAsync(GatewayNode via, params string[] args) => Hgw.RunAsync(via, via.AdminToken(), args);

    private static JsonElement Json(Hgw.Result result)
    {
        Assert.Equal(0, result.ExitCode);
        return JsonDocument.Parse(result.Output).RootElement.Clone();
    }

    private static DateTimeOffset Slot(int n) => new DateTimeOffset(DateTime.UtcNow.Date.AddDays(40), TimeSpan.Zero).AddHours(n);

    [Fact]
    public async Task Cluster_show_lists_both_members_up_with_a_leader()
    {
        var table = await HgwAsync(B, "cluster", "show");
        Assert.Equal(0, table.ExitCode);
        foreach (var node in new[] { A, B })
            Assert.Matches($@"{Escape(node.ClusterAddress)}\s*│\s*Up\s*│\s*yes\s*│\s*gateway", table.Output);
        Assert.Contains("leader", table.Output);

        var view = Json(await HgwAsync(A, "cluster", "show", "--json"));
        Assert.Equal(A.ClusterAddress, view.GetProperty("self").GetString());
        var members = view.GetProperty("members").EnumerateArray().ToList();
        Assert.Equal(new[] { A.ClusterAddress, B.ClusterAddress }.Order(StringComparer.Ordinal), members.Select(m => m.GetProperty("address").GetString()!).Order(StringComparer.Ordinal));
        Assert.All(members, m => Assert.Equal("Up", m.GetProperty("status").GetString()));
        Assert.Equal([1, 2], members.Select(m => m.GetProperty("upNumber").GetInt32()).Order());
        Assert.Empty(view.GetProperty("unreachable").EnumerateArray());
    }

    [Fact]
    public async Task Sharding_regions_and_region_stats_show_the_unit_session_region_on_both_nodes()
    {
        // Wake a few sessions so shards exist (each placed on one of the nodes).
        foreach (var i in Enumerable.Range(0, 6))
            await A.Region.Ask<Gateway.Units.Messages.UnitSessionReplies.SessionStatus>(new Gateway.Units.Messages.UnitSessionCommands.GetStatus($"ops-shard-{i}"), TimeSpan.FromSeconds(10));

        var regions = await HgwAsync(A, "cluster", "sharding", "regions");
        Assert.Equal(0, regions.ExitCode);
        foreach (var node in new[] { A, B })
            Assert.Matches($@"unit-session\s*│\s*{Escape(node.ClusterAddress)}\s*│", regions.Output);

        var rows = Json(await HgwAsync(B, "cluster", "sharding", "regions", "--json")).EnumerateArray().ToList();
        Assert.Equal(2, rows.Count(r => r.GetProperty("typeName").GetString() == "unit-session"));
        Assert.True(rows.Sum(r => r.GetProperty("entities").GetInt32()) >= 6);

        var stats = await HgwAsync(B, "cluster", "sharding", "region-stats");
        Assert.Equal(0, stats.ExitCode);
        foreach (var node in new[] { A, B }) Assert.Contains(node.ClusterAddress, stats.Output);
        var perShard = Json(await HgwAsync(B, "cluster", "sharding", "region-stats", "--json")).EnumerateArray()
            .Sum(r => r.GetProperty("shards").EnumerateObject().Sum(s => s.Value.GetInt32()));
        Assert.True(perShard >= 6);
    }

    [Fact]
    public async Task Units_list_and_show_a_connected_unit_and_the_backlog_of_an_offline_one_and_operations_show_its_write()
    {
        // A unit whose patients the directory knows, then offline with one write waiting for it.
        var away = await UnitNodeHost.StartAsync("ops-away", cluster.UnitsDirectory, A.WebSocketBase, A.UnitToken("ops-away"), seedPatients: 2);
        var patientId = (await away.PatientIdsAsync())[0];
        var patientToken = A.PatientToken(patientId);
        await Eventually.AssertAsync(async () =>
            Assert.Equal(HttpStatusCode.OK, (await A.GetAsync($"/api/v1/patients/{patientId}/invoices", patientToken)).StatusCode));
        await away.DisposeAsync();
        await Eventually.AssertAsync(async () => Assert.Equal(HttpStatusCode.ServiceUnavailable,
            (await A.GetAsync($"/api/v1/patients/{patientId}/invoices", patientToken)).StatusCode));
        var write = await B.SendAsync(HttpMethod.Post, $"/api/v1/patients/{patientId}/appointments", patientToken,
            WriteClient.Booking(Slot(1)), prefer: "respond-async");
        Assert.Equal(HttpStatusCode.Accepted, write.StatusCode);
        var operationId = (await write.JsonAsync()).GetProperty("id").GetString()!;

        // A connected unit, its socket on node A.
        await using var live = await UnitNodeHost.StartAsync("ops-live", cluster.UnitsDirectory, A.WebSocketBase, A.UnitToken("ops-live"));
        await live.WaitConnectedAsync();

        await Eventually.AssertAsync(async () =>
        {
            var list = await HgwAsync(B, "units", "list");
            Assert.Equal(0, list.ExitCode);
            Assert.Matches($@"ops-live\s*│\s*yes\s*│\s*{Escape(A.ClusterAddress)}", list.Output);
            Assert.Matches(@"ops-away\s*│\s*no\s*│\s*-\s*│.*│\s*1\s*│", list.Output);

            var offline = Json(await HgwAsync(B, "units", "list", "--offline", "--backlog-over", "0", "--json")).EnumerateArray().ToList();
            var unit = Assert.Single(offline, u => u.GetProperty("unitId").GetString() == "ops-away");
            Assert.Equal(1, unit.GetProperty("backlog").GetInt32());
            Assert.Equal(1, unit.GetProperty("operations").GetProperty("queued").GetInt32());
            Assert.True(unit.GetProperty("oldestBufferedAgeSeconds").GetDouble() >= 0);
            Assert.DoesNotContain(offline, u => u.GetProperty("unitId").GetString() == "ops-live");
        }, TimeSpan.FromSeconds(30));

        var detail = Json(await HgwAsync(A, "units", "show", "ops-live", "--json"));
        Assert.True(detail.GetProperty("connected").GetBoolean());
        Assert.Equal(A.ClusterAddress, detail.GetProperty("node").GetString());
        Assert.Contains(detail.GetProperty("sessionNode").GetString(), new[] { A.ClusterAddress, B.ClusterAddress });
        Assert.False(string.IsNullOrEmpty(detail.GetProperty("shardId").GetString()));
        Assert.Equal("1", detail.GetProperty("protocolVersion").GetString());
        var shown = await HgwAsync(B, "units", "show", "ops-live");
        Assert.Equal(0, shown.ExitCode);
        Assert.Matches($@"Session node\s*│\s*{Escape(detail.GetProperty("sessionNode").GetString()!)}", shown.Output);
        Assert.Matches($@"Shard\s*│\s*{Escape(detail.GetProperty("shardId").GetString()!)}\s", shown.Output);

        // This admin holds no grant: the operation shows, its patient does not (OpsPatientDataTests has the granted case).
        var operation = await HgwAsync(A, "operations", "show", operationId);
        Assert.Equal(0, operation.ExitCode);
        Assert.Matches(@"Status\s*│\s*queued", operation.Output);
        Assert.Matches(@"Patient\s*│\s*\(withheld", operation.Output);
        Assert.DoesNotContain(patientId, operation.Output);
        var operationJson = Json(await HgwAsync(A, "operations", "show", operationId, "--json"));
        Assert.Equal("ops-away", operationJson.GetProperty("unitId").GetString());
        Assert.Equal("patient", operationJson.GetProperty("requesterRole").GetString());
        Assert.False(operationJson.TryGetProperty("requestedBy", out _));
        Assert.Equal(["patientId", "requestedBy"], operationJson.GetProperty("withheld").EnumerateArray().Select(e => e.GetString()!).Order());
    }

    [Fact]
    public async Task Unknown_units_and_operations_exit_3()
    {
        var unit = await HgwAsync(A, "units", "show", "no-such-unit");
        Assert.Equal(3, unit.ExitCode);
        Assert.Contains("Unit not found", unit.Output);

        Assert.Equal(3, (await HgwAsync(B, "operations", "show", "0123456789abcdef0123456789abcdef.no-such-unit")).ExitCode);
        Assert.Equal(3, (await HgwAsync(B, "operations", "show", "not-an-operation")).ExitCode);
    }

    [Fact]
    public async Task Units_tail_on_one_node_prints_a_unit_connecting_through_the_other()
    {
        var output = new Hgw.CapturedOutput();
        using var stop = new CancellationTokenSource();
        var tail = Hgw.RunAsync(B.BaseUrl.ToString(), B.AdminToken(), output, stop.Token, "units", "tail");

        // The subscription spreads through the cluster asymmetrically fast: connect until the event shows.
        await Eventually.AssertAsync(async () =>
        {
            var (client, _) = await RawUnitClient.AttachAsync(A.WebSocketBase, A.UnitToken("ops-tail"), "ops-tail");
            await client.DisposeAsync();
            Assert.Matches($@"unit-connected\s+ops-tail\s+node {Escape(A.ClusterAddress)}", output.ToString());
        }, TimeSpan.FromSeconds(30));

        stop.Cancel(); // Ctrl-C
        Assert.Equal(0, await tail.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Tail_with_count_stops_after_that_many_events_and_prints_json_lines()
    {
        var output = new Hgw.CapturedOutput();
        var tail = Hgw.RunAsync(A.BaseUrl.ToString(), A.AdminToken(), output, CancellationToken.None, "units", "tail", "--count", "1", "--json");
        await Eventually.AssertAsync(async () =>
        {
            var (client, _) = await RawUnitClient.AttachAsync(B.WebSocketBase, B.UnitToken("ops-count"), "ops-count");
            await client.DisposeAsync();
            Assert.True(tail.IsCompleted);
        }, TimeSpan.FromSeconds(30));
        Assert.Equal(0, await tail);
        var line = Assert.Single(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("unit-", JsonDocument.Parse(line).RootElement.GetProperty("type").GetString());
    }

    private static string Escape(string text) => System.Text.RegularExpressions.Regex.Escape(text);
}
