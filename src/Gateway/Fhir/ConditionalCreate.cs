using HealthGateway.Gateway.Api;
using HealthGateway.Gateway.Auth;
using HealthGateway.Gateway.Http;
using HealthGateway.Gateway.Routing;
using HealthGateway.Protocol;
using HealthGateway.Protocol.Codec;
using Microsoft.AspNetCore.WebUtilities;
using Contracts = HealthGateway.Protocol.Contracts;

namespace HealthGateway.Gateway.Fhir;

/// <summary>
/// FHIR conditional create for Appointment (<c>If-None-Exist: date=2026-12-03T09:00:00Z&amp;status=booked</c>): the
/// criteria are an Appointment search of the created appointment's patient, run live on the unit first.
/// 0 matches: create; 1: 200 with that appointment, nothing written; more: 412. Not atomic with the booking (another
/// client may book between the search and the write, as with any FHIR server that is not the system of record);
/// Idempotency-Key is the exactly-once guarantee, If-None-Exist the "do not book twice what is already there".
/// </summary>
public static class ConditionalCreate
{
    public const string Header = "If-None-Exist";

    private static readonly HashSet<string> Served = new(StringComparer.Ordinal) { "patient", "date", "status" };

    /// <summary>The one existing match (null when none), or the problem to answer instead of creating.</summary>
    public static async Task<(Contracts.Appointment? Existing, IResult? Problem)> FindExistingAsync(HttpContext http, string condition, string patientId,
        RoutedReads reads, PatientAccessPolicy policy, PatientDirectory directory)
    {
        var query = QueryHelpers.ParseQuery(condition.StartsWith('?') ? condition : "?" + condition);
        if (query.Count == 0)
            return (null, Problems.BadRequest("Invalid If-None-Exist", "If-None-Exist holds search parameters, such as date=2026-12-03T09:00:00Z&status=booked."));
        if (query.Keys.FirstOrDefault(name => !Served.Contains(name)) is { } unknown)
            return (null, Problems.BadRequest("Invalid If-None-Exist", $"'{unknown}' is not an Appointment search parameter served here (patient, date, status)."));
        if (query.TryGetValue("patient", out var patients) &&
            (patients.Count != 1 || FhirIds.PatientOfReference(patients[0]) != patientId))
            return (null, Problems.BadRequest("Invalid If-None-Exist", "If-None-Exist may only name the patient the Appointment is for."));
        var (criteria, error) = AppointmentCriteria.Parse(query.GetValueOrDefault("date"), query.GetValueOrDefault("status"));
        if (criteria is null) return (null, Problems.BadRequest("Invalid If-None-Exist", error!));

        // The answer can be an existing appointment: a caller that may create but not read must not learn it this way.
        if (await policy.DecideAsync(http.User, patientId, Scopes.AppointmentsRead, directory.FindUnitAsync, http.RequestAborted) != AccessOutcome.Allowed)
            return (null, Problems.Forbidden("Read scope required", $"{Header} searches the patient's appointments: it needs {Scopes.AppointmentsRead} as well."));

        var (list, problem) = await reads.ReadContractAsync(http, patientId, Operations.ListAppointments,
            ProtocolJsonContext.Default.AppointmentList, a => a.PatientId);
        if (problem is not null) return (null, problem);
        var matches = list!.Appointments.Where(criteria.Matches).Take(2).ToList();
        return matches.Count switch
        {
            0 => (null, null),
            1 => (matches[0], null),
            _ => (null, Problems.Create(StatusCodes.Status412PreconditionFailed, "More than one match",
                $"{Header} matches more than one of the patient's appointments; make the criteria more selective.")),
        };
    }
}
