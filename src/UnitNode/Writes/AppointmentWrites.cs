using HealthGateway.Protocol;
using HealthGateway.Protocol.Codec;
using HealthGateway.Protocol.Contracts;
using HealthGateway.UnitNode.Seeding;
using HealthGateway.UnitNode.Storage;

namespace HealthGateway.UnitNode.Writes;

/// <summary>Book, reschedule and cancel, each with its business rules and outbox event, inside the caller's transaction.</summary>
internal static class AppointmentWrites
{
    private const int MinDurationMinutes = 5;
    private const int MaxDurationMinutes = 8 * 60;
    private const int MaxTextLength = 500;

    public static WriteResult Book(WriteContext context, BookAppointment booking)
    {
        if (booking.DurationMinutes is < MinDurationMinutes or > MaxDurationMinutes)
            return WriteResult.Rejected(RejectionReasons.InvalidPayload,
                $"durationMinutes must be between {MinDurationMinutes} and {MaxDurationMinutes}");
        if (string.IsNullOrWhiteSpace(booking.Clinician) || booking.Clinician.Length > MaxTextLength
            || booking.Reason.Length > MaxTextLength)
            return WriteResult.Rejected(RejectionReasons.InvalidPayload, "clinician is required and texts are limited to 500 characters");
        if (IsSlotTaken(context, booking.Clinician, booking.StartsAt, booking.DurationMinutes, exceptAppointmentId: null))
            return WriteResult.Rejected(RejectionReasons.SlotTaken);

        // Derived from the message id: the same delivery can only ever create the same appointment.
        var appointment = new Appointment(DeterministicIds.ChildId("a-", context.MessageId, "booking", 0), context.PatientId,
            Truncate(booking.StartsAt), booking.DurationMinutes, booking.Clinician, booking.Reason, AppointmentStatus.Booked);
        using (var insert = context.Command("""
            INSERT INTO appointments(id, patient_id, starts_at, duration_minutes, clinician, reason, status)
            VALUES ($id, $patient, $starts, $duration, $clinician, $reason, 'booked');
            """))
        {
            insert.Parameters.AddWithValue("$id", appointment.Id);
            insert.Parameters.AddWithValue("$patient", appointment.PatientId);
            insert.Parameters.AddWithValue("$starts", StoredValues.ToUnixMs(appointment.StartsAt));
            insert.Parameters.AddWithValue("$duration", appointment.DurationMinutes);
            insert.Parameters.AddWithValue("$clinician", appointment.Clinician);
            insert.Parameters.AddWithValue("$reason", appointment.Reason);
            insert.ExecuteNonQuery();
        }
        return Emit(context, UnitEventKinds.AppointmentBooked, appointment);
    }

    public static WriteResult Reschedule(WriteContext context, RescheduleAppointment change)
    {
        if (FindBooked(context, change.AppointmentId, out var current) is { } refused) return refused;
        if (IsSlotTaken(context, current.Clinician, change.StartsAt, current.DurationMinutes, current.Id))
            return WriteResult.Rejected(RejectionReasons.SlotTaken);

        var moved = current with { StartsAt = Truncate(change.StartsAt) };
        using (var update = context.Command("UPDATE appointments SET starts_at = $starts WHERE id = $id;"))
        {
            update.Parameters.AddWithValue("$starts", StoredValues.ToUnixMs(moved.StartsAt));
            update.Parameters.AddWithValue("$id", moved.Id);
            update.ExecuteNonQuery();
        }
        return Emit(context, UnitEventKinds.AppointmentRescheduled, moved);
    }

    public static WriteResult Cancel(WriteContext context, CancelAppointment cancellation)
    {
        if (FindBooked(context, cancellation.AppointmentId, out var current) is { } refused) return refused;

        var cancelled = current with { Status = AppointmentStatus.Cancelled };
        using (var update = context.Command("UPDATE appointments SET status = 'cancelled', cancel_reason = $reason WHERE id = $id;"))
        {
            update.Parameters.AddWithValue("$reason", (object?)cancellation.Reason ?? DBNull.Value);
            update.Parameters.AddWithValue("$id", cancelled.Id);
            update.ExecuteNonQuery();
        }
        return Emit(context, UnitEventKinds.AppointmentCancelled, cancelled);
    }

    /// <summary>A booked appointment of the same clinician overlapping [start, start + duration).</summary>
    private static bool IsSlotTaken(WriteContext context, string clinician, DateTimeOffset startsAt, int durationMinutes,
        string? exceptAppointmentId)
    {
        using var query = context.Command("""
            SELECT 1 FROM appointments
            WHERE clinician = $clinician AND status = 'booked' AND id <> $except
              AND starts_at < $end AND starts_at + duration_minutes * 60000 > $start
            LIMIT 1;
            """);
        var start = StoredValues.ToUnixMs(startsAt);
        query.Parameters.AddWithValue("$clinician", clinician);
        query.Parameters.AddWithValue("$except", exceptAppointmentId ?? "");
        query.Parameters.AddWithValue("$start", start);
        query.Parameters.AddWithValue("$end", start + durationMinutes * 60_000L);
        return query.ExecuteScalar() is not null;
    }

    private static WriteResult Emit(WriteContext context, string kind, Appointment appointment)
    {
        var element = FrameCodec.ToElement(appointment, ProtocolJsonContext.Default.Appointment);
        OutboxWriter.Append(context.Connection, context.Transaction, kind, context.PatientId, context.Now, element.GetRawText());
        return WriteResult.Success(element);
    }

    /// <summary>The store keeps milliseconds; the result must show what was stored.</summary>
    private static DateTimeOffset Truncate(DateTimeOffset value) => StoredValues.FromUnixMs(StoredValues.ToUnixMs(value));

    /// <summary>The patient's own booked appointment, or the rejection that explains why there is none.</summary>
    private static WriteResult? FindBooked(WriteContext context, string appointmentId, out Appointment current)
    {
        current = AppointmentRows.Find(context.Connection, context.Transaction, appointmentId)!;
        if (current is null || current.PatientId != context.PatientId) return WriteResult.Rejected(RejectionReasons.AppointmentNotFound);
        return current.Status != AppointmentStatus.Booked ? WriteResult.Rejected(RejectionReasons.AppointmentNotBooked) : null;
    }
}
