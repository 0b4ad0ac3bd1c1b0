using System.Net;
using System.Text.Json;
using Akka.Actor;
using Akka.Cluster.Sharding;
using HealthGateway.Gateway.Audit;
using HealthGateway.Gateway.Auth;
using HealthGateway.Gateway.Units.Messages;
using HealthGateway.Integration.Tests.Infrastructure;

namespace HealthGateway.Integration.Tests;

/// <summary>
/// The audit trail against a real gateway and unit: one row per request to patient data (reads, writes,
/// denials, 401s), durable before the answer, queryable by admins only; denials leave nothing else behind.
/// </summary>
public sealed class AuditTrailTests(AuditTrailTests.Fixture fixture) : IClassFixture<AuditTrailTests.Fixture>
{
    private GatewayNode Gateway => fixture.Gateway;
    private string P1 => fixture.Patient;
    private string P2 => fixture.OtherPatient;

    [Fact]
    public async Task Reads_writes_and_denials_each_leave_one_row_with_who_what_and_outcome()
    {
        var after = fixture.LastAuditId();
        var start = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(70), TimeSpan.Zero);

        Assert.Equal(HttpStatusCode.OK, (await Gateway.GetAsync($"/api/v1/patients/{P1}/appointments", Gateway.PatientToken(P1))).StatusCode);
        var booked = await Gateway.SendAsync(HttpMethod.Post, $"/api/v1/patients/{P1}/appointments", Gateway.PatientToken(P1), WriteClient.Booking(start), prefer: "respond-async");
        Assert.Equal(HttpStatusCode.Accepted, booked.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Gateway.GetAsync(booked.Headers.Location!.ToString(), Gateway.PatientToken(P1))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Gateway.GetAsync($"/api/v1/patients/{P1}/invoices", Gateway.PartnerToken("partner-full", PartnerSetup.AllScopes))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Gateway.GetAsync($"/api/v1/patients/{P1}/records", Gateway.PatientToken(P2))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Gateway.GetAsync($"/api/v1/patients/{P1}/records", Gateway.UnitToken("unit-a"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Gateway.GetAsync($"/api/v1/patients/{P1}/records", null)).StatusCode);

        // Read back through the admin API: every row is there as soon as the answers came back.
        var page = await fixture.QueryAsync($"patientId={P1}&after={after}");
        var rows = page.GetProperty("items").EnumerateArray()
            .Select(e => (Role: e.GetProperty("role").GetString(), Subject: e.GetProperty("subject").GetString(), Resource: e.GetProperty("resource").GetString(),
                Action: e.GetProperty("action").GetString(), Status: e.GetProperty("status").GetInt32(), Correlation: e.GetProperty("correlationId").GetString()))
            .ToList();
        Assert.Equal(
        [
            ("patient", P1, "appointments", "read", 200),
            ("patient", P1, "appointments", "write", 202),
            ("patient", P1, "operations", "read", 200),
            ("partner", "partner-full", "invoices", "read", 200),
            ("patient", P2, "records", "read", 404),
            ("unit", "unit-a", "records", "read", 403),
            ("anonymous", "", "records", "read", 401),
        ], rows.Select(r => (r.Role!, r.Subject!, r.Resource!, r.Action!, r.Status)).ToList());
        Assert.All(rows, r => Assert.False(string.IsNullOrEmpty(r.Correlation)));
        Assert.Equal(rows.Count, rows.Select(r => r.Correlation).Distinct().Count());
    }

    [Fact]
    public async Task Under_200_concurrent_mixed_requests_no_row_is_missing()
    {
        var after = fixture.LastAuditId();
        var p1 = Gateway.PatientToken(P1);
        var p2 = Gateway.PatientToken(P2);
        var partner = Gateway.PartnerToken("partner-full", PartnerSetup.AllScopes);
        var unit = Gateway.UnitToken("unit-a");
        var requests = Enumerable.Range(0, 200).Select(i => (i % 6) switch
        {
            0 => Gateway.GetAsync($"/api/v1/patients/{P1}/appointments", p1),
            1 => Gateway.GetAsync($"/api/v1/patients/{P1}/records", partner),
            2 => Gateway.GetAsync($"/api/v1/patients/{P1}/invoices", p2),
            3 => Gateway.GetAsync($"/api/v1/patients/{P1}/invoices", unit),
            4 => Gateway.GetAsync($"/api/v1/patients/{P1}/appointments", null),
            _ => Gateway.SendAsync(HttpMethod.Delete, $"/api/v1/patients/{P1}/appointments/appt-load-{i}", p1, prefer: "respond-async"),
        });
        var responses = await Task.WhenAll(requests);
        Assert.DoesNotContain(responses, r => (int)r.StatusCode >= 500);

        var rows = fixture.AuditRowsAfter(after);
        Assert.Equal(200, rows.Count);
        Assert.Equal(200, rows.Select(r => r.CorrelationId).Distinct().Count());
        Assert.Equal(
            responses.GroupBy(r => (int)r.StatusCode).ToDictionary(g => g.Key, g => g.Count()).OrderBy(p => p.Key),
            rows.GroupBy(r => r.Status).ToDictionary(g => g.Key, g => g.Count()).OrderBy(p => p.Key));
    }

    [Fact]
    public async Task Denied_requests_leave_nothing_behind_but_their_audit_row()
    {
        await fixture.SettledAsync();
        var tablesBefore = fixture.RowCountsExceptAudit();
        var after = fixture.LastAuditId();
        var start = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(90), TimeSpan.Zero);
        var book = WriteClient.Booking(start);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var unsigned = $"{B64("""{"alg":"none","typ":"JWT"}""")}.{B64($$"""{"sub":"{{P1}}","role":"patient","iat":{{now}},"exp":{{now + 600}}}""")}.";

        var denied = new (Task<HttpResponseMessage> Request, HttpStatusCode Status)[]
        {
            (Gateway.SendAsync(HttpMethod.Post, $"/api/v1/patients/{P1}/appointments", unsigned, book), HttpStatusCode.Unauthorized),
            (Gateway.SendAsync(HttpMethod.Post, $"/api/v1/patients/{P1}/appointments", Gateway.UnitToken("unit-a"), book), HttpStatusCode.Forbidden),
            (Gateway.SendAsync(HttpMethod.Post, $"/api/v1/patients/{P1}/appointments", Gateway.AdminToken(), book), HttpStatusCode.Forbidden),
            (Gateway.SendAsync(HttpMethod.Post, $"/api/v1/patients/{P1}/appointments", Gateway.PatientToken(P2), book), HttpStatusCode.NotFound),
            (Gateway.SendAsync(HttpMethod.Post, $"/api/v1/patients/{P1}/appointments", Gateway.PartnerToken("partner-narrow", PartnerSetup.AllScopes), book), HttpStatusCode.Forbidden),
            (Gateway.SendAsync(HttpMethod.Post, $"/api/v1/patients/{P1}/appointments", Gateway.PartnerToken("partner-elsewhere", PartnerSetup.AllScopes), book), HttpStatusCode.NotFound),
            (Gateway.SendAsync(HttpMethod.Post, "/api/v1/patients/p-ghost/appointments", Gateway.PatientToken("p-ghost"), book), HttpStatusCode.NotFound),
            (Gateway.GetAsync($"/api/v1/operations/{Guid.NewGuid():N}.unit-ghost", Gateway.PatientToken(P1)), HttpStatusCode.NotFound),
            (Gateway.GetAsync($"/api/v1/operations/{Guid.NewGuid():N}.unit-ghost", Gateway.PartnerToken("partner-full", PartnerSetup.AllScopes)), HttpStatusCode.NotFound),
        };
        foreach (var (request, status) in denied) Assert.Equal(status, (await request).StatusCode);

        Assert.Equal(tablesBefore, fixture.RowCountsExceptAudit());
        var rows = fixture.AuditRowsAfter(after);
        Assert.Equal(denied.Select(d => (int)d.Status).Order(), rows.Select(r => r.Status).Order());
        var state = await Gateway.Region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(state.Shards.SelectMany(s => s.EntityIds), id => id == "unit-ghost");
    }

    [Fact]
    public async Task A_body_that_does_not_bind_is_400_and_still_leaves_its_row()
    {
        // Binding runs before endpoint filters, so this 400 precedes the access decision; it carries no data and is audited.
        var after = fixture.LastAuditId();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/patients/{P1}/appointments")
        {
            Content = new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", Gateway.UnitToken("unit-a"));
        var response = await Gateway.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var row = Assert.Single(fixture.AuditRowsAfter(after));
        Assert.Equal(("unit", "unit-a", P1, "write", 400), (row.Role, row.Subject, row.PatientId, row.Action, row.Status));
    }

    [Fact]
    public async Task Body_and_query_fields_never_widen_access()
    {
        var start = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(100), TimeSpan.Zero);
        var body = new { patientId = P2, startsAt = start, durationMinutes = 30, clinician = "Dr. Body", reason = "Check-up" };

        // P1 names P2 in the body and the query: the write is still P1's.
        var own = await Gateway.SendAsync(HttpMethod.Post, $"/api/v1/patients/{P1}/appointments?patientId={P2}", Gateway.PatientToken(P1), body, prefer: "respond-async");
        Assert.Equal(HttpStatusCode.Accepted, own.StatusCode);
        Assert.Equal(P1, (await own.JsonAsync()).GetProperty("patientId").GetString());

        // P2 names itself in the body of P1's route: still someone else's patient.
        var other = await Gateway.SendAsync(HttpMethod.Post, $"/api/v1/patients/{P1}/appointments?patientId={P2}", Gateway.PatientToken(P2), body, prefer: "respond-async");
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);

        // A partner granted elsewhere cannot reach a granted patient through the query string.
        var partner = await Gateway.GetAsync($"/api/v1/patients/p-ghost/appointments?patientId={P1}", Gateway.PartnerToken("partner-elsewhere", PartnerSetup.AllScopes));
        Assert.Equal(HttpStatusCode.NotFound, partner.StatusCode);
    }

    [Fact]
    public async Task Partner_reads_and_writes_through_a_real_unit()
    {
        var token = Gateway.PartnerToken("partner-full", PartnerSetup.AllScopes);
        var read = await Gateway.GetAsync($"/api/v1/patients/{P2}/appointments", token);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var got = JsonSerializer.Deserialize(await read.Content.ReadAsStringAsync(), Protocol.Codec.ProtocolJsonContext.Default.AppointmentList)!;
        Assert.Equal((await fixture.Unit.Store.GetAppointmentsAsync(P2))!.Appointments, got.Appointments);

        var start = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(110), TimeSpan.Zero);
        var booked = await Gateway.SendAsync(HttpMethod.Post, $"/api/v1/patients/{P2}/appointments", token, WriteClient.Booking(start, "Dr. Partner"), prefer: "wait=20");
        Assert.Equal(HttpStatusCode.Created, booked.StatusCode);
        var appointments = (await fixture.Unit.Store.GetAppointmentsAsync(P2))!.Appointments;
        Assert.Contains(appointments, a => a.Clinician == "Dr. Partner");

        // The partner follows its own operation; the patient sees it too (its data); another partner does not.
        var location = booked.Headers.Location!.ToString();
        Assert.Equal("applied", await Gateway.OperationStatusAsync(location, token));
        Assert.Equal("applied", await Gateway.OperationStatusAsync(location, Gateway.PatientToken(P2)));
        Assert.Equal(HttpStatusCode.NotFound, (await Gateway.GetAsync(location, Gateway.PartnerToken("partner-narrow", "appointments.read"))).StatusCode);
    }

    [Fact]
    public async Task Audit_queries_filter_and_page_and_refuse_bad_parameters()
    {
        var after = fixture.LastAuditId();
        var subject = $"partner-full";
        var token = Gateway.PartnerToken(subject, PartnerSetup.AllScopes);
        for (var i = 0; i < 5; i++) await Gateway.GetAsync($"/api/v1/patients/{P2}/records", token);
        await Gateway.GetAsync($"/api/v1/patients/{P1}/records", Gateway.PatientToken(P1));

        var ids = new List<long>();
        long? cursor = after;
        while (cursor is not null)
        {
            var page = await fixture.QueryAsync($"subject={subject}&patientId={P2}&limit=2&after={cursor}");
            ids.AddRange(page.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("id").GetInt64()));
            cursor = page.TryGetProperty("next", out var next) && next.ValueKind == JsonValueKind.Number ? next.GetInt64() : null;
        }
        Assert.Equal(5, ids.Count);
        Assert.Equal(ids.Order(), ids);

        var from = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(1).ToString("O"));
        Assert.Empty((await fixture.QueryAsync($"after={after}&from={from}")).GetProperty("items").EnumerateArray());

        foreach (var bad in new[] { "limit=0", "limit=5000", "after=-1", "after=x", "from=yesterday", "to=2026-01-01T00:00:00Z&from=2026-02-01T00:00:00Z", "patient=p-1", "limit=1&limit=2" })
        {
            var response = await Gateway.GetAsync($"/api/v1/audit?{bad}", Gateway.AdminToken());
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{bad}: {response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    private static string B64(string json) => Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(System.Text.Encoding.UTF8.GetBytes(json));

    public sealed class Fixture : IAsyncLifetime
    {
        private readonly TempDirectory _temp = new();

        public GatewayNode Gateway { get; private set; } = null!;
        public UnitNodeHost Unit { get; private set; } = null!;
        public string Patient { get; private set; } = "";
        public string OtherPatient { get; private set; } = "";

        public async Task InitializeAsync()
        {
            var settings = new Dictionary<string, string?>()
                .Grant("partner-full", PartnerSetup.AllScopes, "unit-a")
                .Grant("partner-narrow", "appointments.read", "unit-a")
                .Grant("partner-elsewhere", PartnerSetup.AllScopes, "unit-b");
            Gateway = await GatewayNode.StartAsync(_temp.Sub("gw"), settings: settings);
            Unit = await UnitNodeHost.StartAsync("unit-a", _temp.Sub("units"), Gateway.WebSocketBase, Gateway.UnitToken("unit-a"), seedPatients: 3);
            var patients = await Unit.PatientIdsAsync();
            (Patient, OtherPatient) = (patients[0], patients[1]);
            foreach (var p in new[] { Patient, OtherPatient })
                await Eventually.AssertAsync(async () => Assert.Equal(HttpStatusCode.OK,
                    (await Gateway.GetAsync($"/api/v1/patients/{p}/appointments", Gateway.PatientToken(p))).StatusCode));
        }

        public async Task<JsonElement> QueryAsync(string query)
        {
            var response = await Gateway.GetAsync($"/api/v1/audit?{query}", Gateway.AdminToken());
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.JsonAsync();
        }

        /// <summary>
        /// Earlier tests' accepted writes settle, and the changes they cause come back from the unit, in the background:
        /// both write to the journal. Waits until the session holds no backlog and the unit's outbox is acknowledged.
        /// </summary>
        public Task SettledAsync() => Eventually.AssertAsync(async () =>
        {
            var status = await Gateway.Region.Ask<UnitSessionReplies.SessionStatus>(new UnitSessionCommands.GetStatus(Unit.UnitId), TimeSpan.FromSeconds(10));
            Assert.Equal(0, status.Backlog);
            Assert.Equal(0, Unit.UnacknowledgedChanges);
        });

        public long LastAuditId() => GatewayDb.LastAuditId(Gateway.DataDirectory);

        public IReadOnlyList<AuditEntry> AuditRowsAfter(long after) => GatewayDb.AuditRowsAfter(Gateway.DataDirectory, after);

        public Dictionary<string, long> RowCountsExceptAudit() => GatewayDb.RowCountsExceptAudit(Gateway.DataDirectory);

        public async Task DisposeAsync()
        {
            await Unit.DisposeAsync();
            await Gateway.DisposeAsync();
            _temp.Dispose();
        }
    }
}
