using System.Net;
using HealthGateway.Gateway;
using HealthGateway.Gateway.Audit;
using HealthGateway.Gateway.Routing;
using HealthGateway.Gateway.Storage;
using HealthGateway.Gateway.Units.Messages;
using HealthGateway.Integration.Tests.Infrastructure;
using HealthGateway.Protocol;
using HealthGateway.Protocol.Frames;

namespace HealthGateway.Integration.Tests.Clustering;

/// <summary>The gateway on PostgreSQL: the schema step, the patient directory, and the durable write path.</summary>
// With the cluster tests: one of them stops and restarts the PostgreSQL server every PostgreSQL test uses.
[Collection(ClusterFaultCollection.Name)]
public sealed class PostgreSqlStorageTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private PostgresTestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await PostgresTestDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        _temp.Dispose();
    }

    private string[] SchemaArgs => ["apply", "--Gateway:Storage:Provider", "PostgreSql", "--ConnectionStrings:Gateway", _database.ConnectionString];

    [Fact]
    public async Task Schema_apply_creates_every_table_once_and_a_second_run_changes_nothing()
    {
        Assert.Equal(0, await SchemaCommand.RunAsync(SchemaArgs, GatewayTables.All));
        const string tables = "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ('journal', 'snapshot', 'tags', 'patient_directory', 'patient_releases', 'patient_claims', 'audit_log')";
        Assert.Equal(7, await _database.CountAsync(tables));

        var store = new PatientDirectoryStore(new PostgreSqlDatabase(_database.ConnectionString));
        await store.ApplyAsync("unit-1", [Registered("p-1", 1000)], CancellationToken.None);

        Assert.Equal(0, await SchemaCommand.RunAsync(SchemaArgs, GatewayTables.All));
        Assert.Equal(7, await _database.CountAsync(tables));
        Assert.Equal("unit-1", await store.FindUnitAsync("p-1", CancellationToken.None)); // data kept
        Assert.Equal(1, await _database.CountAsync($"SELECT COUNT(*) FROM pg_indexes WHERE tablename = 'journal' AND indexname = '{JournalIndex.Name}'"));
    }

    [Fact]
    public async Task Schema_apply_fails_with_a_message_when_the_server_refuses()
    {
        var wrong = new Npgsql.NpgsqlConnectionStringBuilder(_database.ConnectionString) { Password = "wrong-password", Timeout = 5 };
        Assert.Equal(1, await SchemaCommand.RunAsync(["apply", "--Gateway:Storage:Provider", "PostgreSql", "--ConnectionStrings:Gateway", wrong.ConnectionString], GatewayTables.All));
    }

    [Fact]
    public async Task The_patient_directory_on_PostgreSQL_enforces_ownership_and_moves_patients_only_by_release()
    {
        Assert.Equal(0, await SchemaCommand.RunAsync(SchemaArgs, GatewayTables.All));
        await using var database = new PostgreSqlDatabase(_database.ConnectionString);
        var store = new PatientDirectoryStore(database);

        await store.ApplyAsync("unit-a", [Registered("p-1", 1000), Registered("p-2", 1000)], CancellationToken.None);
        // A later registration elsewhere, even with a newer unit clock, is a refused claim.
        var claim = await store.ApplyAsync("unit-b", [Registered("p-1", 9_999_999_999_999)], CancellationToken.None);
        Assert.Equal(EventRefusalCodes.NotOwner, claim.Single().RefusalCode);
        Assert.Equal("unit-a", claim.Single().HeldBy);
        Assert.Equal("unit-a", await store.FindUnitAsync("p-1", CancellationToken.None));

        // unit-b's refused registration is kept as a claim: the owner's release to unit-b completes the move at once.
        var release = await store.ApplyAsync("unit-a", [Released("p-1", "unit-b")], CancellationToken.None);
        Assert.Equal("unit-b", release.Single().TransferredTo);
        Assert.Equal("unit-b", await store.FindUnitAsync("p-1", CancellationToken.None));

        // The usual order, release first and registration after, on p-2 to unit-c.
        Assert.True((await store.ApplyAsync("unit-a", [Released("p-2", "unit-c")], CancellationToken.None)).Single().Accepted);
        Assert.Equal("unit-a", await store.FindUnitAsync("p-2", CancellationToken.None));
        var takeover = await store.ApplyAsync("unit-c", [Registered("p-2", 2000)], CancellationToken.None);
        Assert.Equal("unit-a", takeover.Single().TransferredFrom);
        Assert.Equal("unit-c", await store.FindUnitAsync("p-2", CancellationToken.None));

        // The old owner's news about the patient is now refused and changes nothing.
        var late = await store.ApplyAsync("unit-a", [Registered("p-1", 1500), Departed("p-1", 1500)], CancellationToken.None);
        Assert.All(late, v => Assert.Equal(EventRefusalCodes.NotOwner, v.RefusalCode));
        Assert.Equal("unit-b", await store.FindUnitAsync("p-1", CancellationToken.None));

        await store.ApplyAsync("unit-c", [Departed("p-2", 3000)], CancellationToken.None);
        Assert.Null(await store.FindUnitAsync("p-2", CancellationToken.None));
    }

    [Fact]
    public async Task A_gateway_on_PostgreSQL_routes_reads_and_makes_writes_durable_in_the_shared_journal()
    {
        Assert.Equal(0, await SchemaCommand.RunAsync(SchemaArgs, GatewayTables.All));
        await using var gateway = await GatewayNode.StartAsync(_temp.Sub("gw"), settings: PostgreSqlSettings(_database.ConnectionString));
        await using var unit = await UnitNodeHost.StartAsync("unit-pg", _temp.Sub("units"), gateway.WebSocketBase, gateway.UnitToken("unit-pg"), seedPatients: 3);
        await unit.WaitConnectedAsync();
        var patientId = (await unit.PatientIdsAsync())[0];
        var token = gateway.PatientToken(patientId);

        await Eventually.AssertAsync(async () =>
            Assert.Equal(HttpStatusCode.OK, (await gateway.GetAsync($"/api/v1/patients/{patientId}/appointments", token)).StatusCode));
        Assert.Equal(3, await _database.CountAsync("SELECT COUNT(*) FROM patient_directory WHERE unit_id = 'unit-pg'"));

        var booked = await gateway.SendAsync(HttpMethod.Post, $"/api/v1/patients/{patientId}/appointments", token,
            WriteClient.Booking(new DateTimeOffset(DateTime.UtcNow.Date.AddDays(30), TimeSpan.Zero)), prefer: "wait=10");
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        Assert.True(await _database.CountAsync("SELECT COUNT(*) FROM journal WHERE persistence_id LIKE '%unit-pg%'") > 0);
    }

    [Fact]
    public async Task The_audit_trail_on_PostgreSQL_appends_queries_and_refuses_changes()
    {
        Assert.Equal(0, await SchemaCommand.RunAsync(SchemaArgs, GatewayTables.All));
        await using var database = new PostgreSqlDatabase(_database.ConnectionString);
        var store = new SqlAuditStore(database);
        var at = new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);
        await store.AppendAsync(
        [
            new AuditRecord(at, "patient", "p-1", "p-1", "appointments", "read", 200, "c-1", "GET /api/v1/patients/p-1/appointments"),
            new AuditRecord(at.AddSeconds(1), "partner", "acme", "p-2", "records", "read", 404, "c-2", "GET /api/v1/patients/p-2/records"),
            new AuditRecord(at.AddSeconds(2), "anonymous", "anonymous", null, "appointments", "read", 401, "c-3", "GET /api/v1/patients/p-1/appointments"),
        ], CancellationToken.None);

        var (byPatient, _) = AuditQuery.Parse("p-1", null, null, null, null, null);
        var rows = await store.QueryAsync(byPatient!, CancellationToken.None);
        Assert.Equal(["c-1"], rows.Select(r => r.CorrelationId));
        var (all, _) = AuditQuery.Parse(null, null, null, null, "2", null);
        var page = await store.QueryAsync(all!, CancellationToken.None);
        Assert.Equal(["c-1", "c-2"], page.Select(r => r.CorrelationId));
        var (next, _) = AuditQuery.Parse(null, null, null, null, "2", page[^1].Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var rest = await store.QueryAsync(next!, CancellationToken.None);
        Assert.Equal(["c-3"], rest.Select(r => r.CorrelationId));
        Assert.Null(rest[0].PatientId);

        foreach (var change in new[] { "UPDATE audit_log SET status = 200", "DELETE FROM audit_log", "TRUNCATE audit_log" })
            await Assert.ThrowsAsync<Npgsql.PostgresException>(() => _database.CountAsync(change));
        Assert.Equal(3, await _database.CountAsync("SELECT COUNT(*) FROM audit_log"));
    }

    public static Dictionary<string, string?> PostgreSqlSettings(string connectionString) => new()
    {
        ["Gateway:Storage:Provider"] = "PostgreSql",
        ["ConnectionStrings:Gateway"] = connectionString,
    };

    private static UnitChange Registered(string patientId, long at) =>
        new(0, Guid.NewGuid().ToString(), UnitEventKinds.PatientRegistered, patientId, DateTimeOffset.FromUnixTimeMilliseconds(at), """{"displayName":"Test P."}""");

    private static UnitChange Released(string patientId, string toUnitId) =>
        new(0, Guid.NewGuid().ToString(), UnitEventKinds.PatientReleased, patientId, DateTimeOffset.UtcNow, $$"""{"toUnitId":"{{toUnitId}}"}""");

    private static UnitChange Departed(string patientId, long at) =>
        new(0, Guid.NewGuid().ToString(), UnitEventKinds.PatientDeparted, patientId, DateTimeOffset.FromUnixTimeMilliseconds(at), null);
}
