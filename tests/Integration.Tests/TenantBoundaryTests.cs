using System.Net;
using System.Text.Json;
using HealthGateway.Gateway.Routing;
using HealthGateway.Integration.Tests.Infrastructure;
using HealthGateway.Protocol;
using HealthGateway.Protocol.Frames;
using static HealthGateway.Integration.Tests.Infrastructure.PatientEventClient;

namespace HealthGateway.Integration.Tests;

/// <summary>
/// A unit is a tenant: whatever it sends, it acts only on its own patients. Hostile units are raw WebSocket clients that
/// speak the protocol correctly but claim what is not theirs; transfers run between real UnitNodes.
/// </summary>
public sealed class TenantBoundaryTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private GatewayNode _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayNode.StartAsync(_temp.Sub("gw"));

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _temp.Dispose();
    }

    private string UnitsDirectory => _temp.Sub("units");
    private PatientDirectoryStore Directory => _gateway.Services.GetRequiredService<PatientDirectoryStore>();

    [Fact]
    public async Task A_unit_cannot_claim_another_units_patient_nor_reach_its_stream_and_every_attempt_is_audited_and_announced()
    {
        await using var owner = await ChangingUnit.AttachAsync(_gateway, "unit-owner", "p-victim");
        await using var ops = await OpsEvents.OpenAsync(_gateway);
        await using var stream = await OpenAsync(Transport.ServerSentEvents, _gateway, "p-victim", _gateway.PatientToken("p-victim"));
        var (hostile, _) = await RawUnitClient.AttachAsync(_gateway.WebSocketBase, _gateway.UnitToken("unit-hostile"), "unit-hostile");
        await using var __ = hostile;

        // A registration stamped far in the future, then news about the patient it does not own.
        var claim = TestEvents.Registered(1, "p-victim") with { OccurredAt = DateTimeOffset.UtcNow.AddYears(10) };
        var booked = new UnitEvent(2, "ev-evil", UnitEventKinds.AppointmentBooked, "p-victim", DateTimeOffset.UtcNow,
            JsonSerializer.SerializeToElement(new { id = "apt-evil" }));
        await hostile.SendAsync(new EventBatch([claim, booked]));
        var ack = Assert.IsType<Ack>(await hostile.ReceiveAsync(TimeSpan.FromSeconds(30)));

        Assert.Equal(2, ack.UpToSeq); // acknowledged (not resent forever), but refused one by one
        Assert.Equal([1L, 2L], ack.Refused!.Select(r => r.Seq));
        Assert.All(ack.Refused!, r => Assert.Equal(EventRefusalCodes.NotOwner, r.Code));
        Assert.All(ack.Refused!, r => Assert.DoesNotContain("unit-owner", r.Reason)); // who holds the patient is not told
        Assert.Equal("unit-owner", await Directory.FindUnitAsync("p-victim", CancellationToken.None));

        // The owner's own news arrives, and it is the first thing the patient's stream shows: the hostile event never did.
        await owner.ReportAsync(UnitEventKinds.AppointmentBooked, "p-victim", new { id = "apt-good" });
        var first = await stream.UntilAsync(e => Type(e) != "operation.status", TimeSpan.FromSeconds(30));
        Assert.Equal("apt-good", first[^1].GetProperty("data").GetProperty("payload").GetProperty("id").GetString());

        var refusedEvent = await ops.UntilAsync("patient-claim-refused");
        Assert.Equal("unit-hostile", refusedEvent.GetProperty("unitId").GetString());
        Assert.Contains("claimed a patient of unit unit-owner", refusedEvent.GetProperty("detail").GetString());
        Assert.DoesNotContain("p-victim", refusedEvent.GetRawText()); // any admin reads this stream: patient ids stay in the audit trail

        var audit = await AuditRowsAsync("p-victim");
        Assert.Equal(2, audit.Count(r => r.GetProperty("subject").GetString() == "unit-hostile" && r.GetProperty("status").GetInt32() == 403));
        Assert.Contains(audit, r => r.GetProperty("target").GetString()!.Contains("patient held by unit-owner"));
    }

    [Fact]
    public async Task A_unit_may_release_only_its_own_patients_and_a_release_names_who_may_take_over()
    {
        await using var owner = await ChangingUnit.AttachAsync(_gateway, "unit-r1", "p-r");
        var (hostile, _) = await RawUnitClient.AttachAsync(_gateway.WebSocketBase, _gateway.UnitToken("unit-r3"), "unit-r3");
        await using var __ = hostile;

        // unit-r3 "releases" p-r to itself, then tries to take over the release unit-r1 makes to unit-r2.
        await hostile.SendAsync(new EventBatch([TestEvents.Released(1, "p-r", "unit-r3")]));
        Assert.Equal(EventRefusalCodes.NotOwner, Assert.IsType<Ack>(await hostile.ReceiveAsync()).Refused!.Single().Code);
        await owner.ReportAsync(UnitEventKinds.PatientReleased, "p-r", new { toUnitId = "unit-r2" });
        await hostile.SendAsync(new EventBatch([TestEvents.Registered(2, "p-r")]));
        Assert.Equal(EventRefusalCodes.NotOwner, Assert.IsType<Ack>(await hostile.ReceiveAsync()).Refused!.Single().Code);

        Assert.Equal("unit-r1", await Directory.FindUnitAsync("p-r", CancellationToken.None));
    }

    [Fact]
    public async Task A_patient_moves_between_real_units_by_release_and_registration()
    {
        await using var unitA = await UnitNodeHost.StartAsync("unit-ta", UnitsDirectory, _gateway.WebSocketBase, _gateway.UnitToken("unit-ta"), seedPatients: 2);
        await using var unitB = await UnitNodeHost.StartAsync("unit-tb", UnitsDirectory, _gateway.WebSocketBase, _gateway.UnitToken("unit-tb"));
        var patientId = (await unitA.PatientIdsAsync())[0];
        var token = _gateway.PatientToken(patientId);
        await Eventually.AssertAsync(async () => Assert.Equal("unit-ta", await Directory.FindUnitAsync(patientId, CancellationToken.None)));

        // A releases the patient to B (still routed to A until B registers); B registers and takes over.
        Assert.True(await unitA.Store.ReleasePatientAsync(patientId, "unit-tb"));
        await Eventually.AssertAsync(() => { Assert.Equal(0, unitA.UnacknowledgedChanges); return Task.CompletedTask; });
        Assert.Equal("unit-ta", await Directory.FindUnitAsync(patientId, CancellationToken.None));
        Assert.True(await unitB.Store.RegisterPatientAsync(patientId, "Moving P."));
        await Eventually.AssertAsync(async () => Assert.Equal("unit-tb", await Directory.FindUnitAsync(patientId, CancellationToken.None)));

        // Reads and writes now reach B.
        var booking = await _gateway.SendAsync(HttpMethod.Post, $"/api/v1/patients/{patientId}/appointments", token,
            WriteClient.Booking(new DateTimeOffset(DateTime.UtcNow.Date.AddDays(20), TimeSpan.Zero).AddHours(9)));
        Assert.Equal(HttpStatusCode.Created, booking.StatusCode);
        var appointmentId = (await booking.JsonAsync()).GetProperty("result").GetProperty("id").GetString();
        Assert.Contains((await unitB.Store.GetAppointmentsAsync(patientId))!.Appointments, a => a.Id == appointmentId);

        var audit = await AuditRowsAsync(patientId);
        Assert.Contains(audit, r => r.GetProperty("subject").GetString() == "unit-ta" && r.GetProperty("target").GetString()!.StartsWith("patient.released"));
        Assert.Contains(audit, r => r.GetProperty("subject").GetString() == "unit-tb" && r.GetProperty("target").GetString()!.Contains("took the patient over from unit-ta"));
    }

    [Fact]
    public async Task An_admin_transfer_routes_new_writes_to_the_new_unit_while_queued_writes_are_delivered_to_the_old_one()
    {
        var unitA = await UnitNodeHost.StartAsync("unit-xa", UnitsDirectory, _gateway.WebSocketBase, _gateway.UnitToken("unit-xa"), seedPatients: 2);
        await using var unitB = await UnitNodeHost.StartAsync("unit-xb", UnitsDirectory, _gateway.WebSocketBase, _gateway.UnitToken("unit-xb"));
        var patientId = (await unitA.PatientIdsAsync())[0];
        var token = _gateway.PatientToken(patientId);
        await Eventually.AssertAsync(async () => Assert.Equal("unit-xa", await Directory.FindUnitAsync(patientId, CancellationToken.None)));
        // The records moved out of band; B's registration is a claim on A's patient: refused, kept in B's store for its staff.
        Assert.True(await unitB.Store.RegisterPatientAsync(patientId, "Moving P."));
        await Eventually.AssertAsync(() =>
        {
            Assert.Contains(unitB.Outbox.ListRefusals(), r => r.Code == EventRefusalCodes.NotOwner);
            return Task.CompletedTask;
        });
        Assert.Equal("unit-xa", await Directory.FindUnitAsync(patientId, CancellationToken.None));
        await unitA.DisposeAsync();

        var queued = await _gateway.SendAsync(HttpMethod.Post, $"/api/v1/patients/{patientId}/appointments", token,
            WriteClient.Booking(new DateTimeOffset(DateTime.UtcNow.Date.AddDays(21), TimeSpan.Zero).AddHours(9)), prefer: "respond-async");
        Assert.Equal(HttpStatusCode.Accepted, queued.StatusCode);

        var transfer = await Hgw.RunAsync(_gateway, _gateway.AdminToken(), "patients", "transfer", patientId, "--to", "unit-xb", "--reason", "moved clinics");
        Assert.Equal(0, transfer.ExitCode);
        Assert.Contains($"Moved patient {patientId} from unit-xa to unit-xb.", transfer.Output);
        var again = await Hgw.RunAsync(_gateway, _gateway.AdminToken(), "patients", "transfer", patientId, "--to", "unit-xb");
        Assert.NotEqual(0, again.ExitCode); // 409: already there
        var unknown = await Hgw.RunAsync(_gateway, _gateway.AdminToken(), "patients", "transfer", "p-nobody", "--to", "unit-xb");
        Assert.NotEqual(0, unknown.ExitCode); // 404

        var routed = await _gateway.SendAsync(HttpMethod.Post, $"/api/v1/patients/{patientId}/appointments", token,
            WriteClient.Booking(new DateTimeOffset(DateTime.UtcNow.Date.AddDays(22), TimeSpan.Zero).AddHours(9)));
        Assert.Equal(HttpStatusCode.Created, routed.StatusCode);
        Assert.Single((await unitB.Store.GetAppointmentsAsync(patientId))!.Appointments);

        // The write accepted for unit-xa before the transfer is delivered there when it comes back, exactly once.
        await using var back = await UnitNodeHost.StartAsync("unit-xa", UnitsDirectory, _gateway.WebSocketBase, _gateway.UnitToken("unit-xa"));
        await Eventually.AssertAsync(async () =>
            Assert.Equal("applied", await _gateway.OperationStatusAsync(queued.Headers.Location!.ToString(), token)), TimeSpan.FromSeconds(60));
        var queuedId = (await queued.JsonAsync()).GetProperty("id").GetString();
        Assert.NotNull(queuedId);

        var audit = await AuditRowsAsync(patientId);
        Assert.Contains(audit, r => r.GetProperty("role").GetString() == "admin" && r.GetProperty("status").GetInt32() == 200
            && r.GetProperty("target").GetString()!.Contains("transfer from unit-xa to unit-xb: moved clinics"));
        Assert.Contains(audit, r => r.GetProperty("role").GetString() == "admin" && r.GetProperty("status").GetInt32() == 409);
    }

    [Fact]
    public async Task An_admin_transfer_checks_its_input()
    {
        var admin = _gateway.AdminToken();
        foreach (var body in new object?[] { null, new { toUnitId = "" }, new { toUnitId = new string('u', 129) }, new { toUnitId = "unit-2", reason = new string('r', 501) } })
        {
            var response = await _gateway.SendAsync(HttpMethod.Post, "/api/v1/ops/patients/p-1/transfer", admin, body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    private async Task<List<JsonElement>> AuditRowsAsync(string patientId)
    {
        var response = await _gateway.GetAsync($"/api/v1/audit?patientId={patientId}&limit=500", _gateway.AdminToken());
        response.EnsureSuccessStatusCode();
        return (await response.JsonAsync()).GetProperty("items").EnumerateArray().ToList();
    }
}
