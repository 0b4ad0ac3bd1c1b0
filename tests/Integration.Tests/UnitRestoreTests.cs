using System.Net;
using System.Text.Json;
using HealthGateway.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace HealthGateway.Integration.Tests;

/// <summary>
/// A unit whose SQLite store is rolled back to a backup (behind the gateway), and a unit ahead of a gateway that lost
/// its journal: real gateway, real UnitNode, the store file copied aside while the unit is stopped and put back.
/// Deliveries are held and shown to operators (ops API, <c>hgw units show</c>) until <c>hgw units resync</c>; then
/// held and new writes apply exactly once, in order; writes the unit lost stay settled and are listed. Unit events
/// written after a restore are renumbered by the unit and reach the gateway.
/// </summary>
public sealed class UnitRestoreTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private GatewayNode _gateway = null!;

    public async Task InitializeAsync() =>
        _gateway = await GatewayNode.StartAsync(_temp.Sub("gw"), settings: new Dictionary<string, string?> { ["Gateway:WriteWait"] = "00:00:05" });

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _temp.Dispose();
    }

    private string UnitsDirectory => _temp.Sub("units");
    private const string Operator = "ops-oncall";
    private string Admin => AdminOf(_gateway);

    private static string AdminOf(GatewayNode gateway) => gateway.Tokens.Mint(Gateway.Auth.Roles.Admin, Operator, TimeSpan.FromMinutes(30));

    private static DateTimeOffset Slot(int n) => new DateTimeOffset(DateTime.UtcNow.Date.AddDays(20), TimeSpan.Zero).AddHours(n);

    /// <summary>Runs hgw and logs what it printed (docs/operations.md shows these outputs).</summary>
    private async Task<Hgw.Result> HgwAsync(GatewayNode gateway, params string[] args)
    {
        var result = await Hgw.RunAsync(gateway, AdminOf(gateway), args);
        output.WriteLine($"$ hgw {string.Join(' ', args)}{Environment.NewLine}{result.Output}(exit {result.ExitCode})");
        return result;
    }

    private Task<UnitNodeHost> StartUnitAsync(string unitId, GatewayNode? gateway = null, int seedPatients = 0)
    {
        var via = gateway ?? _gateway;
        return UnitNodeHost.StartAsync(unitId, UnitsDirectory, via.WebSocketBase, via.UnitToken(unitId), seedPatients);
    }

    private static async Task WaitReadableAsync(GatewayNode gateway, string patientId) =>
        await Eventually.AssertAsync(async () => Assert.Equal(HttpStatusCode.OK,
            (await gateway.GetAsync($"/api/v1/patients/{patientId}/invoices", gateway.PatientToken(patientId))).StatusCode), TimeSpan.FromSeconds(60));

    private static async Task<string> BookAsync(GatewayNode gateway, string patientId, int slot, HttpStatusCode expected, string? prefer = null)
    {
        var response = await gateway.SendAsync(HttpMethod.Post, $"/api/v1/patients/{patientId}/appointments", gateway.PatientToken(patientId),
            // Applied writes are waited for generously (201 within the wait; a loaded machine is slow, not wrong).
            WriteClient.Booking(Slot(slot)), prefer: prefer ?? (expected == HttpStatusCode.Created ? "wait=30" : null));
        Assert.Equal(expected, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("id").GetString()!;
    }

    private static async Task<JsonElement> UnitViewAsync(GatewayNode gateway, string unitId)
    {
        var response = await gateway.GetAsync($"/api/v1/ops/units/{unitId}", AdminOf(gateway));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    private static async Task<JsonElement> MismatchAsync(GatewayNode gateway, string unitId) =>
        (await Eventually.GetAsync(() => UnitViewAsync(gateway, unitId),
            u => u.TryGetProperty("deliveryMismatch", out var m) && m.ValueKind == JsonValueKind.Object, TimeSpan.FromSeconds(60)))
        .GetProperty("deliveryMismatch");

    private static async Task<string> StatusAsync(GatewayNode gateway, string patientId, string operationId) =>
        await gateway.OperationStatusAsync($"/api/v1/operations/{operationId}", gateway.PatientToken(patientId));

    private IReadOnlyList<UnitLedger.AppliedMessage> Ledger(string unitId) => UnitLedger.Applied(UnitLedger.DatabasePath(UnitsDirectory, unitId));

    [Fact]
    public async Task A_unit_restored_from_a_backup_is_held_and_shown_until_resync_then_new_writes_apply_once_in_order()
    {
        const string unitId = "unit-restore-a";
        var unit = await StartUnitAsync(unitId, seedPatients: 2);
        var patientId = (await unit.PatientIdsAsync())[0];
        await WaitReadableAsync(_gateway, patientId);
        var kept = await BookAsync(_gateway, patientId, 1, HttpStatusCode.Created);

        // In step: nothing to resync, nothing changes.
        var inStep = await HgwAsync(_gateway, "units", "resync", unitId);
        Assert.Equal(1, inStep.ExitCode);
        Assert.Contains("Gateway answered 409", inStep.Output);
        Assert.Contains("agrees with the gateway's", inStep.Output);

        // Backup while stopped; two more writes are applied after it; then the backup is restored.
        await unit.DisposeAsync();
        var backup = UnitStoreBackup.Take(UnitLedger.DatabasePath(UnitsDirectory, unitId), _temp.Sub("backup"));
        unit = await StartUnitAsync(unitId);
        var lost = new[] { await BookAsync(_gateway, patientId, 2, HttpStatusCode.Created), await BookAsync(_gateway, patientId, 3, HttpStatusCode.Created) };
        await unit.DisposeAsync();
        await Eventually.AssertAsync(async () => Assert.False((await UnitViewAsync(_gateway, unitId)).GetProperty("connected").GetBoolean()));
        var offline = await HgwAsync(_gateway, "units", "resync", unitId);
        Assert.Equal(1, offline.ExitCode);
        Assert.Contains("Gateway answered 409: Unit not connected", offline.Output);
        backup.Restore();
        await using var events = await OpsEventTap.StartAsync(_gateway, Admin);
        await using var restored = await StartUnitAsync(unitId);
        await restored.WaitConnectedAsync();

        // Operators see it: ops API and hgw units show.
        var mismatch = await MismatchAsync(_gateway, unitId);
        Assert.Equal("unit-behind", mismatch.GetProperty("state").GetString());
        Assert.Equal(1, mismatch.GetProperty("unitLastAppliedSeq").GetInt64());
        Assert.Equal(3, mismatch.GetProperty("gatewaySettledSeq").GetInt64());
        Assert.Equal(2, mismatch.GetProperty("missingAtUnit").GetInt64());
        Assert.Equal(lost, mismatch.GetProperty("missingOperationIds").EnumerateArray().Select(e => e.GetString()));
        var show = await HgwAsync(_gateway, "units", "show", unitId);
        Assert.Equal(0, show.ExitCode);
        Assert.Contains("restored: unit at seq 1, gateway settled up to 3, 2 settled writes the unit no longer has", show.Output);
        Assert.Contains(lost[0], show.Output);
        Assert.Contains($"hgw units resync {unitId}", show.Output);
        await Eventually.AssertAsync(async () => Assert.Contains($"{unitId}: deliveries held (unit-behind); see hgw units show {unitId}",
            (await HgwAsync(_gateway, "units", "list")).Output));

        // Before the resync a new write is durable (202) but not delivered.
        var held = await BookAsync(_gateway, patientId, 4, HttpStatusCode.Accepted, prefer: "respond-async");
        await Eventually.AssertAsync(async () => Assert.Equal(1, (await UnitViewAsync(_gateway, unitId)).GetProperty("backlog").GetInt32()));
        Assert.Equal("queued", await StatusAsync(_gateway, patientId, held));
        Assert.DoesNotContain(Ledger(unitId), m => m.MessageId == held);

        var auditBefore = GatewayDb.LastAuditId(_gateway.DataDirectory);
        var resync = await HgwAsync(_gateway, "units", "resync", unitId);
        Assert.Equal(0, resync.ExitCode);
        Assert.Contains($"Resynced {unitId}: unit-behind; deliveries continue after seq 1.", resync.Output);
        Assert.Contains("Settled writes the unit no longer has: 2.", resync.Output);
        Assert.Contains(lost[1], resync.Output);

        // After it: the held write and the next apply once, in order; the lost ones stay settled as they were.
        await Eventually.AssertAsync(async () => Assert.Equal("applied", await StatusAsync(_gateway, patientId, held)));
        var next = await BookAsync(_gateway, patientId, 5, HttpStatusCode.Created);
        Assert.Equal([kept, held, next], Ledger(unitId).Select(m => m.MessageId));
        Assert.Equal([1L, 4L, 5L], Ledger(unitId).Select(m => m.Seq));
        Assert.All(lost, id => Assert.Equal("applied", StatusAsync(_gateway, patientId, id).GetAwaiter().GetResult()));
        var after = await UnitViewAsync(_gateway, unitId);
        Assert.Equal(JsonValueKind.Null, after.TryGetProperty("deliveryMismatch", out var cleared) ? cleared.ValueKind : JsonValueKind.Null);
        Assert.Equal(lost, after.GetProperty("lastResync").GetProperty("mismatch").GetProperty("missingOperationIds").EnumerateArray().Select(e => e.GetString()));
        var settled = await HgwAsync(_gateway, "units", "show", unitId);
        Assert.Matches(@"Delivery stream\s*│\s*in step", settled.Output);
        Assert.Contains($"by admin:{Operator}: unit-behind, continued after seq 1", settled.Output);

        // Audited, and on the ops event stream.
        var audit = Assert.Single(GatewayDb.AuditRowsAfter(_gateway.DataDirectory, auditBefore), r => r.Resource == "resync");
        Assert.Equal(("admin", Operator, "write", 200, $"POST /api/v1/ops/units/{unitId}/resync"), (audit.Role, audit.Subject, audit.Action, audit.Status, audit.Target));
        await Eventually.AssertAsync(() =>
        {
            Assert.Contains(events.Events, e => e.Type == "unit-delivery-mismatch" && e.Data.Contains(unitId));
            Assert.Contains(events.Events, e => e.Type == "unit-resynced" && e.Data.Contains($"by admin:{Operator}"));
            return Task.CompletedTask;
        });
    }

    [Fact]
    public async Task A_unit_ahead_of_a_gateway_that_lost_its_journal_is_held_until_resync_then_writes_apply_once_above_its_seq()
    {
        const string unitId = "unit-restore-b";
        var unit = await StartUnitAsync(unitId, seedPatients: 2);
        var patientId = (await unit.PatientIdsAsync())[0];
        await WaitReadableAsync(_gateway, patientId);
        await BookAsync(_gateway, patientId, 1, HttpStatusCode.Created);
        await BookAsync(_gateway, patientId, 2, HttpStatusCode.Created);
        await unit.DisposeAsync();

        // A gateway with a fresh data directory (its journal lost): the unit has applied seqs 1..2 it never assigned.
        await using var fresh = await GatewayNode.StartAsync(_temp.Sub("gw-fresh"));
        await using var ahead = await StartUnitAsync(unitId, fresh);
        await WaitReadableAsync(fresh, patientId); // the unit's events re-registered its patients

        var mismatch = await MismatchAsync(fresh, unitId);
        Assert.Equal(("unit-ahead", 2L, 0L), (mismatch.GetProperty("state").GetString(), mismatch.GetProperty("unitLastAppliedSeq").GetInt64(),
            mismatch.GetProperty("gatewayLastWriteSeq").GetInt64()));
        var show = await HgwAsync(fresh, "units", "show", unitId);
        Assert.Contains("ahead: unit at seq 2, gateway assigned up to 0", show.Output);

        // Seq 1 would be rejected as out_of_order by the unit: it is held instead.
        var held = await BookAsync(fresh, patientId, 3, HttpStatusCode.Accepted, prefer: "respond-async");
        await Eventually.AssertAsync(async () => Assert.Equal(1, (await UnitViewAsync(fresh, unitId)).GetProperty("backlog").GetInt32()));
        Assert.Equal("queued", await StatusAsync(fresh, patientId, held));
        Assert.Equal(2, Ledger(unitId).Count);

        var resync = await HgwAsync(fresh, "units", "resync", unitId);
        Assert.Equal(0, resync.ExitCode);
        Assert.Contains($"Resynced {unitId}: unit-ahead; deliveries continue after seq 2.", resync.Output);
        Assert.Contains("Held writes now delivered: 1 (1 renumbered above the unit's seq).", resync.Output);

        await Eventually.AssertAsync(async () => Assert.Equal("applied", await StatusAsync(fresh, patientId, held)));
        var next = await BookAsync(fresh, patientId, 4, HttpStatusCode.Created);
        var ledger = Ledger(unitId);
        Assert.Equal([3L, 4L], ledger.Skip(2).Select(m => m.Seq));
        Assert.Equal([held, next], ledger.Skip(2).Select(m => m.MessageId));
        Assert.All(ledger, m => Assert.Equal("applied", m.Status));
    }

    [Fact]
    public async Task Events_a_restored_unit_writes_before_reconnecting_are_renumbered_above_the_gateways_seq_and_arrive()
    {
        const string unitId = "unit-restore-c";
        var unit = await StartUnitAsync(unitId, seedPatients: 2);
        await WaitReadableAsync(_gateway, (await unit.PatientIdsAsync())[0]);
        await Eventually.AssertAsync(() => { Assert.Equal(0, unit.UnacknowledgedChanges); return Task.CompletedTask; });
        await unit.DisposeAsync();
        var backup = UnitStoreBackup.Take(UnitLedger.DatabasePath(UnitsDirectory, unitId), _temp.Sub("backup-c"));

        // After the backup the unit registers two patients; the gateway holds their events (seqs 3 and 4).
        unit = await StartUnitAsync(unitId);
        await unit.Store.RegisterPatientAsync("p-after-backup-1", "After Backup One");
        await unit.Store.RegisterPatientAsync("p-after-backup-2", "After Backup Two");
        await WaitReadableAsync(_gateway, "p-after-backup-2");
        await unit.DisposeAsync();

        // Restored to seqs 1..2, the unit registers a patient while the gateway is out of reach: its event gets seq 3.
        backup.Restore();
        var offline = await UnitNodeHost.StartAsync(unitId, UnitsDirectory, new Uri($"ws://127.0.0.1:{FreePort.Next()}"), _gateway.UnitToken(unitId));
        await offline.Store.RegisterPatientAsync("p-after-restore", "After Restore");
        Assert.Equal(1, offline.UnacknowledgedChanges);
        await offline.DisposeAsync();

        // Connected, the gateway's welcome says 4: the unit renumbers its event to 5 instead of counting it as received.
        await using var back = await StartUnitAsync(unitId);
        await WaitReadableAsync(_gateway, "p-after-restore");
        await Eventually.AssertAsync(() => { Assert.Equal(0, back.UnacknowledgedChanges); return Task.CompletedTask; });
    }

    [Fact]
    public async Task A_hostile_unit_claiming_an_impossible_seq_only_holds_its_own_writes_and_cannot_be_resynced_to_it()
    {
        const string unitId = "unit-restore-liar";
        var unit = await StartUnitAsync(unitId, seedPatients: 1);
        var patientId = (await unit.PatientIdsAsync())[0];
        await WaitReadableAsync(_gateway, patientId);
        var before = await BookAsync(_gateway, patientId, 1, HttpStatusCode.Created);
        await unit.DisposeAsync();

        // A raw client with the unit's token says it applied every seq there is.
        var liar = await RawUnitClient.ConnectAsync(_gateway.WebSocketBase, _gateway.UnitToken(unitId));
        await liar.SendAsync(new Protocol.Frames.Hello(Protocol.ProtocolConstants.Version, unitId, "liar/1", long.MaxValue));
        Assert.IsType<Protocol.Frames.Welcome>(await liar.ReceiveAsync());
        var mismatch = await MismatchAsync(_gateway, unitId);
        Assert.Equal(("unit-ahead", long.MaxValue), (mismatch.GetProperty("state").GetString(), mismatch.GetProperty("unitLastAppliedSeq").GetInt64()));

        // Writes for its patients are durable and held, not sent to it; a resync to its seq is refused.
        var held = await BookAsync(_gateway, patientId, 2, HttpStatusCode.Accepted, prefer: "respond-async");
        var refused = await HgwAsync(_gateway, "units", "resync", unitId);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("Gateway answered 409: Unit seq out of range", refused.Output);
        Assert.Equal("queued", await StatusAsync(_gateway, patientId, held));

        // The real unit comes back in step: the held write is applied once, after the earlier one.
        await liar.DisposeAsync();
        await using var real = await StartUnitAsync(unitId);
        await Eventually.AssertAsync(async () => Assert.Equal("applied", await StatusAsync(_gateway, patientId, held)));
        Assert.Equal([before, held], Ledger(unitId).Select(m => m.MessageId));
    }
}
