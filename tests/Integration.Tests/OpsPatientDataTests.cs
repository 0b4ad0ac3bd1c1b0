using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using HealthGateway.Gateway.Auth;
using HealthGateway.Integration.Tests.Infrastructure;

namespace HealthGateway.Integration.Tests;

/// <summary>
/// Ops views of operations against a real gateway and a real UnitNode: patient data (patient id, result, reason,
/// a patient requester) only for an admin granted it exactly as <c>/api/v1/patients</c> decides; every ops read
/// of an operation and every read of the audit trail leaves an audit row before the answer.
/// </summary>
public sealed class OpsPatientDataTests(OpsPatientDataTests.Fixture fixture) : IClassFixture<OpsPatientDataTests.Fixture>
{
    private GatewayNode Gateway => fixture.Gateway;

    private static readonly string[] PatientFields = ["patientId", "requestedBy", "result", "reason"];

    private async Task<(HttpResponseMessage Response, string Body)> OpsOperationAsync(string operationId, string token)
    {
        var response = await Gateway.GetAsync($"/api/v1/ops/operations/{operationId}", token);
        return (response, await response.Content.ReadAsStringAsync());
    }

    /// <summary>No trace of the patient or of what the unit stored for it, anywhere in the body.</summary>
    private void AssertNoPatientData(string body)
    {
        Assert.DoesNotContain(fixture.Patient, body, StringComparison.Ordinal);
        Assert.DoesNotContain(Fixture.Clinician, body, StringComparison.Ordinal);
        Assert.DoesNotContain(Fixture.VisitReason, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_admin_without_a_grant_sees_the_operational_fields_only_and_the_read_is_audited_with_the_patient()
    {
        var after = GatewayDb.LastAuditId(Gateway.DataDirectory);
        // Hostile: an ungranted admin whose token claims every scope (a token's scopes never replace a grant).
        var (response, body) = await OpsOperationAsync(fixture.PatientOperation, fixture.AdminToken("ops", PartnerSetup.AllScopes));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertNoPatientData(body);
        var view = JsonDocument.Parse(body).RootElement;
        Assert.Equal(fixture.PatientOperation, view.GetProperty("id").GetString());
        Assert.Equal("applied", view.GetProperty("status").GetString());
        Assert.Equal("appointments.book", view.GetProperty("operation").GetString());
        Assert.Equal("unit-a", view.GetProperty("unitId").GetString());
        Assert.Equal("patient", view.GetProperty("requesterRole").GetString());
        Assert.True(view.TryGetProperty("createdAt", out _) && view.TryGetProperty("settledAt", out _));
        foreach (var field in PatientFields.Where(f => f != "reason")) Assert.False(view.TryGetProperty(field, out _), field);
        Assert.Equal(["patientId", "requestedBy", "result"], view.GetProperty("withheld").EnumerateArray().Select(e => e.GetString()!).Order());

        var row = Assert.Single(GatewayDb.AuditRowsAfter(Gateway.DataDirectory, after));
        Assert.Equal(("admin", "ops", fixture.Patient, "operations", "read", 200, $"GET /api/v1/ops/operations/{fixture.PatientOperation}"),
            (row.Role, row.Subject, row.PatientId, row.Resource, row.Action, row.Status, row.Target));
    }

    [Fact]
    public async Task A_partners_request_still_names_the_partner_when_the_patient_data_is_withheld()
    {
        var (response, body) = await OpsOperationAsync(fixture.PartnerOperation, fixture.AdminToken("ops", PartnerSetup.AllScopes));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertNoPatientData(body);
        var view = JsonDocument.Parse(body).RootElement;
        Assert.Equal("partner:partner-full", view.GetProperty("requestedBy").GetString());
        Assert.DoesNotContain("requestedBy", view.GetProperty("withheld").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task An_admin_granted_the_patients_unit_sees_the_patient_data_and_the_read_is_audited()
    {
        var after = GatewayDb.LastAuditId(Gateway.DataDirectory);
        var token = fixture.AdminToken("dpo-a", "appointments.read");
        var (response, body) = await OpsOperationAsync(fixture.PatientOperation, token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var view = JsonDocument.Parse(body).RootElement;
        Assert.Equal(fixture.Patient, view.GetProperty("patientId").GetString());
        Assert.Equal($"patient:{fixture.Patient}", view.GetProperty("requestedBy").GetString());
        Assert.Equal(Fixture.Clinician, view.GetProperty("result").GetProperty("clinician").GetString());
        Assert.Empty(view.GetProperty("withheld").EnumerateArray());
        // The same admin reads the same patient through the patient API: the two decisions agree.
        Assert.Equal(HttpStatusCode.OK, (await Gateway.GetAsync($"/api/v1/patients/{fixture.Patient}/appointments", token)).StatusCode);

        var rows = GatewayDb.AuditRowsAfter(Gateway.DataDirectory, after);
        Assert.Equal(2, rows.Count);
        Assert.Equal(("admin", "dpo-a", fixture.Patient, "operations", 200), (rows[0].Role, rows[0].Subject, rows[0].PatientId, rows[0].Resource, rows[0].Status));
    }

    [Fact]
    public async Task An_admin_granted_another_unit_or_whose_token_lacks_the_scope_sees_no_patient_data()
    {
        var after = GatewayDb.LastAuditId(Gateway.DataDirectory);
        // Another unit's grantee; the right unit's grantee whose token names a scope other than the granted one.
        foreach (var (token, patientApiStatus) in new[]
                 {
                     (fixture.AdminToken("dpo-b", "appointments.read"), HttpStatusCode.NotFound),
                     (fixture.AdminToken("dpo-a", "billing.read"), HttpStatusCode.Forbidden),
                 })
        {
            var (response, body) = await OpsOperationAsync(fixture.PatientOperation, token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            AssertNoPatientData(body);
            Assert.Contains("patientId", JsonDocument.Parse(body).RootElement.GetProperty("withheld").EnumerateArray().Select(e => e.GetString()));
            // Exactly as the patient API decides: there, the same tokens reach nothing either.
            Assert.Equal(patientApiStatus, (await Gateway.GetAsync($"/api/v1/patients/{fixture.Patient}/appointments", token)).StatusCode);
        }

        var opsRows = GatewayDb.AuditRowsAfter(Gateway.DataDirectory, after).Where(r => r.Target.StartsWith("GET /api/v1/ops/", StringComparison.Ordinal)).ToList();
        Assert.Equal(["dpo-b", "dpo-a"], opsRows.Select(r => r.Subject));
        Assert.All(opsRows, r => Assert.Equal((fixture.Patient, 200), (r.PatientId, r.Status)));
    }

    [Fact]
    public async Task Unknown_and_malformed_operation_ids_are_404_and_still_audited()
    {
        var after = GatewayDb.LastAuditId(Gateway.DataDirectory);
        var admin = fixture.AdminToken("ops", "");
        Assert.Equal(HttpStatusCode.NotFound, (await OpsOperationAsync($"{Guid.NewGuid():N}.unit-a", admin)).Response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await OpsOperationAsync("not-an-operation", admin)).Response.StatusCode);
        // Refused callers are recorded too (before authentication decides).
        Assert.Equal(HttpStatusCode.Forbidden, (await OpsOperationAsync(fixture.PatientOperation, Gateway.PatientToken(fixture.Patient))).Response.StatusCode);

        var rows = GatewayDb.AuditRowsAfter(Gateway.DataDirectory, after);
        Assert.Equal([404, 404, 403], rows.Select(r => r.Status));
        Assert.All(rows, r => Assert.Null(r.PatientId)); // nothing found, nothing named
    }

    [Fact]
    public async Task Hgw_operations_show_prints_withheld_fields_and_a_granted_admin_sees_them()
    {
        var ungranted = await Hgw.RunAsync(Gateway, fixture.AdminToken("ops", PartnerSetup.AllScopes), "operations", "show", fixture.PatientOperation);
        Assert.Equal(0, ungranted.ExitCode);
        AssertNoPatientData(ungranted.Output);
        Assert.Matches(@"Status\s*│\s*applied", ungranted.Output);
        Assert.Matches(@"Patient\s*│\s*\(withheld: no grant for this patient's data\)", ungranted.Output);
        Assert.Matches(@"Requested by\s*│\s*patient \(withheld", ungranted.Output);
        Assert.Matches(@"Result\s*│\s*\(withheld", ungranted.Output);
        Assert.Contains("Patient data withheld", ungranted.Output);

        var json = await Hgw.RunAsync(Gateway, fixture.AdminToken("ops", ""), "operations", "show", fixture.PatientOperation, "--json");
        Assert.Equal(0, json.ExitCode);
        AssertNoPatientData(json.Output);

        var granted = await Hgw.RunAsync(Gateway, fixture.AdminToken("dpo-a", "appointments.read"), "operations", "show", fixture.PatientOperation);
        Assert.Equal(0, granted.ExitCode);
        Assert.Matches($@"Patient\s*│\s*{fixture.Patient}", granted.Output);
        Assert.Contains(Fixture.Clinician, granted.Output);
        Assert.DoesNotContain("withheld", granted.Output);
    }

    [Fact]
    public async Task Every_read_of_the_audit_trail_leaves_a_row_before_the_answer_even_a_refused_one()
    {
        var after = GatewayDb.LastAuditId(Gateway.DataDirectory);
        var admin = fixture.AdminToken("auditor", "");

        var byPatient = await Gateway.GetAsync($"/api/v1/audit?patientId={fixture.Patient}&limit=1", admin);
        Assert.Equal(HttpStatusCode.OK, byPatient.StatusCode);
        // Durable before the answer: the row is on disk the moment the page arrives.
        var first = Assert.Single(GatewayDb.AuditRowsAfter(Gateway.DataDirectory, after));
        Assert.Equal(("admin", "auditor", fixture.Patient, "audit", "read", 200), (first.Role, first.Subject, first.PatientId, first.Resource, first.Action, first.Status));
        Assert.Equal($"GET /api/v1/audit", first.Target);

        Assert.Equal(HttpStatusCode.OK, (await Gateway.GetAsync("/api/v1/audit?subject=ops", admin)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Gateway.GetAsync("/api/v1/audit?limit=0", admin)).StatusCode);
        // Hostile: a patient and a unit try to read the trail.
        Assert.Equal(HttpStatusCode.Forbidden, (await Gateway.GetAsync($"/api/v1/audit?patientId={fixture.Patient}", Gateway.PatientToken(fixture.Patient))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Gateway.GetAsync("/api/v1/audit", Gateway.UnitToken("unit-a"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Gateway.GetAsync("/api/v1/audit", null)).StatusCode);

        var rows = GatewayDb.AuditRowsAfter(Gateway.DataDirectory, after);
        Assert.Equal(
            [("admin", "auditor", 200), ("admin", "auditor", 200), ("admin", "auditor", 400), ("patient", fixture.Patient, 403), ("unit", "unit-a", 403), ("anonymous", "", 401)],
            rows.Select(r => (r.Role, r.Subject, r.Status)));
        Assert.All(rows, r => Assert.Equal("audit", r.Resource));

        // The reads show up in the trail they read.
        var page = await (await Gateway.GetAsync($"/api/v1/audit?subject=auditor&after={after}", admin)).JsonAsync();
        Assert.Equal(3, page.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task The_ops_event_stream_carries_no_patient_data()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/ops/events");
        request.Headers.Authorization = new("Bearer", fixture.AdminToken("ops", PartnerSetup.AllScopes));
        using var response = await Gateway.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var received = new StringBuilder();
        using var reading = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        // A unit connects and registers its patients, a patient books at it, and the unit leaves, while the stream is open.
        var unit = await UnitNodeHost.StartAsync("unit-stream", fixture.UnitsDirectory, Gateway.WebSocketBase, Gateway.UnitToken("unit-stream"), seedPatients: 2);
        IReadOnlyList<string> patients;
        try
        {
            patients = await unit.PatientIdsAsync();
            await Eventually.AssertAsync(async () => Assert.Equal(HttpStatusCode.OK,
                (await Gateway.GetAsync($"/api/v1/patients/{patients[0]}/appointments", Gateway.PatientToken(patients[0]))).StatusCode));
            var booked = await Gateway.SendAsync(HttpMethod.Post, $"/api/v1/patients/{patients[0]}/appointments", Gateway.PatientToken(patients[0]),
                Fixture.ConfidentialBooking(DateTimeOffset.UtcNow.Date.AddDays(45)), prefer: "wait=20");
            Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        }
        finally
        {
            await unit.DisposeAsync();
        }

        // Read until the unit's disconnect arrived: everything it caused before is in the stream by then.
        var buffer = new byte[4096];
        while (!Regex.IsMatch(received.ToString(), "\"type\":\"unit-disconnected\"[^\n]*\"unitId\":\"unit-stream\""))
        {
            var n = await stream.ReadAsync(buffer, reading.Token);
            Assert.NotEqual(0, n);
            received.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }
        var text = received.ToString();
        foreach (var patient in patients.Append(fixture.Patient)) Assert.DoesNotContain(patient, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Fixture.Clinician, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Fixture.VisitReason, text, StringComparison.Ordinal);
    }

    public sealed class Fixture : IAsyncLifetime
    {
        public const string Clinician = "Dr. Confidential";
        public const string VisitReason = "Confidential visit reason";

        private readonly TempDirectory _temp = new();
        private UnitNodeHost _unit = null!;

        public GatewayNode Gateway { get; private set; } = null!;
        public string UnitsDirectory => _temp.Sub("units");
        public string Patient { get; private set; } = "";
        public string PatientOperation { get; private set; } = "";
        public string PartnerOperation { get; private set; } = "";

        public static object ConfidentialBooking(DateTimeOffset startsAt) =>
            new { startsAt, durationMinutes = 30, clinician = Clinician, reason = VisitReason };

        public async Task InitializeAsync()
        {
            var settings = new Dictionary<string, string?>()
                .Grant("partner-full", PartnerSetup.AllScopes, "unit-a")
                .GrantAdmin("dpo-a", "appointments.read", "unit-a")
                .GrantAdmin("dpo-b", "appointments.read", "unit-b");
            Gateway = await GatewayNode.StartAsync(_temp.Sub("gw"), settings: settings);
            _unit = await UnitNodeHost.StartAsync("unit-a", UnitsDirectory, Gateway.WebSocketBase, Gateway.UnitToken("unit-a"), seedPatients: 2);
            Patient = (await _unit.PatientIdsAsync())[0];
            await Eventually.AssertAsync(async () => Assert.Equal(HttpStatusCode.OK,
                (await Gateway.GetAsync($"/api/v1/patients/{Patient}/appointments", Gateway.PatientToken(Patient))).StatusCode));

            var start = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(30), TimeSpan.Zero);
            // Applied (with a result naming the clinician and reason) within the wait window.
            PatientOperation = await BookAsync(Gateway.PatientToken(Patient), start);
            PartnerOperation = await BookAsync(Gateway.PartnerToken("partner-full", PartnerSetup.AllScopes), start.AddHours(1));
        }

        private async Task<string> BookAsync(string token, DateTimeOffset start)
        {
            var response = await Gateway.SendAsync(HttpMethod.Post, $"/api/v1/patients/{Patient}/appointments", token, ConfidentialBooking(start), prefer: "wait=20");
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return (await response.JsonAsync()).GetProperty("id").GetString()!;
        }

        /// <summary>An admin token; its scopes (space-separated) count only as far as a grant names them.</summary>
        public string AdminToken(string subject, string scopes) =>
            Gateway.Tokens.Mint(Roles.Admin, subject, TimeSpan.FromMinutes(30), scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        public async Task DisposeAsync()
        {
            await _unit.DisposeAsync();
            await Gateway.DisposeAsync();
            _temp.Dispose();
        }
    }
}
