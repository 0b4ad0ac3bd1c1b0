using System.Net;
using HealthGateway.Integration.Tests.Infrastructure;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using Task = System.Threading.Tasks.Task;

namespace HealthGateway.Integration.Tests.Fhir;

/// <summary>
/// FHIR R4 as a partner uses it: Firely's FhirClient against a real gateway and real UnitNodes; every resource the
/// gateway returns is validated against the R4 base profiles.
/// </summary>
[Collection(FhirGateway.Collection)]
public sealed class FhirPartnerTests(FhirGateway fixture)
{
    private GatewayNode Gateway => fixture.Gateway;

    [Fact]
    public async Task Searches_page_through_exactly_what_the_unit_holds()
    {
        var client = fixture.Client(fixture.PartnerToken());
        var local = (await fixture.Unit.Store.GetAppointmentsAsync(fixture.Patient))!.Appointments;

        var page = await client.SearchAsync<Appointment>(new SearchParams().Where($"patient=Patient/{fixture.Patient}").LimitTo(2));
        Assert.Equal(local.Count, page!.Total);
        var seen = new List<Appointment>();
        while (page is not null)
        {
            FhirValidation.AssertValid(page);
            Assert.True(page.Entry.Count <= 2);
            seen.AddRange(page.Entry.Select(e => (Appointment)e.Resource!));
            page = await client.ContinueAsync(page);
        }
        Assert.Equal(local.Select(a => $"{fixture.Patient}.{a.Id}").Order(), seen.Select(a => a.Id).Order());
        Assert.Equal(seen.OrderBy(a => a.Start).Select(a => a.Id), seen.Select(a => a.Id)); // ordered by start

        // date ge/le and status narrow the same list
        var today = DateTime.UtcNow.Date;
        var future = await client.SearchAsync<Appointment>(new SearchParams()
            .Where($"patient={fixture.Patient}").Where($"date=ge{today:yyyy-MM-dd}").Where($"date=le{today.AddYears(2):yyyy-MM-dd}").Where("status=booked"));
        FhirValidation.AssertValid(future!);
        var expected = local.Where(a => a.StartsAt >= today && a.Status == Protocol.Contracts.AppointmentStatus.Booked).Select(a => $"{fixture.Patient}.{a.Id}").Order();
        Assert.Equal(expected, future!.Entry.Select(e => e.Resource!.Id).Order());

        var one = await client.ReadAsync<Appointment>($"Appointment/{fixture.Patient}.{local[0].Id}");
        FhirValidation.AssertValid(one!);
        Assert.Equal(local[0].StartsAt, one!.Start);
        Assert.Equal(local[0].DurationMinutes, one.MinutesDuration);
    }

    [Fact]
    public async Task Records_invoices_patient_and_everything_are_valid_R4()
    {
        var client = fixture.Client(fixture.PartnerToken());
        var patient = fixture.Patient;
        var record = (await fixture.Unit.Store.GetMedicalRecordAsync(patient))!;
        var invoices = (await fixture.Unit.Store.GetInvoicesAsync(patient))!.Invoices;

        foreach (var (type, count) in new[] { ("AllergyIntolerance", record.Allergies.Count), ("Condition", record.Conditions.Count),
                     ("MedicationStatement", record.Medications.Count), ("Encounter", record.Encounters.Count), ("Invoice", invoices.Count) })
        {
            var bundle = await client.SearchAsync(new SearchParams().Where($"patient=Patient/{patient}"), type);
            FhirValidation.AssertValid(bundle!);
            Assert.Equal(count, bundle!.Total);
            Assert.All(bundle.Entry, e => Assert.Equal(type, e.Resource!.TypeName));
        }

        var invoice = await client.ReadAsync<Invoice>($"Invoice/{patient}.{invoices[0].Id}");
        FhirValidation.AssertValid(invoice!);
        Assert.Equal(invoices[0].AmountCents / 100m, invoice!.TotalGross!.Value);

        // demographics live from the unit (patient.demographics), as its store holds them
        var read = await client.ReadAsync<Patient>($"Patient/{patient}");
        FhirValidation.AssertValid(read!);
        Assert.Equal(patient, read!.Id);
        var demographics = (await fixture.Unit.Store.GetDemographicsAsync(patient))!;
        Assert.Equal(demographics.Name, Assert.Single(read.Name).Text);
        Assert.NotNull(demographics.Gender);
        Assert.Equal(demographics.Gender.ToString(), read.Gender.ToString());
        Assert.Equal(demographics.BirthDate!.Value.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), read.BirthDate);

        var everything = await client.InstanceOperationAsync(new Uri($"Patient/{patient}", UriKind.Relative), "everything", useGet: true);
        var all = Assert.IsType<Bundle>(everything);
        FhirValidation.AssertValid(all);
        var expected = 1 + record.Allergies.Count + record.Conditions.Count + record.Medications.Count + record.Encounters.Count
            + (await fixture.Unit.Store.GetAppointmentsAsync(patient))!.Appointments.Count + invoices.Count;
        Assert.Equal(expected, all.Entry.Count);
        Assert.Equal(demographics.Name, all.Entry.Select(e => e.Resource).OfType<Patient>().Single().Name.Single().Text);

        var metadata = await client.CapabilityStatementAsync();
        FhirValidation.AssertValid(metadata!);

        // the validator does catch what breaks R4 (here: an Appointment without status and participants)
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => FhirValidation.AssertValid(new Appointment { Id = "broken" }));
    }

    [Fact]
    public async Task Conditional_create_books_once_returns_the_match_and_refuses_ambiguity()
    {
        var patient = (await fixture.Unit.PatientIdsAsync())[2];
        var token = Gateway.PatientToken(patient);
        var start = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(150).AddHours(14), TimeSpan.Zero);
        var condition = $"date={start.UtcDateTime:yyyy-MM-ddTHH:mm:ss}Z&status=booked";
        async Task<int> BookedAtUnit() => (await fixture.Unit.Store.GetAppointmentsAsync(patient))!.Appointments.Count;
        var before = await BookedAtUnit();

        // 0 matches: created
        var created = await SendConditionalAsync(patient, token, start, condition);
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var booked = await created.ResourceAsync<Appointment>();
        Assert.Equal(before + 1, await BookedAtUnit());

        // 1 match: 200 with that appointment, nothing booked
        var again = await SendConditionalAsync(patient, token, start, condition);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var existing = await again.ResourceAsync<Appointment>();
        FhirValidation.AssertValid(existing);
        Assert.Equal(booked.Id, existing.Id);
        Assert.Equal(before + 1, await BookedAtUnit());

        // more than one match: 412, nothing booked (the seeded future appointments are booked too)
        var ambiguous = await SendConditionalAsync(patient, token, start.AddHours(1), "status=booked");
        Assert.Equal(HttpStatusCode.PreconditionFailed, ambiguous.StatusCode);
        await ambiguous.ResourceAsync<OperationOutcome>();
        Assert.Equal(before + 1, await BookedAtUnit());

        // criteria the search does not serve, or another patient: 400; a create-only token may not learn what exists: 403
        Assert.Equal(HttpStatusCode.BadRequest, (await SendConditionalAsync(patient, token, start, "identifier=x")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendConditionalAsync(patient, token, start, $"patient={fixture.OtherPatient}&status=booked")).StatusCode);
        var createOnly = await SendConditionalAsync(patient, fixture.PartnerToken("system/Appointment.c"), start, condition);
        Assert.Equal(HttpStatusCode.Forbidden, createOnly.StatusCode);
        await createOnly.ResourceAsync<OperationOutcome>();
        Assert.Equal(before + 1, await BookedAtUnit());

        // the CapabilityStatement says so
        var metadata = await fixture.Client(null).CapabilityStatementAsync();
        Assert.True(metadata!.Rest[0].Resource.Single(r => r.Type == "Appointment").ConditionalCreate);
    }

    private async Task<HttpResponseMessage> SendConditionalAsync(string patient, string token, DateTimeOffset start, string condition)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/fhir/r4/Appointment");
        request.Headers.Authorization = new("Bearer", token);
        request.Headers.Accept.ParseAdd("application/fhir+json");
        request.Headers.TryAddWithoutValidation("If-None-Exist", condition);
        request.Content = new StringContent(System.Text.Json.JsonSerializer.Serialize(NewAppointment(patient, start), FhirHttp.Json),
            System.Text.Encoding.UTF8, "application/fhir+json");
        return await Gateway.Http.SendAsync(request);
    }

    [Fact]
    public async Task A_unit_that_predates_demographics_still_serves_the_id_only_Patient()
    {
        // A hand-made unit that speaks protocol 1 without patient.demographics: it answers unsupported, as an old unit does.
        var (unit, _) = await RawUnitClient.AttachAsync(Gateway.WebSocketBase, Gateway.UnitToken("unit-f-old"), "unit-f-old");
        await using var _ = unit;
        const string patient = "p-f-old";
        await unit.SendAsync(new Protocol.Frames.EventBatch([new Protocol.Frames.UnitEvent(1, "ev-f-old", Protocol.UnitEventKinds.PatientRegistered, patient,
            DateTimeOffset.UtcNow, Protocol.Codec.FrameCodec.ToElement(new Protocol.Contracts.PatientRegistered("Old Unit"),
                Protocol.Codec.ProtocolJsonContext.Default.PatientRegistered))]));
        Assert.Equal(1, Assert.IsType<Protocol.Frames.Ack>(await unit.ReceiveAsync()).UpToSeq);

        var response = Gateway.SendFhirAsync(HttpMethod.Get, $"/fhir/r4/Patient/{patient}", Gateway.PatientToken(patient));
        var request = Assert.IsType<Protocol.Frames.Request>(await unit.ReceiveAsync());
        Assert.Equal(Protocol.Operations.GetDemographics, request.Operation);
        Assert.Equal(patient, request.PatientId);
        await unit.SendAsync(new Protocol.Frames.Reply(request.Id, Protocol.Frames.ReplyStatus.Unsupported, Error: "operation 'patient.demographics' is not supported"));

        var answer = await response;
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var read = await answer.ResourceAsync<Patient>();
        FhirValidation.AssertValid(read);
        Assert.Equal(patient, read.Id);
        Assert.Empty(read.Name);
        Assert.Null(read.Gender);
    }

    [Fact]
    public async Task Book_reschedule_cancel_and_pay_go_through_the_durable_path()
    {
        var client = fixture.Client(fixture.PartnerToken());
        var patient = fixture.OtherPatient;
        var start = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(90).AddHours(9), TimeSpan.Zero);

        var booked = await client.CreateAsync(NewAppointment(patient, start));
        FhirValidation.AssertValid(booked!);
        Assert.Equal(Appointment.AppointmentStatus.Booked, booked!.Status);
        var local = (await fixture.Unit.Store.GetAppointmentsAsync(patient))!.Appointments.Single(a => $"{patient}.{a.Id}" == booked.Id);
        Assert.Equal(start, local.StartsAt);

        booked.Start = start.AddHours(2);
        var moved = await client.UpdateAsync(booked);
        FhirValidation.AssertValid(moved!);
        Assert.Equal(start.AddHours(2), moved!.Start);

        moved.Status = Appointment.AppointmentStatus.Cancelled;
        moved.CancelationReason = new CodeableConcept { Text = "patient asked" };
        var cancelled = await client.UpdateAsync(moved);
        Assert.Equal(Appointment.AppointmentStatus.Cancelled, cancelled!.Status);
        Assert.Equal(Protocol.Contracts.AppointmentStatus.Cancelled,
            (await fixture.Unit.Store.GetAppointmentsAsync(patient))!.Appointments.Single(a => $"{patient}.{a.Id}" == booked.Id).Status);

        var open = (await fixture.Unit.Store.GetInvoicesAsync(patient))!.Invoices.First(i => i.Status == Protocol.Contracts.InvoiceStatus.Open);
        var pay = new Parameters();
        pay.Add("amount", new Money { Value = open.AmountCents / 100m, Currency = Enum.Parse<Money.Currencies>(open.Currency) });
        pay.Add("paymentReference", new FhirString("fhir-test-1"));
        var paid = await client.InstanceOperationAsync(new Uri($"Invoice/{patient}.{open.Id}", UriKind.Relative), "pay", pay);
        var invoice = Assert.IsType<Invoice>(paid);
        FhirValidation.AssertValid(invoice);
        Assert.Equal(Invoice.InvoiceStatus.Balanced, invoice.Status);

        // paying again: the unit rejects it, 422 as on /api/v1, as an OperationOutcome
        var again = await Gateway.SendFhirAsync(HttpMethod.Post, $"/fhir/r4/Invoice/{patient}.{open.Id}/$pay", fixture.PartnerToken(), pay);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, again.StatusCode);
        FhirValidation.AssertValid(await again.ResourceAsync<OperationOutcome>());
    }

    [Fact]
    public async Task Idempotency_key_gives_the_same_appointment_and_a_different_request_409()
    {
        var token = fixture.PartnerToken();
        var start = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(120).AddHours(10), TimeSpan.Zero);
        var first = await Gateway.SendFhirAsync(HttpMethod.Post, "/fhir/r4/Appointment", token, NewAppointment(fixture.Patient, start), idempotencyKey: "fhir-idem-1");
        var second = await Gateway.SendFhirAsync(HttpMethod.Post, "/fhir/r4/Appointment", token, NewAppointment(fixture.Patient, start), idempotencyKey: "fhir-idem-1");
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal((await first.ResourceAsync<Appointment>()).Id, (await second.ResourceAsync<Appointment>()).Id);

        var conflict = await Gateway.SendFhirAsync(HttpMethod.Post, "/fhir/r4/Appointment", token, NewAppointment(fixture.Patient, start.AddHours(1)), idempotencyKey: "fhir-idem-1");
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        FhirValidation.AssertValid(await conflict.ResourceAsync<OperationOutcome>());
    }

    [Fact]
    public async Task A_write_for_an_offline_unit_is_202_with_Content_Location_and_applied_on_reconnect()
    {
        var token = fixture.PartnerToken();
        var patient = fixture.OfflinePatient;
        await fixture.OfflineUnit.DisposeAsync();
        var read = await Eventually.GetAsync(() => Gateway.SendFhirAsync(HttpMethod.Get, $"/fhir/r4/Appointment?patient={patient}", token),
            r => r.StatusCode == HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(read.Headers.RetryAfter);
        FhirValidation.AssertValid(await read.ResourceAsync<OperationOutcome>());

        var start = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(30).AddHours(8), TimeSpan.Zero);
        var accepted = await Gateway.SendFhirAsync(HttpMethod.Post, "/fhir/r4/Appointment", token, NewAppointment(patient, start), prefer: "respond-async");
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var operation = accepted.Content.Headers.ContentLocation!.ToString();
        Assert.StartsWith("/fhir/r4/_operations/", operation);
        FhirValidation.AssertValid(await accepted.ResourceAsync<OperationOutcome>());

        // the FHIR status URL: 202 + OperationOutcome while the unit is away; only its submitter sees it (else 404, as on /api/v1)
        var pending = await Gateway.SendFhirAsync(HttpMethod.Get, operation, token);
        Assert.Equal(HttpStatusCode.Accepted, pending.StatusCode);
        Assert.Equal(operation, pending.Content.Headers.ContentLocation!.ToString());
        FhirValidation.AssertValid(await pending.ResourceAsync<OperationOutcome>());
        var stranger = await Gateway.SendFhirAsync(HttpMethod.Get, operation, Gateway.PatientToken(fixture.Patient));
        Assert.Equal(HttpStatusCode.NotFound, stranger.StatusCode);
        await stranger.ResourceAsync<OperationOutcome>();
        Assert.Equal(HttpStatusCode.Unauthorized, (await Gateway.SendFhirAsync(HttpMethod.Get, operation, null)).StatusCode);
        var operationId = operation["/fhir/r4/_operations/".Length..];
        Assert.Contains(await Gateway.OperationStatusAsync($"/api/v1/operations/{operationId}", token), new[] { "queued", "delivered" }); // the same operation

        // once applied: 200 + the appointment as the unit booked it
        fixture.OfflineUnit = await fixture.StartUnitAsync("unit-fo", 1);
        var applied = await Eventually.GetAsync(() => Gateway.SendFhirAsync(HttpMethod.Get, operation, token),
            r => r.StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(60));
        var appointment = await applied.ResourceAsync<Appointment>();
        FhirValidation.AssertValid(appointment);
        Assert.Equal(start, appointment.Start);
        var bundle = await fixture.Client(token).SearchAsync<Appointment>(new SearchParams().Where($"patient={patient}").Where($"date={start:yyyy-MM-dd}"));
        Assert.Contains(bundle!.Entry, e => ((Appointment)e.Resource!).Start == start);
    }

    [Fact]
    public async Task Errors_are_OperationOutcomes_with_the_api_v1_status_codes()
    {
        var p = fixture.Patient;
        var cases = new (string Path, string? Token, string? Accept, HttpStatusCode Status)[]
        {
            ($"/fhir/r4/Appointment?patient={p}", null, null, HttpStatusCode.Unauthorized),
            ($"/fhir/r4/Appointment?patient={p}", "garbage.token.here", null, HttpStatusCode.Unauthorized),
            ($"/fhir/r4/Invoice?patient={p}", Gateway.PartnerToken("fhir-narrow", FhirGateway.SmartAll), null, HttpStatusCode.Forbidden),
            ($"/fhir/r4/Appointment?patient={fixture.OtherPatient}", Gateway.PatientToken(p), null, HttpStatusCode.NotFound),
            ("/fhir/r4/Appointment", fixture.PartnerToken(), null, HttpStatusCode.BadRequest),
            ($"/fhir/r4/Appointment/{p}.a-nope", fixture.PartnerToken(), null, HttpStatusCode.NotFound),
            ("/fhir/r4/Appointment/no-patient-part", fixture.PartnerToken(), null, HttpStatusCode.NotFound),
            ($"/fhir/r4/Appointment?patient={p}&date=yesterday", fixture.PartnerToken(), null, HttpStatusCode.BadRequest),
            ($"/fhir/r4/Appointment?patient={p}", fixture.PartnerToken(), "application/fhir+xml", HttpStatusCode.NotAcceptable),
        };
        foreach (var (path, token, accept, status) in cases)
        {
            var response = await Gateway.SendFhirAsync(HttpMethod.Get, path, token, accept: accept);
            Assert.True(status == response.StatusCode, $"{path}: expected {status}, got {response.StatusCode}");
            Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
            var outcome = Assert.IsType<OperationOutcome>(System.Text.Json.JsonSerializer.Deserialize<Resource>(await response.Content.ReadAsStringAsync(), FhirHttp.Json));
            FhirValidation.AssertValid(outcome);
            Assert.False(string.IsNullOrEmpty(outcome.Issue[0].Diagnostics), $"{path}: the outcome says what went wrong");
        }

        // a body the gateway's own validation refuses: 400 with the field named
        var invalid = await Gateway.SendFhirAsync(HttpMethod.Post, "/fhir/r4/Appointment", fixture.PartnerToken(),
            new Appointment { Status = Appointment.AppointmentStatus.Proposed, Participant = [new() { Actor = new ResourceReference($"Patient/{p}"), Status = ParticipationStatus.Accepted }] });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains((await invalid.ResourceAsync<OperationOutcome>()).Issue, i => i.Diagnostics?.StartsWith("startsAt") == true);
    }

    internal static Appointment NewAppointment(string patientId, DateTimeOffset start) => new()
    {
        Status = Appointment.AppointmentStatus.Booked,
        Start = start,
        End = start.AddMinutes(30),
        MinutesDuration = 30,
        ReasonCode = [new CodeableConcept { Text = "Check-up" }],
        Participant =
        [
            new Appointment.ParticipantComponent { Actor = new ResourceReference($"Patient/{patientId}"), Status = ParticipationStatus.Accepted },
            new Appointment.ParticipantComponent { Actor = new ResourceReference { Display = "Dr. Fhir" }, Status = ParticipationStatus.Accepted },
        ],
    };
}
