using System.Net;
using System.Text.Json;
using HealthGateway.Integration.Tests.Infrastructure;
using HealthGateway.Protocol.Codec;

namespace HealthGateway.Integration.Tests;

/// <summary>The core path end to end: REST -> directory -> session -> real UnitNode -> reply.</summary>
public sealed class RoutedReadTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private GatewayNode _gateway = null!;

    public async Task InitializeAsync() => _gateway = await GatewayNode.StartAsync(_temp.Sub("gw"));

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _temp.Dispose();
    }

    private Task<UnitNodeHost> StartUnitAsync(string unitId, int seed = 5) =>
        UnitNodeHost.StartAsync(unitId, _temp.Sub("units"), _gateway.WebSocketBase, _gateway.UnitToken(unitId), seed);

    /// <summary>Reads until the directory knows the patient (the unit registers its roster after connecting).</summary>
    private async Task<HttpResponseMessage> ReadWhenRoutedAsync(string path, string token) =>
        await Eventually.GetAsync(() => _gateway.GetAsync(path, token), r => r.StatusCode != HttpStatusCode.NotFound);

    [Fact]
    public async Task Reads_return_exactly_what_the_unit_holds()
    {
        await using var unit = await StartUnitAsync("unit-1");
        var patientId = (await unit.PatientIdsAsync())[2];
        var token = _gateway.PatientToken(patientId);

        var appointments = await ReadWhenRoutedAsync($"/api/v1/patients/{patientId}/appointments", token);
        var invoices = await _gateway.GetAsync($"/api/v1/patients/{patientId}/invoices", token);
        var records = await _gateway.GetAsync($"/api/v1/patients/{patientId}/records", token);

        Assert.Equal(HttpStatusCode.OK, appointments.StatusCode);
        Assert.Equal(HttpStatusCode.OK, invoices.StatusCode);
        Assert.Equal(HttpStatusCode.OK, records.StatusCode);
        Assert.Equal("application/json", appointments.Content.Headers.ContentType?.MediaType);

        var gotAppointments = JsonSerializer.Deserialize(await appointments.Content.ReadAsStringAsync(), ProtocolJsonContext.Default.AppointmentList)!;
        var localAppointments = (await unit.Store.GetAppointmentsAsync(patientId))!;
        Assert.Equal(patientId, gotAppointments.PatientId);
        Assert.NotEmpty(gotAppointments.Appointments);
        Assert.Equal(localAppointments.Appointments, gotAppointments.Appointments);

        var gotInvoices = JsonSerializer.Deserialize(await invoices.Content.ReadAsStringAsync(), ProtocolJsonContext.Default.InvoiceList)!;
        Assert.Equal((await unit.Store.GetInvoicesAsync(patientId))!.Invoices, gotInvoices.Invoices);

        var gotRecords = JsonSerializer.Deserialize(await records.Content.ReadAsStringAsync(), ProtocolJsonContext.Default.MedicalRecord)!;
        var localRecords = (await unit.Store.GetMedicalRecordAsync(patientId))!;
        Assert.Equal(localRecords.Allergies, gotRecords.Allergies);
        Assert.Equal(localRecords.Conditions, gotRecords.Conditions);
        Assert.Equal(localRecords.Medications, gotRecords.Medications);
        Assert.Equal(localRecords.Encounters, gotRecords.Encounters);
    }

    [Fact]
    public async Task Stopped_unit_gives_503_at_once_and_a_restarted_unit_serves_again()
    {
        var unit = await StartUnitAsync("unit-2");
        var patientId = (await unit.PatientIdsAsync())[0];
        var token = _gateway.PatientToken(patientId);
        var path = $"/api/v1/patients/{patientId}/appointments";
        Assert.Equal(HttpStatusCode.OK, (await ReadWhenRoutedAsync(path, token)).StatusCode);

        await unit.DisposeAsync();
        var offline = await Eventually.GetAsync(() => _gateway.GetAsync(path, token), r => r.StatusCode == HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(offline.Headers.RetryAfter);

        // "At once": an offline answer does not wait for the read deadline (5 s).
        var started = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await _gateway.GetAsync(path, token)).StatusCode);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(4), $"offline answer took {started.Elapsed}");

        await using var restarted = await StartUnitAsync("unit-2");
        await restarted.WaitConnectedAsync();
        await Eventually.AssertAsync(async () => Assert.Equal(HttpStatusCode.OK, (await _gateway.GetAsync(path, token)).StatusCode));
    }

    [Fact]
    public async Task A_patient_transferred_to_another_unit_is_routed_there()
    {
        await using var from = await StartUnitAsync("unit-from");
        await using var to = await StartUnitAsync("unit-to", seed: 0);
        var patientId = (await from.PatientIdsAsync())[1];
        var token = _gateway.PatientToken(patientId);
        var path = $"/api/v1/patients/{patientId}/appointments";
        Assert.Equal(HttpStatusCode.OK, (await ReadWhenRoutedAsync(path, token)).StatusCode);

        // The other unit registers the patient (it holds no appointments for them yet), the old one releases them to it:
        // in this order the registration is first refused as a claim, and the release then completes the transfer.
        await to.Store.RegisterPatientAsync(patientId, "Transferred Patient");
        await Eventually.AssertAsync(() => { Assert.NotEmpty(to.Outbox.ListRefusals()); return Task.CompletedTask; });
        await from.Store.ReleasePatientAsync(patientId, "unit-to");

        await Eventually.AssertAsync(async () =>
        {
            var response = await _gateway.GetAsync(path, token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var list = JsonSerializer.Deserialize(await response.Content.ReadAsStringAsync(), ProtocolJsonContext.Default.AppointmentList)!;
            Assert.Empty(list.Appointments); // served by unit-to, not unit-from
        });
    }

    [Fact]
    public async Task A_unit_with_another_units_token_never_attaches()
    {
        await using var impostor = await UnitNodeHost.StartAsync("unit-b", _temp.Sub("units"), _gateway.WebSocketBase, _gateway.UnitToken("unit-a"));

        var refused = await impostor.Connection.WaitUntilAsync(c => c.LastCloseStatus == Protocol.CloseCodes.UnitIdMismatch, TimeSpan.FromSeconds(30));
        Assert.True(refused, $"expected close 4003, got {impostor.Connection.LastCloseStatus}");
        Assert.False(impostor.Connection.IsConnected);
    }
}
