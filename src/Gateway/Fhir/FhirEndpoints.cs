using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using HealthGateway.Gateway.Api;
using HealthGateway.Gateway.Audit;
using HealthGateway.Gateway.Auth;
using HealthGateway.Gateway.Http;
using HealthGateway.Gateway.RateLimits;
using HealthGateway.Gateway.Routing;
using HealthGateway.Protocol;
using HealthGateway.Protocol.Codec;
using Hl7.Fhir.Model;
using Contracts = HealthGateway.Protocol.Contracts;

namespace HealthGateway.Gateway.Fhir;

/// <summary>
/// <c>/fhir/r4</c>: FHIR R4 over the same routed reads, durable writes, access decision and audit as <c>/api/v1</c>.
/// Each endpoint only maps: FHIR request -> the contract call -> FHIR resource. What is served is listed by
/// <see cref="FhirCapabilities"/> (a test holds the two together); docs/fhir.md has the mapping.
/// </summary>
public static class FhirEndpoints
{
    public static IEndpointRouteBuilder MapFhir(this IEndpointRouteBuilder app)
    {
        app.MapSmartConfiguration();
        var fhir = app.MapGroup(FhirPaths.Base).AddEndpointFilter<FhirFormatFilter>().ExcludeFromDescription();
        fhir.MapGet("/metadata", (HttpRequest request) => new FhirResult(FhirCapabilities.Statement(FhirPaths.AbsoluteBase(request))))
            .AllowAnonymous();

        // The patient's data: the same chain as /api/v1/patients/{patientId} (PatientRoutes), with the patient found by FhirPatientResolver.
        var data = fhir.MapGroup("")
            .RequireAuthorization(Policies.Caller)
            .WithMetadata(AuditedEndpoint.Instance)
            .AddEndpointFilter<FhirPatientResolver>()
            .AddEndpointFilter<PatientAccessFilter>()
            .RequirePerCallerLimit();

        // FHIR's asynchronous pattern: the 202's Content-Location. Same lookup and visibility as /api/v1/operations/{id}.
        fhir.MapGet($"/{FhirPaths.OperationsSegment}/{{operationId}}", async (string operationId, HttpContext http, OperationLookup operations) =>
            {
                var (state, problem) = await operations.FindAsync(http, operationId);
                return problem ?? FhirWriteResults.Status(state!);
            })
            .RequireAuthorization(Policies.Caller)
            .WithMetadata(AuditedEndpoint.Instance)
            .AddEndpointFilter<AuditResultFilter>()
            .RequirePerCallerLimit();

        MapAppointments(data);
        MapInvoices(data);
        MapRecords(data);
        MapPatient(data);
        return app;
    }

    private static void MapAppointments(RouteGroupBuilder data)
    {
        var contracts = ProtocolJsonContext.Default;
        data.MapGet("/Appointment", async (HttpContext http, RoutedReads reads) =>
        {
            var (count, offset, pagingError) = FhirSearch.Paging(http.Request);
            if (pagingError is not null) return Problems.BadRequest("Invalid search parameter", pagingError);
            var (criteria, criteriaError) = AppointmentCriteria.Parse(http.Request.Query["date"], http.Request.Query["status"]);
            if (criteria is null) return Problems.BadRequest("Invalid search parameter", criteriaError!);

            var patientId = PatientOf(http);
            var (list, problem) = await reads.ReadContractAsync(http, patientId, Operations.ListAppointments, contracts.AppointmentList, a => a.PatientId);
            if (problem is not null) return problem;
            var matches = list!.Appointments
                .Where(criteria.Matches)
                .OrderBy(a => a.StartsAt).ThenBy(a => a.Id, StringComparer.Ordinal)
                .Select(AppointmentMapping.ToFhir)
                .ToList<Resource>();
            return new FhirResult(FhirSearch.Page(http.Request, "Appointment", matches, count, offset));
        }).RequireScope(Scopes.AppointmentsRead).FromPatient(FhirPatientSource.SearchParameter);

        data.MapGet("/Appointment/{id}", (string id, HttpContext http, RoutedReads reads) =>
            ReadByIdAsync(http, reads, "Appointment", id, Operations.ListAppointments, contracts.AppointmentList, l => l.PatientId,
                l => l.Appointments, a => a.Id, AppointmentMapping.ToFhir)).RequireScope(Scopes.AppointmentsRead).FromPatient(FhirPatientSource.RecordId);

        // create = book (Idempotency-Key honoured by WriteSubmitter; If-None-Exist by ConditionalCreate)
        data.MapPost("/Appointment", async (HttpContext http, WriteSubmitter writes, RoutedReads reads, PatientAccessPolicy policy, PatientDirectory directory) =>
        {
            var appointment = (Appointment)http.Items[FhirPatientResolver.AppointmentItem]!;
            var (contract, errors) = AppointmentMapping.ToBooking(appointment).Validate(DateTimeOffset.UtcNow);
            if (contract is null) return Invalid(errors);
            if (http.Request.Headers[ConditionalCreate.Header] is { Count: > 0 } condition)
            {
                var (existing, conditionProblem) = await ConditionalCreate.FindExistingAsync(http, condition.ToString(), PatientOf(http), reads, policy, directory);
                if (conditionProblem is not null) return conditionProblem;
                if (existing is not null) return new FhirResult(AppointmentMapping.ToFhir(existing), StatusCodes.Status200OK,
                    contentLocation: $"{FhirPaths.Base}/Appointment/{FhirIds.Compose(existing.PatientId, existing.Id)}");
            }
            var (state, problem) = await writes.EnqueueAsync(http, PatientOf(http), Operations.BookAppointment,
                JsonSerializer.Serialize(contract, contracts.BookAppointment));
            return problem ?? FhirWriteResults.From(state!, creates: true);
        }).RequireScope(Scopes.AppointmentsWrite).FromPatient(FhirPatientSource.AppointmentBody);

        // update = reschedule (a new start), or cancel (status cancelled); nothing else of an appointment is updatable
        data.MapPut("/Appointment/{id}", async (string id, HttpContext http, WriteSubmitter writes) =>
        {
            FhirIds.TryParse(id, out var patientId, out var appointmentId);
            var (appointment, error) = await FhirJson.ReadAsync<Appointment>(http.Request);
            if (appointment is null) return Problems.BadRequest("Invalid resource", error!);
            if (appointment.Id is { } bodyId && bodyId != id)
                return Problems.BadRequest("Id mismatch", $"The body's id '{bodyId}' is not the URL's id '{id}'.");
            if (AppointmentMapping.PatientOf(appointment) is { } named && named != patientId)
                return Problems.BadRequest("Patient mismatch", "An appointment cannot move to another patient.");

            string operation, payload;
            if (appointment.Status == Appointment.AppointmentStatus.Cancelled)
            {
                var (cancel, errors) = CancelAppointmentRequest.Validate(appointmentId!, appointment.CancelationReason?.Text);
                if (cancel is null) return Invalid(errors);
                (operation, payload) = (Operations.CancelAppointment, JsonSerializer.Serialize(cancel, contracts.CancelAppointment));
            }
            else
            {
                var (move, errors) = new RescheduleAppointmentRequest(appointment.StartElement?.Value).Validate(appointmentId!, DateTimeOffset.UtcNow);
                if (move is null) return Invalid(errors);
                (operation, payload) = (Operations.RescheduleAppointment, JsonSerializer.Serialize(move, contracts.RescheduleAppointment));
            }
            var (state, problem) = await writes.EnqueueAsync(http, patientId!, operation, payload);
            return problem ?? FhirWriteResults.From(state!, creates: false);
        }).RequireScope(Scopes.AppointmentsWrite).FromPatient(FhirPatientSource.RecordId);
    }

    private static void MapInvoices(RouteGroupBuilder data)
    {
        var contracts = ProtocolJsonContext.Default;
        data.MapGet("/Invoice", async (HttpContext http, RoutedReads reads) =>
        {
            var (count, offset, pagingError) = FhirSearch.Paging(http.Request);
            if (pagingError is not null) return Problems.BadRequest("Invalid search parameter", pagingError);
            var (list, problem) = await reads.ReadContractAsync(http, PatientOf(http), Operations.ListInvoices, contracts.InvoiceList, i => i.PatientId);
            if (problem is not null) return problem;
            var matches = list!.Invoices.OrderByDescending(i => i.IssuedOn).ThenBy(i => i.Id, StringComparer.Ordinal)
                .Select(InvoiceMapping.ToFhir).ToList<Resource>();
            return new FhirResult(FhirSearch.Page(http.Request, "Invoice", matches, count, offset));
        }).RequireScope(Scopes.BillingRead).FromPatient(FhirPatientSource.SearchParameter);

        data.MapGet("/Invoice/{id}", (string id, HttpContext http, RoutedReads reads) =>
            ReadByIdAsync(http, reads, "Invoice", id, Operations.ListInvoices, contracts.InvoiceList, l => l.PatientId,
                l => l.Invoices, i => i.Id, InvoiceMapping.ToFhir)).RequireScope(Scopes.BillingRead).FromPatient(FhirPatientSource.RecordId);

        // $pay: a named operation (Parameters in, the paid Invoice out); same durable write as POST .../payments
        data.MapPost("/Invoice/{id}/$pay", async (string id, HttpContext http, WriteSubmitter writes) =>
        {
            FhirIds.TryParse(id, out var patientId, out var invoiceId);
            var (parameters, error) = await FhirJson.ReadAsync<Parameters>(http.Request);
            if (parameters is null) return Problems.BadRequest("Invalid resource", error!);
            var (contract, errors) = InvoiceMapping.ToPayment(parameters).Validate(invoiceId!);
            if (contract is null) return Invalid(errors);
            var (state, problem) = await writes.EnqueueAsync(http, patientId!, Operations.PayInvoice, JsonSerializer.Serialize(contract, contracts.PayInvoice));
            return problem ?? FhirWriteResults.From(state!, creates: false);
        }).RequireScope(Scopes.BillingWrite).FromPatient(FhirPatientSource.RecordId);
    }

    private static void MapRecords(RouteGroupBuilder data)
    {
        MapRecordSearch(data, "AllergyIntolerance", MedicalRecordMapping.Allergies);
        MapRecordSearch(data, "Condition", MedicalRecordMapping.Conditions);
        MapRecordSearch(data, "MedicationStatement", MedicalRecordMapping.Medications);
        MapRecordSearch(data, "Encounter", MedicalRecordMapping.Encounters);
    }

    private static void MapRecordSearch(RouteGroupBuilder data, string resourceType, Func<Contracts.MedicalRecord, IEnumerable<Resource>> map) =>
        data.MapGet($"/{resourceType}", async (HttpContext http, RoutedReads reads) =>
        {
            var (count, offset, pagingError) = FhirSearch.Paging(http.Request);
            if (pagingError is not null) return Problems.BadRequest("Invalid search parameter", pagingError);
            var (record, problem) = await reads.ReadContractAsync(http, PatientOf(http), Operations.GetRecords, ProtocolJsonContext.Default.MedicalRecord, r => r.PatientId);
            if (problem is not null) return problem;
            return new FhirResult(FhirSearch.Page(http.Request, resourceType, map(record!).ToList(), count, offset));
        }).RequireScope(Scopes.RecordsRead).FromPatient(FhirPatientSource.SearchParameter);

    private static void MapPatient(RouteGroupBuilder data)
    {
        // patient.demographics from the unit; a unit that predates it (501 unsupported) gives the id-only Patient.
        data.MapGet("/Patient/{id}", async (string id, HttpContext http, RoutedReads reads) =>
        {
            var (patient, problem) = await ReadPatientAsync(http, reads, id);
            return problem ?? new FhirResult(patient!);
        }).RequireScope(Scopes.RecordsRead).FromPatient(FhirPatientSource.PatientId);

        data.MapGet("/Patient/{id}/$everything", async (string id, HttpContext http, RoutedReads reads, PatientAccessPolicy policy, PatientDirectory directory) =>
        {
            var contracts = ProtocolJsonContext.Default;
            var (patient, patientProblem) = await ReadPatientAsync(http, reads, id);
            if (patientProblem is not null) return patientProblem;
            var resources = new List<Resource> { patient! };
            var (record, problem) = await reads.ReadContractAsync(http, id, Operations.GetRecords, contracts.MedicalRecord, r => r.PatientId);
            if (problem is not null) return problem;
            resources.AddRange(MedicalRecordMapping.Allergies(record!));
            resources.AddRange(MedicalRecordMapping.Conditions(record!));
            resources.AddRange(MedicalRecordMapping.Medications(record!));
            resources.AddRange(MedicalRecordMapping.Encounters(record!));
            // Appointments and invoices only where the caller may read them too (a patient always may).
            if (await policy.DecideAsync(http.User, id, Scopes.AppointmentsRead, directory.FindUnitAsync, http.RequestAborted) == AccessOutcome.Allowed)
            {
                var (list, listProblem) = await reads.ReadContractAsync(http, id, Operations.ListAppointments, contracts.AppointmentList, a => a.PatientId);
                if (listProblem is not null) return listProblem;
                resources.AddRange(list!.Appointments.OrderBy(a => a.StartsAt).Select(AppointmentMapping.ToFhir));
            }
            if (await policy.DecideAsync(http.User, id, Scopes.BillingRead, directory.FindUnitAsync, http.RequestAborted) == AccessOutcome.Allowed)
            {
                var (list, listProblem) = await reads.ReadContractAsync(http, id, Operations.ListInvoices, contracts.InvoiceList, i => i.PatientId);
                if (listProblem is not null) return listProblem;
                resources.AddRange(list!.Invoices.OrderByDescending(i => i.IssuedOn).Select(InvoiceMapping.ToFhir));
            }
            var bundle = FhirSearch.Page(http.Request, $"Patient/{id}/$everything", resources, resources.Count, 0);
            return new FhirResult(bundle);
        }).RequireScope(Scopes.RecordsRead).FromPatient(FhirPatientSource.PatientId);
    }

    /// <summary>A read by record id: the patient's list, live from the unit, and the one entry with that id (404 when none).</summary>
    private static async Task<IResult> ReadByIdAsync<TList, TItem>(HttpContext http, RoutedReads reads, string type, string id, string operation,
        JsonTypeInfo<TList> contract, Func<TList, string> patientOf, Func<TList, IEnumerable<TItem>> items, Func<TItem, string> idOf, Func<TItem, Resource> map)
        where TList : class
    {
        FhirIds.TryParse(id, out var patientId, out var recordId);
        var (list, problem) = await reads.ReadContractAsync(http, patientId!, operation, contract, patientOf);
        if (problem is not null) return problem;
        return items(list!).FirstOrDefault(item => idOf(item) == recordId) is { } found ? new FhirResult(map(found)) : NotFound(type, id);
    }

    /// <summary>The Patient from the unit's demographics, or id-only when the unit does not offer them (an older unit).</summary>
    private static async Task<(Patient? Patient, IResult? Problem)> ReadPatientAsync(HttpContext http, RoutedReads reads, string id)
    {
        var (demographics, problem) = await reads.ReadContractAsync(http, id, Operations.GetDemographics,
            ProtocolJsonContext.Default.PatientDemographics, d => d.PatientId);
        if (problem is IStatusCodeHttpResult { StatusCode: StatusCodes.Status501NotImplemented }) return (PatientMapping.IdOnly(id), null);
        return problem is not null ? (null, problem) : (PatientMapping.ToFhir(demographics!), null);
    }

    private static string PatientOf(HttpContext http) => (string)http.Items[PatientAccessFilter.PatientIdItem]!;

    private static IResult NotFound(string type, string id) =>
        Problems.Create(StatusCodes.Status404NotFound, "Resource not found", $"{type}/{id} is not known.");

    private static IResult Invalid(Dictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, title: "The resource has invalid fields");

    private static RouteHandlerBuilder FromPatient(this RouteHandlerBuilder builder, FhirPatientSource source) =>
        builder.WithMetadata(new FhirPatientSourceMetadata(source));
}
