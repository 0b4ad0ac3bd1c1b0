using HealthGateway.Gateway.Api;
using Hl7.Fhir.Model;
using Contracts = HealthGateway.Protocol.Contracts;

namespace HealthGateway.Gateway.Fhir;

/// <summary>
/// <see cref="Contracts.Appointment"/> &lt;-&gt; FHIR <c>Appointment</c> (docs/fhir.md has the table): start/end/minutesDuration
/// from startsAt and durationMinutes, the clinician as a participant known by name only, the reason as reasonCode text.
/// </summary>
public static class AppointmentMapping
{
    public static Appointment ToFhir(Contracts.Appointment appointment) => new()
    {
        Id = FhirIds.Compose(appointment.PatientId, appointment.Id),
        Status = StatusOf(appointment.Status),
        Start = appointment.StartsAt.ToUniversalTime(),
        End = appointment.StartsAt.ToUniversalTime().AddMinutes(appointment.DurationMinutes),
        MinutesDuration = appointment.DurationMinutes,
        ReasonCode = [new CodeableConcept { Text = appointment.Reason }],
        Participant =
        [
            new Appointment.ParticipantComponent
            {
                Actor = new ResourceReference($"Patient/{appointment.PatientId}"),
                Status = ParticipationStatus.Accepted,
            },
            new Appointment.ParticipantComponent
            {
                Actor = new ResourceReference { Display = appointment.Clinician },
                Status = ParticipationStatus.Accepted,
            },
        ],
    };

    public static Appointment.AppointmentStatus StatusOf(Contracts.AppointmentStatus status) => status switch
    {
        Contracts.AppointmentStatus.Booked => Appointment.AppointmentStatus.Booked,
        Contracts.AppointmentStatus.Cancelled => Appointment.AppointmentStatus.Cancelled,
        _ => Appointment.AppointmentStatus.Fulfilled,
    };

    /// <summary>The FHIR status code, for the <c>status</c> search parameter.</summary>
    public static string CodeOf(Contracts.AppointmentStatus status) => status switch
    {
        Contracts.AppointmentStatus.Booked => "booked",
        Contracts.AppointmentStatus.Cancelled => "cancelled",
        _ => "fulfilled",
    };

    /// <summary>The patient an Appointment names as a participant (<c>Patient/{id}</c>), if exactly one.</summary>
    public static string? PatientOf(Appointment appointment)
    {
        var patients = appointment.Participant
            .Select(p => p.Actor?.Reference)
            .Where(r => r is not null && r.StartsWith("Patient/", StringComparison.Ordinal))
            .Distinct().ToList();
        return patients.Count == 1 ? FhirIds.PatientOfReference(patients[0]) : null;
    }

    /// <summary>A create: the same request body (and validation) as <c>POST /api/v1/patients/{id}/appointments</c>.</summary>
    public static BookAppointmentRequest ToBooking(Appointment appointment)
    {
        var start = appointment.StartElement?.Value;
        int? minutes = appointment.MinutesDuration;
        if (minutes is null && start is { } s && appointment.EndElement?.Value is { } e) minutes = (int)(e - s).TotalMinutes;
        var clinician = appointment.Participant
            .Where(p => p.Actor is { Reference: null or "" } || p.Actor?.Reference?.StartsWith("Practitioner/", StringComparison.Ordinal) == true)
            .Select(p => p.Actor?.Display).FirstOrDefault(d => !string.IsNullOrWhiteSpace(d));
        var reason = appointment.ReasonCode.Select(r => r.Text).FirstOrDefault(t => !string.IsNullOrWhiteSpace(t)) ?? appointment.Description;
        return new BookAppointmentRequest(start, minutes, clinician, reason);
    }
}
