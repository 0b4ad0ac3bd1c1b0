using HealthGateway.Gateway.Api;
using HealthGateway.Gateway.Audit;
using HealthGateway.Gateway.Auth;
using HealthGateway.Gateway.Http;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;

namespace HealthGateway.Gateway.Fhir;

/// <summary>
/// Finds the patient a FHIR request is about (<see cref="FhirPatientSource"/>) and hands it to
/// <see cref="PatientAccessFilter"/>, which runs next and makes the same decision, with the same audit record, as for
/// <c>/api/v1/patients/{patientId}</c>. A request that names no single patient is a 400 (audited), never a broad read.
/// </summary>
public sealed class FhirPatientResolver : IEndpointFilter
{
    /// <summary>The parsed Appointment of a create, for the handler (the body is read once).</summary>
    public const string AppointmentItem = "hgw.fhir.appointment";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var source = http.GetEndpoint()?.Metadata.GetMetadata<FhirPatientSourceMetadata>()?.Source ?? FhirPatientSource.SearchParameter;
        string? patientId = null;
        switch (source)
        {
            case FhirPatientSource.SearchParameter:
                var values = http.Request.Query["patient"];
                if (values.Count == 1) patientId = FhirIds.PatientOfReference(values[0]);
                else if (values.Count == 0 && Caller.From(http.User) is { Role: Roles.Patient } patient) patientId = patient.Subject;
                if (patientId is null)
                    return await AuditResultFilter.AuditedAsync(http, Problems.BadRequest("One patient required",
                        "A search names exactly one patient: patient=Patient/{id} (a patient's own token may leave it out)."));
                break;
            case FhirPatientSource.RecordId:
                var id = http.GetRouteValue("id") as string ?? "";
                if (!FhirIds.TryParse(id, out patientId, out _))
                    return await AuditResultFilter.AuditedAsync(http, Problems.Create(StatusCodes.Status404NotFound, "Resource not found",
                        $"No resource with id '{Truncate(id)}' is known."));
                break;
            case FhirPatientSource.PatientId:
                patientId = http.GetRouteValue("id") as string;
                break;
            case FhirPatientSource.AppointmentBody:
                var (appointment, error) = await FhirJson.ReadAsync<Appointment>(http.Request);
                if (appointment is null)
                    return await AuditResultFilter.AuditedAsync(http, Problems.BadRequest("Invalid resource", error!));
                patientId = AppointmentMapping.PatientOf(appointment);
                if (patientId is null)
                    return await AuditResultFilter.AuditedAsync(http, Problems.BadRequest("One patient required",
                        "The Appointment names exactly one participant actor Patient/{id}."));
                http.Items[AppointmentItem] = appointment;
                break;
        }

        http.Items[PatientAccessFilter.PatientIdItem] = patientId ?? "";
        if (http.Audit() is { } audit) audit.PatientId = patientId is { Length: <= Protocol.ProtocolConstants.MaxIdLength } ? patientId : null;
        return await next(context);
    }

    private static string Truncate(string id) => id.Length <= 80 ? id : id[..80];
}

/// <summary>The metadata object behind <see cref="FhirPatientSource"/>.</summary>
public sealed record FhirPatientSourceMetadata(FhirPatientSource Source);
