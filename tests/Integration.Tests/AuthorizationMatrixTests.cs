using System.Net;
using HealthGateway.Integration.Tests.Infrastructure;

namespace HealthGateway.Integration.Tests;

/// <summary>
/// Every role against every REST endpoint, through a real gateway and a real UnitNode host. Allowed
/// writes use <c>Prefer: respond-async</c>, so they answer 202 once durable.
/// </summary>
public sealed class AuthorizationMatrixTests(AuthorizationMatrixTests.Fixture fixture) : IClassFixture<AuthorizationMatrixTests.Fixture>
{
    public enum Caller { PatientOwn, PatientOther, PartnerGranted, PartnerWithoutScope, PartnerUngrantedUnit, Unit, Admin, Anonymous }

    public enum Endpoint { ReadAppointments, ReadInvoices, ReadRecords, Book, Reschedule, Cancel, Pay, Operation, Audit, Events, Ops, OpsOperation }

    // Columns in Caller order: own, other, partner granted, partner w/o scope, partner ungranted unit, unit, admin, anonymous.
    private static readonly Dictionary<Endpoint, int[]> Expected = new()
    {
        [Endpoint.ReadAppointments] = [200, 404, 200, 403, 404, 403, 403, 401],
        [Endpoint.ReadInvoices] = [200, 404, 200, 403, 404, 403, 403, 401],
        [Endpoint.ReadRecords] = [200, 404, 200, 403, 404, 403, 403, 401],
        [Endpoint.Book] = [202, 404, 202, 403, 404, 403, 403, 401],
        [Endpoint.Reschedule] = [202, 404, 202, 403, 404, 403, 403, 401],
        [Endpoint.Cancel] = [202, 404, 202, 403, 404, 403, 403, 401],
        [Endpoint.Pay] = [202, 404, 202, 403, 404, 403, 403, 401],
        [Endpoint.Operation] = [200, 404, 200, 404, 404, 403, 403, 401],
        [Endpoint.Audit] = [403, 403, 403, 403, 403, 403, 200, 401],
        // The live stream is for patients only: it declares no scope, so no partner grant opens it.
        [Endpoint.Events] = [200, 404, 403, 403, 403, 403, 403, 401],
        // Every ops route has its own authorization test (OpsApiAuthorizationTests); one stands for them here.
        [Endpoint.Ops] = [403, 403, 403, 403, 403, 403, 200, 401],
        // Admins only; an ungranted admin gets 200 with the patient fields withheld (OpsPatientDataTests).
        [Endpoint.OpsOperation] = [403, 403, 403, 403, 403, 403, 200, 401],
    };

    public static TheoryData<Caller, Endpoint, int> Matrix()
    {
        var data = new TheoryData<Caller, Endpoint, int>();
        foreach (var (endpoint, statuses) in Expected)
            foreach (var caller in Enum.GetValues<Caller>())
                data.Add(caller, endpoint, statuses[(int)caller]);
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Each_role_gets_the_documented_status_on_each_endpoint(Caller caller, Endpoint endpoint, int expected)
    {
        var p = $"/api/v1/patients/{fixture.Patient}";
        var token = fixture.TokenOf(caller);
        var start = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(60), TimeSpan.Zero);
        var response = endpoint switch
        {
            Endpoint.ReadAppointments => await fixture.Gateway.GetAsync($"{p}/appointments", token),
            Endpoint.ReadInvoices => await fixture.Gateway.GetAsync($"{p}/invoices", token),
            Endpoint.ReadRecords => await fixture.Gateway.GetAsync($"{p}/records", token),
            Endpoint.Book => await Send(HttpMethod.Post, $"{p}/appointments", token, WriteClient.Booking(start)),
            Endpoint.Reschedule => await Send(HttpMethod.Put, $"{p}/appointments/appt-matrix", token, new { startsAt = start }),
            Endpoint.Cancel => await Send(HttpMethod.Delete, $"{p}/appointments/appt-matrix", token, null),
            Endpoint.Pay => await Send(HttpMethod.Post, $"{p}/invoices/inv-matrix/payments", token,
                new { amountCents = 100, currency = "EUR", paymentReference = "matrix" }),
            Endpoint.Operation => await fixture.Gateway.GetAsync(
                $"/api/v1/operations/{(caller is Caller.PatientOwn or Caller.PatientOther ? fixture.PatientOperation : fixture.PartnerOperation)}", token),
            Endpoint.Audit => await fixture.Gateway.GetAsync("/api/v1/audit?limit=1", token),
            Endpoint.Events => await OpenEventStream($"{p}/events", token),
            Endpoint.Ops => await fixture.Gateway.GetAsync("/api/v1/ops/cluster", token),
            Endpoint.OpsOperation => await fixture.Gateway.GetAsync($"/api/v1/ops/operations/{fixture.PatientOperation}", token),
            _ => throw new ArgumentOutOfRangeException(nameof(endpoint)),
        };

        Assert.Equal((HttpStatusCode)expected, response.StatusCode);
        if (expected >= 400) Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>Every mapped REST route is in the matrix (or, under /api/v1/ops, in the ops authorization test).</summary>
    [Fact]
    public void The_matrix_covers_every_mapped_route()
    {
        string[] covered =
        [
            "GET /api/v1/patients/{patientId}/appointments", "GET /api/v1/patients/{patientId}/invoices", "GET /api/v1/patients/{patientId}/records",
            "POST /api/v1/patients/{patientId}/appointments", "PUT /api/v1/patients/{patientId}/appointments/{appointmentId}",
            "DELETE /api/v1/patients/{patientId}/appointments/{appointmentId}", "POST /api/v1/patients/{patientId}/invoices/{invoiceId}/payments",
            "GET /api/v1/operations/{operationId}", "GET /api/v1/audit", "GET /api/v1/patients/{patientId}/events",
        ];
        var mapped = fixture.Gateway.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.TrimStart('/').StartsWith("api/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => $"{m} /{e.RoutePattern.RawText!.Trim('/')}"))
            .Where(route => !route.Contains(" /api/v1/ops/", StringComparison.Ordinal))
            .ToHashSet();
        Assert.Empty(mapped.Except(covered));
    }

    private async Task<HttpResponseMessage> OpenEventStream(string path, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null) request.Headers.Authorization = new("Bearer", token);
        request.Headers.Accept.ParseAdd("text/event-stream");
        // Headers only: an allowed stream stays open; disposing the response closes it.
        var response = await fixture.Gateway.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (response.IsSuccessStatusCode) response.Dispose();
        return response;
    }

    private async Task<HttpResponseMessage> Send(HttpMethod method, string path, string? token, object? body)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null) request.Headers.Authorization = new("Bearer", token);
        if (body is not null) request.Content = System.Net.Http.Json.JsonContent.Create(body);
        request.Headers.Add("Prefer", "respond-async");
        return await fixture.Gateway.Http.SendAsync(request);
    }

    public sealed class Fixture : IAsyncLifetime
    {
        private readonly TempDirectory _temp = new();
        private UnitNodeHost _unit = null!;

        public GatewayNode Gateway { get; private set; } = null!;
        public string Patient { get; private set; } = "";
        public string OtherPatient { get; private set; } = "";
        public string PatientOperation { get; private set; } = "";
        public string PartnerOperation { get; private set; } = "";

        public async Task InitializeAsync()
        {
            var settings = new Dictionary<string, string?>()
                .Grant("partner-full", PartnerSetup.AllScopes, "unit-a")
                .Grant("partner-narrow", "appointments.read", "unit-a")
                .Grant("partner-elsewhere", PartnerSetup.AllScopes, "unit-b");
            Gateway = await GatewayNode.StartAsync(_temp.Sub("gw"), settings: settings);
            _unit = await UnitNodeHost.StartAsync("unit-a", _temp.Sub("units"), Gateway.WebSocketBase, Gateway.UnitToken("unit-a"), seedPatients: 3);
            var patients = await _unit.PatientIdsAsync();
            (Patient, OtherPatient) = (patients[0], patients[1]);
            foreach (var p in new[] { Patient, OtherPatient })
                await Eventually.AssertAsync(async () => Assert.Equal(HttpStatusCode.OK,
                    (await Gateway.GetAsync($"/api/v1/patients/{p}/appointments", Gateway.PatientToken(p))).StatusCode));

            var start = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(50), TimeSpan.Zero);
            PatientOperation = await BookAsync(TokenOf(Caller.PatientOwn)!, start);
            PartnerOperation = await BookAsync(TokenOf(Caller.PartnerGranted)!, start.AddHours(1));
        }

        private async Task<string> BookAsync(string token, DateTimeOffset start)
        {
            var response = await Gateway.SendAsync(HttpMethod.Post, $"/api/v1/patients/{Patient}/appointments", token, WriteClient.Booking(start), prefer: "respond-async");
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            return response.Headers.Location!.ToString().Split('/')[^1];
        }

        public string? TokenOf(Caller caller) => caller switch
        {
            Caller.PatientOwn => Gateway.PatientToken(Patient),
            Caller.PatientOther => Gateway.PatientToken(OtherPatient),
            Caller.PartnerGranted => Gateway.PartnerToken("partner-full", PartnerSetup.AllScopes),
            // Granted appointments.read only; its token carries every scope but that one.
            Caller.PartnerWithoutScope => Gateway.PartnerToken("partner-narrow", "appointments.write billing.read billing.write records.read"),
            Caller.PartnerUngrantedUnit => Gateway.PartnerToken("partner-elsewhere", PartnerSetup.AllScopes),
            Caller.Unit => Gateway.UnitToken("unit-a"),
            Caller.Admin => Gateway.AdminToken(),
            Caller.Anonymous => null,
            _ => throw new ArgumentOutOfRangeException(nameof(caller)),
        };

        public async Task DisposeAsync()
        {
            await _unit.DisposeAsync();
            await Gateway.DisposeAsync();
            _temp.Dispose();
        }
    }
}
