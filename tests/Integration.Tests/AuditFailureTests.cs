using System.Net;
using HealthGateway.Gateway.Audit;
using HealthGateway.Gateway.Storage;
using HealthGateway.Integration.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace HealthGateway.Integration.Tests;

/// <summary>Writing the audit record is part of the request: when it cannot be stored, the request fails and no patient data leaves.</summary>
public sealed class AuditFailureTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private GatewayNode _gateway = null!;
    private SwitchableAuditStore _store = null!;

    public async Task InitializeAsync()
    {
        _gateway = await GatewayNode.StartAsync(_temp.Sub("gw"), configure: b => b.Services.AddSingleton<IAuditStore>(sp =>
            new SwitchableAuditStore(new SqlAuditStore(sp.GetRequiredService<IGatewayDatabase>()))));
        _store = (SwitchableAuditStore)_gateway.Services.GetRequiredService<IAuditStore>();
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task A_failing_audit_store_turns_every_patient_request_into_503_without_data()
    {
        await using var unit = await UnitNodeHost.StartAsync("unit-f", _temp.Sub("units"), _gateway.WebSocketBase, _gateway.UnitToken("unit-f"), seedPatients: 2);
        var patient = (await unit.PatientIdsAsync())[0];
        var token = _gateway.PatientToken(patient);
        var path = $"/api/v1/patients/{patient}/records";
        await Eventually.AssertAsync(async () => Assert.Equal(HttpStatusCode.OK, (await _gateway.GetAsync(path, token)).StatusCode));

        _store.Failing = true;
        var read = await _gateway.GetAsync(path, token);
        var denied = await _gateway.GetAsync(path, _gateway.PatientToken("p-other"));
        var anonymous = await _gateway.GetAsync(path, null);

        foreach (var response in new[] { read, denied, anonymous })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.NotNull(response.Headers.RetryAfter);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Contains("Audit trail unavailable", body);
            Assert.DoesNotContain("allergies", body, StringComparison.OrdinalIgnoreCase);
        }

        // Endpoints that are not patient data are not held hostage by the audit store.
        Assert.Equal(HttpStatusCode.OK, (await _gateway.Http.GetAsync("/healthz/live")).StatusCode);

        _store.Failing = false;
        Assert.Equal(HttpStatusCode.OK, (await _gateway.GetAsync(path, token)).StatusCode);
    }

    [Fact]
    public async Task A_failing_audit_store_turns_ops_operation_reads_and_audit_trail_reads_into_503_without_data()
    {
        await using var unit = await UnitNodeHost.StartAsync("unit-f", _temp.Sub("units"), _gateway.WebSocketBase, _gateway.UnitToken("unit-f"), seedPatients: 2);
        var patient = (await unit.PatientIdsAsync())[0];
        var token = _gateway.PatientToken(patient);
        await Eventually.AssertAsync(async () => Assert.Equal(HttpStatusCode.OK, (await _gateway.GetAsync($"/api/v1/patients/{patient}/records", token)).StatusCode));
        var booked = await _gateway.SendAsync(HttpMethod.Post, $"/api/v1/patients/{patient}/appointments", token,
            WriteClient.Booking(new DateTimeOffset(DateTime.UtcNow.Date.AddDays(20), TimeSpan.Zero)), prefer: "respond-async");
        Assert.Equal(HttpStatusCode.Accepted, booked.StatusCode);
        var operationId = (await booked.JsonAsync()).GetProperty("id").GetString()!;
        var admin = _gateway.AdminToken();
        Assert.Equal(HttpStatusCode.OK, (await _gateway.GetAsync($"/api/v1/ops/operations/{operationId}", admin)).StatusCode);

        _store.Failing = true;
        foreach (var path in new[] { $"/api/v1/ops/operations/{operationId}", $"/api/v1/audit?patientId={patient}" })
        {
            var response = await _gateway.GetAsync(path, admin);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Contains("Audit trail unavailable", body);
            Assert.DoesNotContain(operationId, body);
            Assert.DoesNotContain("\"items\"", body);
        }
        // Ops views that show no patient data do not depend on the audit store.
        Assert.Equal(HttpStatusCode.OK, (await _gateway.GetAsync("/api/v1/ops/cluster", admin)).StatusCode);
        _store.Failing = false;
    }

    [Fact]
    public async Task A_partner_grant_naming_an_unknown_scope_or_no_unit_stops_the_gateway_from_starting()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => GatewayNode.StartAsync(_temp.Sub("bad"),
            settings: new Dictionary<string, string?>().Grant("acme", "appointments.read everything.write")));
        Assert.Contains("Partners:acme:Units", error.Message);
        Assert.Contains("unknown scope 'everything.write'", error.Message);
    }

    private sealed class SwitchableAuditStore(IAuditStore inner) : IAuditStore
    {
        public volatile bool Failing;

        public Task AppendAsync(IReadOnlyList<AuditRecord> records, CancellationToken ct) =>
            Failing ? throw new IOException("audit disk unavailable (test)") : inner.AppendAsync(records, ct);

        public Task<IReadOnlyList<AuditEntry>> QueryAsync(AuditQuery query, CancellationToken ct) => inner.QueryAsync(query, ct);
    }
}
