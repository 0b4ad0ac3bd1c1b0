using System.Text.Json.Serialization;

namespace HealthGateway.Protocol.Contracts;

public sealed record Appointment(
    string Id,
    string PatientId,
    DateTimeOffset StartsAt,
    int DurationMinutes,
    string Clinician,
    string Reason,
    AppointmentStatus Status);

public enum AppointmentStatus
{
    [JsonStringEnumMemberName("booked")] Booked,
    [JsonStringEnumMemberName("cancelled")] Cancelled,
    [JsonStringEnumMemberName("completed")] Completed,
}

/// <summary>Reply payload of <see cref="Operations.ListAppointments"/>.</summary>
public sealed record AppointmentList(string PatientId, IReadOnlyList<Appointment> Appointments);

/// <summary>Payload of <see cref="Operations.BookAppointment"/>.</summary>
public sealed record BookAppointment(DateTimeOffset StartsAt, int DurationMinutes, string Clinician, string Reason);

/// <summary>Payload of <see cref="Operations.RescheduleAppointment"/>.</summary>
public sealed record RescheduleAppointment(string AppointmentId, DateTimeOffset StartsAt);

/// <summary>Payload of <see cref="Operations.CancelAppointment"/>.</summary>
public sealed record CancelAppointment(string AppointmentId, string? Reason = null);
