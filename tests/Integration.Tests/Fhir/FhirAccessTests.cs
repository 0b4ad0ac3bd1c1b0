using System.Net;
using System.Text.Json;
using HealthGateway.Gateway.Fhir;
using HealthGateway.Integration.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Routing;
using Task = System.Threading.Tasks.Task;

namespace HealthGateway.Integration.Tests.Fhir;

/// <summary>
/// Who may use which FHIR route (every role, SMART and gateway scope names, partial SMART scopes), the audit row of a
/// FHIR access, the CapabilityStatement held against the routing table, and SMART discovery.
/// </summary>
[Collection(FhirGateway.Collection)]
public sealed class FhirAccessTests(FhirGateway fixture)
{
    public enum Caller { PatientOwn, PatientOther, PartnerSmart, PartnerGatewayScopes, PartnerAppointmentsOnly, PartnerConditionOnly, PartnerUngrantedUnit, Unit, Admin, Anonymous }

    public enum Route
    {
        SearchAppointment, ReadAppointment, CreateAppointment, UpdateAppointment, SearchInvoice, ReadInvoice, PayInvoice,
        SearchAllergyIntolerance, SearchCondition, SearchMedicationStatement, SearchEncounter, ReadPatient, Everything, Metadata,
        /// <summary>The async pattern's status URL: checked against /api/v1/operations/{id} (<see cref="The_FHIR_operation_status_has_the_authorization_of_api_v1"/>).</summary>
        OperationStatus,
    }

    // Columns in Caller order. PartnerConditionOnly holds system/Condition.rs only: records.read shows all four record
    // types together, so one type's scope opens none (least privilege).
    private static readonly Dictionary<Route, int[]> Expected = new()
    {
        [Route.SearchAppointment] = [200, 404, 200, 200, 200, 403, 404, 403, 403, 401],
        [Route.ReadAppointment] = [200, 404, 200, 200, 200, 403, 404, 403, 403, 401],
        [Route.CreateAppointment] = [202, 404, 202, 202, 403, 403, 404, 403, 403, 401],
        [Route.UpdateAppointment] = [202, 404, 202, 202, 403, 403, 404, 403, 403, 401],
        [Route.SearchInvoice] = [200, 404, 200, 200, 403, 403, 404, 403, 403, 401],
        [Route.ReadInvoice] = [200, 404, 200, 200, 403, 403, 404, 403, 403, 401],
        [Route.PayInvoice] = [202, 404, 202, 202, 403, 403, 404, 403, 403, 401],
        [Route.SearchAllergyIntolerance] = [200, 404, 200, 200, 403, 403, 404, 403, 403, 401],
        [Route.SearchCondition] = [200, 404, 200, 200, 403, 403, 404, 403, 403, 401],
        [Route.SearchMedicationStatement] = [200, 404, 200, 200, 403, 403, 404, 403, 403, 401],
        [Route.SearchEncounter] = [200, 404, 200, 200, 403, 403, 404, 403, 403, 401],
        [Route.ReadPatient] = [200, 404, 200, 200, 403, 403, 404, 403, 403, 401],
        [Route.Everything] = [200, 404, 200, 200, 403, 403, 404, 403, 403, 401],
        [Route.Metadata] = [200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
    };

    public static TheoryData<Caller, Route, int> Matrix()
    {
        var data = new TheoryData<Caller, Route, int>();
        foreach (var (route, statuses) in Expected)
            foreach (var caller in Enum.GetValues<Caller>())
                data.Add(caller, route, statuses[(int)caller]);
        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Each_role_and_scope_gets_the_documented_status_on_each_route(Caller caller, Route route, int expected)
    {
        var p = fixture.Patient;
        var token = TokenOf(caller);
        var appointmentId = (await fixture.Unit.Store.GetAppointmentsAsync(p))!.Appointments[0].Id;
        var invoiceId = (await fixture.Unit.Store.GetInvoicesAsync(p))!.Invoices[0].Id;
        var start = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(200 + (int)caller), TimeSpan.Zero);
        var pay = new Parameters();
        pay.Add("amount", new Money { Value = 1m, Currency = Money.Currencies.EUR });
        pay.Add("paymentReference", new FhirString("matrix"));
        var gateway = fixture.Gateway;
        var response = route switch
        {
            Route.SearchAppointment => await gateway.SendFhirAsync(HttpMethod.Get, $"/fhir/r4/Appointment?patient=Patient/{p}", token),
            Route.ReadAppointment => await gateway.SendFhirAsync(HttpMethod.Get, $"/fhir/r4/Appointment/{p}.{appointmentId}", token),
            Route.CreateAppointment => await gateway.SendFhirAsync(HttpMethod.Post, "/fhir/r4/Appointment", token,
                FhirPartnerTests.NewAppointment(p, start), prefer: "respond-async"),
            Route.UpdateAppointment => await gateway.SendFhirAsync(HttpMethod.Put, $"/fhir/r4/Appointment/{p}.a-matrix", token,
                FhirPartnerTests.NewAppointment(p, start), prefer: "respond-async"),
            Route.SearchInvoice => await gateway.SendFhirAsync(HttpMethod.Get, $"/fhir/r4/Invoice?patient={p}", token),
            Route.ReadInvoice => await gateway.SendFhirAsync(HttpMethod.Get, $"/fhir/r4/Invoice/{p}.{invoiceId}", token),
            Route.PayInvoice => await gateway.SendFhirAsync(HttpMethod.Post, $"/fhir/r4/Invoice/{p}.inv-matrix/$pay", token, pay, prefer: "respond-async"),
            Route.SearchAllergyIntolerance => await gateway.SendFhirAsync(HttpMethod.Get, $"/fhir/r4/AllergyIntolerance?patient={p}", token),
            Route.SearchCondition => await gateway.SendFhirAsync(HttpMethod.Get, $"/fhir/r4/Condition?patient={p}", token),
            Route.SearchMedicationStatement => await gateway.SendFhirAsync(HttpMethod.Get, $"/fhir/r4/MedicationStatement?patient={p}", token),
            Route.SearchEncounter => await gateway.SendFhirAsync(HttpMethod.Get, $"/fhir/r4/Encounter?patient={p}", token),
            Route.ReadPatient => await gateway.SendFhirAsync(HttpMethod.Get, $"/fhir/r4/Patient/{p}", token),
            Route.Everything => await gateway.SendFhirAsync(HttpMethod.Get, $"/fhir/r4/Patient/{p}/$everything", token),
            Route.Metadata => await gateway.SendFhirAsync(HttpMethod.Get, "/fhir/r4/metadata", token),
            _ => throw new ArgumentOutOfRangeException(nameof(route)),
        };

        Assert.Equal((HttpStatusCode)expected, response.StatusCode);
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        if (expected >= 400) await response.ResourceAsync<OperationOutcome>();
    }

    private string? TokenOf(Caller caller)
    {
        var gateway = fixture.Gateway;
        return caller switch
        {
            Caller.PatientOwn => gateway.PatientToken(fixture.Patient),
            Caller.PatientOther => gateway.PatientToken(fixture.OtherPatient),
            Caller.PartnerSmart => fixture.PartnerToken(),
            Caller.PartnerGatewayScopes => gateway.PartnerToken("fhir-partner", PartnerSetup.AllScopes),
            Caller.PartnerAppointmentsOnly => gateway.PartnerToken("fhir-narrow", FhirGateway.SmartAll), // granted appointments.read only
            Caller.PartnerConditionOnly => fixture.PartnerToken("system/Condition.rs"),
            Caller.PartnerUngrantedUnit => gateway.PartnerToken("fhir-elsewhere", FhirGateway.SmartAll),
            Caller.Unit => gateway.UnitToken("unit-f1"),
            Caller.Admin => gateway.AdminToken(),
            Caller.Anonymous => null,
            _ => throw new ArgumentOutOfRangeException(nameof(caller)),
        };
    }

    private IReadOnlyList<(string Method, string Pattern)> MappedFhirRoutes() =>
        fixture.Gateway.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.TrimStart('/').StartsWith("fhir/r4/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => (m, "/" + e.RoutePattern.RawText!.Trim('/'))))
            .Where(r => !r.Item2.Contains("/.well-known/", StringComparison.Ordinal))
            .ToList();

    public static TheoryData<Caller> Callers() => [.. Enum.GetValues<Caller>()];

    [Theory]
    [MemberData(nameof(Callers))]
    public async Task The_FHIR_operation_status_has_the_authorization_of_api_v1(Caller caller)
    {
        // An appointment booked by the SMART partner for the patient: the partner and the patient may follow it, nobody else.
        var start = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(300 + (int)caller).AddHours(15), TimeSpan.Zero);
        var accepted = await fixture.Gateway.SendFhirAsync(HttpMethod.Post, "/fhir/r4/Appointment", fixture.PartnerToken(),
            FhirPartnerTests.NewAppointment(fixture.Patient, start), prefer: "respond-async");
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var fhirUrl = accepted.Content.Headers.ContentLocation!.ToString();
        var v1Url = "/api/v1/operations/" + fhirUrl["/fhir/r4/_operations/".Length..];
        var token = TokenOf(caller);

        var fhir = await fixture.Gateway.SendFhirAsync(HttpMethod.Get, fhirUrl, token);
        var v1 = await fixture.Gateway.GetAsync(v1Url, token);

        // /api/v1 answers 200 with the state; FHIR 200 (applied: the resource) or 202 (not yet: an OperationOutcome)
        if (v1.StatusCode == HttpStatusCode.OK) Assert.Contains(fhir.StatusCode, new[] { HttpStatusCode.OK, HttpStatusCode.Accepted });
        else Assert.Equal(v1.StatusCode, fhir.StatusCode);
        Assert.Equal(caller is Caller.PatientOwn or Caller.PartnerSmart or Caller.PartnerGatewayScopes or Caller.PartnerConditionOnly,
            v1.StatusCode == HttpStatusCode.OK);
        Assert.Equal("application/fhir+json", fhir.Content.Headers.ContentType?.MediaType);
        if (fhir.StatusCode == HttpStatusCode.OK) FhirValidation.AssertValid(await fhir.ResourceAsync<Appointment>());
        else FhirValidation.AssertValid(await fhir.ResourceAsync<OperationOutcome>());

        // settled before the next test counts the patient's appointments
        await Eventually.AssertAsync(async () => Assert.Equal("applied", await fixture.Gateway.OperationStatusAsync(v1Url, fixture.PartnerToken())),
            TimeSpan.FromSeconds(60));
    }

    [Fact]
    public void The_matrix_covers_every_mapped_FHIR_route()
    {
        Assert.Equal(Enum.GetValues<Route>().Length, MappedFhirRoutes().Count);
    }

    [Fact]
    public async Task The_CapabilityStatement_lists_exactly_the_mapped_routes()
    {
        var response = await fixture.Gateway.SendFhirAsync(HttpMethod.Get, "/fhir/r4/metadata", null);
        var statement = await response.ResourceAsync<CapabilityStatement>();
        // metadata, and the status URL of FHIR's asynchronous pattern (a protocol URL, not a resource interaction)
        var declared = new HashSet<(string, string)> { ("GET", "/fhir/r4/metadata"), ("GET", "/fhir/r4/_operations/{operationId}") };
        foreach (var resource in statement.Rest.Single().Resource)
        {
            foreach (var interaction in resource.Interaction)
                declared.Add(interaction.Code switch
                {
                    CapabilityStatement.TypeRestfulInteraction.Read => ("GET", $"/fhir/r4/{resource.Type}/{{id}}"),
                    CapabilityStatement.TypeRestfulInteraction.SearchType => ("GET", $"/fhir/r4/{resource.Type}"),
                    CapabilityStatement.TypeRestfulInteraction.Create => ("POST", $"/fhir/r4/{resource.Type}"),
                    CapabilityStatement.TypeRestfulInteraction.Update => ("PUT", $"/fhir/r4/{resource.Type}/{{id}}"),
                    var other => throw new Xunit.Sdk.XunitException($"undeclared interaction kind {other}"),
                });
            foreach (var operation in resource.Operation)
                declared.Add((operation.Name == "everything" ? "GET" : "POST", $"/fhir/r4/{resource.Type}/{{id}}/${operation.Name}"));
        }
        Assert.Equal(declared.Order(), MappedFhirRoutes().Order());
    }

    [Fact]
    public async Task A_FHIR_access_leaves_the_same_audit_row_as_api_v1()
    {
        var token = fixture.Gateway.PartnerToken("fhir-partner", FhirGateway.SmartAll + " system/Patient.r");
        var subject = "fhir-partner";
        var before = await AuditRowsAsync(fixture.OtherPatient, subject);
        var response = await fixture.Gateway.SendFhirAsync(HttpMethod.Get, $"/fhir/r4/Condition?patient={fixture.OtherPatient}", token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Eventually.AssertAsync(async () =>
        {
            var rows = await AuditRowsAsync(fixture.OtherPatient, subject);
            var row = Assert.Single(rows.Skip(before.Count));
            Assert.Equal(("partner", "Condition", "read", 200), (row.GetProperty("role").GetString(), row.GetProperty("resource").GetString(),
                row.GetProperty("action").GetString(), row.GetProperty("status").GetInt32()));
        });
    }

    [Fact]
    public async Task A_body_over_the_cap_is_413_as_an_OperationOutcome_and_books_nothing()
    {
        var token = fixture.Gateway.PatientToken(fixture.Patient);
        var before = await fixture.Gateway.GetAsync($"/api/v1/patients/{fixture.Patient}/appointments", token);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/fhir/r4/Appointment")
        {
            Content = new StringContent("{\"resourceType\":\"Appointment\",\"comment\":\"" + new string('a', 100_000) + "\"}", System.Text.Encoding.UTF8, "application/fhir+json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        var response = await fixture.Gateway.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var outcome = await response.JsonAsync();
        Assert.Equal("OperationOutcome", outcome.GetProperty("resourceType").GetString());
        var after = await fixture.Gateway.GetAsync($"/api/v1/patients/{fixture.Patient}/appointments", token);
        Assert.Equal(await before.Content.ReadAsStringAsync(), await after.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_flooding_caller_gets_429_as_an_OperationOutcome_with_Retry_After()
    {
        // The per-caller limit (FhirGateway: 300 burst, 50/s): one caller asking far faster than that is throttled;
        // an unknown patient keeps each request cheap (404) until the limiter answers instead.
        var flooder = fixture.Gateway.PatientToken("p-fhir-flood");
        HttpResponseMessage? throttled = null;
        for (var i = 0; i < 3_000 && throttled is null; i++)
        {
            var response = await fixture.Gateway.SendFhirAsync(HttpMethod.Get, "/fhir/r4/Appointment?patient=p-fhir-flood", flooder);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) throttled = response;
            else Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        Assert.NotNull(throttled);
        Assert.NotNull(throttled.Headers.RetryAfter);
        FhirValidation.AssertValid(await throttled.ResourceAsync<OperationOutcome>());
        // someone else is not throttled by it
        Assert.Equal(HttpStatusCode.OK, (await fixture.Gateway.SendFhirAsync(HttpMethod.Get, "/fhir/r4/metadata", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Gateway.SendFhirAsync(HttpMethod.Get,
            $"/fhir/r4/Appointment?patient={fixture.Patient}", fixture.Gateway.PatientToken(fixture.Patient))).StatusCode);
    }

    [Fact]
    public async Task A_unit_too_slow_to_answer_a_read_is_504_as_an_OperationOutcome()
    {
        // A hand-made unit that takes the read and never answers it (the gateway's read deadline is 5 s).
        await using var unit = await ChangingUnit.AttachAsync(fixture.Gateway, "unit-f-slow", "p-fhir-slow");
        var response = fixture.Gateway.SendFhirAsync(HttpMethod.Get, "/fhir/r4/Condition?patient=Patient/p-fhir-slow",
            fixture.Gateway.PatientToken("p-fhir-slow"));
        var request = Assert.IsType<Protocol.Frames.Request>(await unit.Client.ReceiveAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(Protocol.Operations.GetRecords, request.Operation);

        var answer = await response;
        Assert.Equal(HttpStatusCode.GatewayTimeout, answer.StatusCode);
        FhirValidation.AssertValid(await answer.ResourceAsync<OperationOutcome>());
    }

    private async Task<List<JsonElement>> AuditRowsAsync(string patientId, string subject)
    {
        var response = await fixture.Gateway.GetAsync($"/api/v1/audit?patientId={patientId}&subject={subject}&limit=1000", fixture.Gateway.AdminToken());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("items").EnumerateArray().ToList();
    }

    [Fact]
    public async Task SMART_configuration_names_the_issuer_and_the_v2_scopes()
    {
        foreach (var path in new[] { "/.well-known/smart-configuration", "/fhir/r4/.well-known/smart-configuration" })
        {
            var response = await fixture.Gateway.GetAsync(path, null);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var json = await response.JsonAsync();
            Assert.Equal("https://healthgateway.local/dev", json.GetProperty("issuer").GetString());
            Assert.Contains("permission-v2", json.GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()));
            Assert.Contains("patient/Appointment.rs", json.GetProperty("scopes_supported").EnumerateArray().Select(c => c.GetString()));
        }
        Assert.Equal(SmartConfiguration.ScopesSupported.Length, SmartConfiguration.ScopesSupported.Distinct().Count());
    }
}
